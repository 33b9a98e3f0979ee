package dev.flashvec.gemm;

/**
 * The register-tile micro-kernel of the blocked GEMM: the only part that differs between the Vector API
 * implementation and its scalar twin. Blocking, packing and threading live once in {@link BlockedGemm}.
 *
 * <p>Implementations are stateless and thread-safe; they trust their arguments (the facade checked them).
 */
interface GemmKernel {
    /** Rows of the register tile; packed A slivers hold this many rows per k step. */
    int mr();

    /** Columns of the register tile; packed B slivers hold this many columns per k step. */
    int nr();

    /**
     * Packs {@code width} rows of op(A) by {@code kc} depth steps, element (i, p) at {@code x[base + i·su + p·sp]},
     * into {@code mr}-row slivers at {@code dst[0..]} exactly as {@link Packing#pack} does; a kernel may override
     * this with a faster copy that produces the same floats.
     */
    default void packA(float[] x, int base, int su, int sp, int width, int kc, float[] dst) {
        Packing.pack(x, base, su, sp, width, kc, mr(), dst, 0);
    }

    /** Packs {@code width} columns of op(B) into {@code nr}-column slivers; otherwise like {@link #packA}. */
    default void packB(float[] x, int base, int su, int sp, int width, int kc, float[] dst) {
        Packing.pack(x, base, su, sp, width, kc, nr(), dst, 0);
    }

    /**
     * Computes one full {@code mr × nr} tile: {@code C = alpha·(Ap·Bp) + beta·C}, where {@code Ap} is an
     * {@code mr × kc} sliver packed k-major at {@code a[aOff + p·mr + r]} and {@code Bp} a {@code kc × nr}
     * sliver packed k-major at {@code b[bOff + p·nr + j]}; C is row-major at {@code c[cOff + r·ldc + j]}.
     * When {@code beta == 0} C is only written, never read, so NaN or garbage in C does not propagate.
     *
     * <p>Exact operations, which both implementations share so that they give the same bits: the sum starts
     * at 0 and adds one {@code fma(a, b, sum)} per p in increasing order; C becomes {@code alpha·sum} when
     * beta is 0 and {@code fma(sum, alpha, C·beta)} otherwise. The result thus depends only on the packed data,
     * never on which thread or tile position computes it.
     */
    void multiplyTile(int kc, float[] a, int aOff, float[] b, int bOff, float alpha, float beta,
                      float[] c, int cOff, int ldc);

    /**
     * Skinny product for few rows ({@link SkinnyGemm}): {@code sum[r·cols + j] = Σ_p rows[r·k + p] · B(p, j)}
     * for rows {@code r < m} ({@code m <= SkinnyGemm.ROWS}) and {@code j < cols}, with B not transposed: {@code B(p, j) =
     * b[bOff + p·ldb + j]}. Each sum starts at 0 and adds one {@code fma} per p in increasing order, so every
     * implementation gives the same bits. B is streamed once, which is what makes a GEMV memory-bound rather
     * than packing-bound.
     */
    default void rowsTimesPanel(int m, int k, float[] rows, float[] b, int bOff, int ldb, int cols, float[] sum) {
        java.util.Arrays.fill(sum, 0, m * cols, 0f);
        // p outermost so that B is read row by row, as it is stored; each sum still sees p in increasing order.
        for (int p = 0; p < k; p++) {
            for (int r = 0; r < m; r++) {
                float a = rows[r * k + p];
                for (int j = 0; j < cols; j++) {
                    sum[r * cols + j] = Math.fma(a, b[bOff + p * ldb + j], sum[r * cols + j]);
                }
            }
        }
    }

    /**
     * Skinny product with B transposed: {@code sum[r·cols + j] = Σ_p rows[r·k + p] · b[bOff + j·ldb + p]},
     * a dot product of contiguous rows. The summation order is the implementation's (a vector kernel keeps
     * one partial sum per lane), so unlike the other methods this one is not bit-identical across backends;
     * it is deterministic for a given backend. {@code scratch} holds at least {@link SkinnyGemm#SCRATCH} floats.
     */
    default void rowsDotRows(int m, int k, float[] rows, float[] b, int bOff, int ldb, int cols, float[] sum,
                             float[] scratch) {
        for (int r = 0; r < m; r++) {
            for (int j = 0; j < cols; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(rows[r * k + p], b[bOff + j * ldb + p], s);
                }
                sum[r * cols + j] = s;
            }
        }
    }
}
