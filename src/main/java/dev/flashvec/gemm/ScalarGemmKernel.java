package dev.flashvec.gemm;

/**
 * The plain-Java micro-kernel of the SGEMM: the fallback when the Vector API is unavailable, and the
 * vector kernel's twin in tests.
 *
 * <p>It runs inside the same blocking and packing as the vector kernel and performs the same operations per
 * element ({@link Math#fma} in increasing k, then {@code fma(sum, alpha, C·beta)}), so with equal block sizes it gives the
 * same bits. The 4×4 tile keeps its 16 accumulators in locals, which C2 maps to registers.
 */
final class ScalarGemmKernel implements GemmKernel {
    /** Rows and columns of the register tile. */
    static final int MR = 4, NR = 4;

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public void multiplyTile(int kc, float[] a, int aOff, float[] b, int bOff, float alpha, float beta,
                             float[] c, int cOff, int ldc) {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        float c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        float c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = 0; p < kc; p++) {
            int ap = aOff + p * MR;
            int bp = bOff + p * NR;
            float b0 = b[bp], b1 = b[bp + 1], b2 = b[bp + 2], b3 = b[bp + 3];
            float a0 = a[ap], a1 = a[ap + 1], a2 = a[ap + 2], a3 = a[ap + 3];
            c00 = Math.fma(a0, b0, c00);
            c01 = Math.fma(a0, b1, c01);
            c02 = Math.fma(a0, b2, c02);
            c03 = Math.fma(a0, b3, c03);
            c10 = Math.fma(a1, b0, c10);
            c11 = Math.fma(a1, b1, c11);
            c12 = Math.fma(a1, b2, c12);
            c13 = Math.fma(a1, b3, c13);
            c20 = Math.fma(a2, b0, c20);
            c21 = Math.fma(a2, b1, c21);
            c22 = Math.fma(a2, b2, c22);
            c23 = Math.fma(a2, b3, c23);
            c30 = Math.fma(a3, b0, c30);
            c31 = Math.fma(a3, b1, c31);
            c32 = Math.fma(a3, b2, c32);
            c33 = Math.fma(a3, b3, c33);
        }
        int r0 = cOff, r1 = cOff + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        if (beta == 0f) {
            // BLAS convention: C is not read, so NaN already in C does not reach the result.
            c[r0] = alpha * c00; c[r0 + 1] = alpha * c01; c[r0 + 2] = alpha * c02; c[r0 + 3] = alpha * c03;
            c[r1] = alpha * c10; c[r1 + 1] = alpha * c11; c[r1 + 2] = alpha * c12; c[r1 + 3] = alpha * c13;
            c[r2] = alpha * c20; c[r2 + 1] = alpha * c21; c[r2 + 2] = alpha * c22; c[r2 + 3] = alpha * c23;
            c[r3] = alpha * c30; c[r3 + 1] = alpha * c31; c[r3 + 2] = alpha * c32; c[r3 + 3] = alpha * c33;
        } else {
            c[r0] = Math.fma(c00, alpha, c[r0] * beta);
            c[r0 + 1] = Math.fma(c01, alpha, c[r0 + 1] * beta);
            c[r0 + 2] = Math.fma(c02, alpha, c[r0 + 2] * beta);
            c[r0 + 3] = Math.fma(c03, alpha, c[r0 + 3] * beta);
            c[r1] = Math.fma(c10, alpha, c[r1] * beta);
            c[r1 + 1] = Math.fma(c11, alpha, c[r1 + 1] * beta);
            c[r1 + 2] = Math.fma(c12, alpha, c[r1 + 2] * beta);
            c[r1 + 3] = Math.fma(c13, alpha, c[r1 + 3] * beta);
            c[r2] = Math.fma(c20, alpha, c[r2] * beta);
            c[r2 + 1] = Math.fma(c21, alpha, c[r2 + 1] * beta);
            c[r2 + 2] = Math.fma(c22, alpha, c[r2 + 2] * beta);
            c[r2 + 3] = Math.fma(c23, alpha, c[r2 + 3] * beta);
            c[r3] = Math.fma(c30, alpha, c[r3] * beta);
            c[r3 + 1] = Math.fma(c31, alpha, c[r3 + 1] * beta);
            c[r3 + 2] = Math.fma(c32, alpha, c[r3 + 2] * beta);
            c[r3 + 3] = Math.fma(c33, alpha, c[r3 + 3] * beta);
        }
    }
}
