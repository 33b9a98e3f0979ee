package dev.flashvec.gemm;

import dev.flashvec.simd.VectorProbe;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API micro-kernel of the SGEMM: an {@value #MR} × (2 vectors) register tile of float
 * accumulators updated with fused multiply-adds, plus gather-based packing of operands contiguous along k.
 *
 * <p>Public only because {@link dev.flashvec.simd.Simd#select} instantiates it reflectively from another
 * package; it is not API and trusts its arguments. Use {@link Gemm}.
 *
 * <p>Why the method looks the way it does (measured, see ARCHITECTURE.md): C2 keeps vectors in registers only
 * when everything they touch is inlined into one compilation unit, and its inlining budget is small. So the
 * tile is one flat method with its {@value #MR}·2 accumulators in locals and no calls in the loop except Vector
 * API intrinsics. Sixteen independent accumulators hide the four-cycle FMA latency on two FMA pipes; per k step
 * the loop does 2 vector loads and {@value #MR} broadcasts for 16 FMAs, so loads never limit it. The species is a
 * {@code static final} constant so that C2 folds the lane count into the loop. With 32 vector registers
 * (AVX-512, including its 128/256-bit forms) the 16 accumulators, 2 B vectors and a broadcast all stay in registers.
 * Measured on one Zen 4 core (512 bits): 112 GFLOP/s on L1-resident slivers against a 115 GFLOP/s FMA peak.
 * On a CPU with only 16 vector registers (AVX2 without AVX-512) the tile would spill; a 6×2 tile suits those.
 */
public final class VectorGemmKernel implements GemmKernel {
    private static final VectorSpecies<Float> S = VectorProbe.floatSpecies();
    private static final int L = S.length();
    /** Rows of the register tile. */
    static final int MR = 8;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * L;

    /** Creates the kernel; called reflectively by {@link dev.flashvec.simd.Simd#select}. */
    public VectorGemmKernel() {}

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public void packA(float[] x, int base, int su, int sp, int width, int kc, float[] dst) {
        pack(x, base, su, sp, width, kc, MR, dst);
    }

    @Override
    public void packB(float[] x, int base, int su, int sp, int width, int kc, float[] dst) {
        pack(x, base, su, sp, width, kc, NR, dst);
    }

    /**
     * Packs like {@link Packing#pack}, but when the operand is contiguous along k (A not transposed, or B
     * transposed as K is in Q·Kᵀ) and a sliver is narrower than half a vector, each output vector is one gather
     * across {@code w} source rows covering several depth steps, which turns a scalar transposition into vector
     * loads: about 2× faster for A at 512 bits (w = 8, 4096×4096 operand), which matters when every packed
     * element serves only a few tiles (small N for A, small M for B). For wider slivers a gather covers one
     * depth of {@code L} rows, one cache line (and page) per lane: packing B of Q·Kᵀ (w = 32, 1024 × 1024) took
     * 1.85 ms by gathers against 0.67 ms by {@link Packing}'s blocked transposition. Contiguous rows along the
     * sliver (the other case) are copied with {@link System#arraycopy}.
     */
    private static void pack(float[] x, int base, int su, int sp, int width, int kc, int w, float[] dst) {
        int full = width / w * w;
        if (sp != 1 || full == 0 || 2 * w > L) {
            Packing.pack(x, base, su, sp, width, kc, w, dst, 0);
            return;
        }
        // Output index o = p·w + q of a sliver holds element (row q, depth p) = x[src + q·su + p]. Lane l of the
        // vector starting at o (a multiple of L) is row (o + l) % w, depth (o + l) / w; because w divides L or
        // L divides w, that is (o % w + l % w, o / w + l / w): an offset per vector plus one small map per packed block.
        int[] map = new int[L];
        for (int l = 0; l < L; l++) {
            map[l] = (l % w) * su + l / w;
        }
        int n = kc * w;
        for (int u0 = 0; u0 < full; u0 += w) {
            int src = base + u0 * su;
            int d = u0 * kc;
            int o = 0;
            for (; o <= n - L; o += L) {
                FloatVector.fromArray(S, x, src + o / w + (o % w) * su, map, 0).intoArray(dst, d + o);
            }
            for (; o < n; o++) {
                // kc·w is not a multiple of L when w = 8, L = 16 and kc is odd: finish element by element.
                dst[d + o] = x[src + o / w + (o % w) * su];
            }
        }
        if (full < width) {
            Packing.pack(x, base + full * su, su, sp, width - full, kc, w, dst, full * kc);
        }
    }

    @Override
    public void multiplyTile(int kc, float[] a, int aOff, float[] b, int bOff, float alpha, float beta,
                             float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        FloatVector av;
        for (int p = 0; p < kc; p++) {
            // Indices are affine in p so that C2 can hoist the range checks out of the loop.
            int ap = aOff + p * MR;
            int bp = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            av = FloatVector.broadcast(S, a[ap + 0]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ap + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ap + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ap + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ap + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ap + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, a[ap + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, a[ap + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        av = FloatVector.broadcast(S, alpha);
        if (beta == 0f) {
            // BLAS convention: C is not read, so NaN already in C does not reach the result.
            c00.mul(av).intoArray(c, cOff + 0 * ldc);
            c01.mul(av).intoArray(c, cOff + 0 * ldc + L);
            c10.mul(av).intoArray(c, cOff + 1 * ldc);
            c11.mul(av).intoArray(c, cOff + 1 * ldc + L);
            c20.mul(av).intoArray(c, cOff + 2 * ldc);
            c21.mul(av).intoArray(c, cOff + 2 * ldc + L);
            c30.mul(av).intoArray(c, cOff + 3 * ldc);
            c31.mul(av).intoArray(c, cOff + 3 * ldc + L);
            c40.mul(av).intoArray(c, cOff + 4 * ldc);
            c41.mul(av).intoArray(c, cOff + 4 * ldc + L);
            c50.mul(av).intoArray(c, cOff + 5 * ldc);
            c51.mul(av).intoArray(c, cOff + 5 * ldc + L);
            c60.mul(av).intoArray(c, cOff + 6 * ldc);
            c61.mul(av).intoArray(c, cOff + 6 * ldc + L);
            c70.mul(av).intoArray(c, cOff + 7 * ldc);
            c71.mul(av).intoArray(c, cOff + 7 * ldc + L);
        } else {
            FloatVector bv = FloatVector.broadcast(S, beta);
            c00.fma(av, FloatVector.fromArray(S, c, cOff + 0 * ldc).mul(bv)).intoArray(c, cOff + 0 * ldc);
            c01.fma(av, FloatVector.fromArray(S, c, cOff + 0 * ldc + L).mul(bv)).intoArray(c, cOff + 0 * ldc + L);
            c10.fma(av, FloatVector.fromArray(S, c, cOff + 1 * ldc).mul(bv)).intoArray(c, cOff + 1 * ldc);
            c11.fma(av, FloatVector.fromArray(S, c, cOff + 1 * ldc + L).mul(bv)).intoArray(c, cOff + 1 * ldc + L);
            c20.fma(av, FloatVector.fromArray(S, c, cOff + 2 * ldc).mul(bv)).intoArray(c, cOff + 2 * ldc);
            c21.fma(av, FloatVector.fromArray(S, c, cOff + 2 * ldc + L).mul(bv)).intoArray(c, cOff + 2 * ldc + L);
            c30.fma(av, FloatVector.fromArray(S, c, cOff + 3 * ldc).mul(bv)).intoArray(c, cOff + 3 * ldc);
            c31.fma(av, FloatVector.fromArray(S, c, cOff + 3 * ldc + L).mul(bv)).intoArray(c, cOff + 3 * ldc + L);
            c40.fma(av, FloatVector.fromArray(S, c, cOff + 4 * ldc).mul(bv)).intoArray(c, cOff + 4 * ldc);
            c41.fma(av, FloatVector.fromArray(S, c, cOff + 4 * ldc + L).mul(bv)).intoArray(c, cOff + 4 * ldc + L);
            c50.fma(av, FloatVector.fromArray(S, c, cOff + 5 * ldc).mul(bv)).intoArray(c, cOff + 5 * ldc);
            c51.fma(av, FloatVector.fromArray(S, c, cOff + 5 * ldc + L).mul(bv)).intoArray(c, cOff + 5 * ldc + L);
            c60.fma(av, FloatVector.fromArray(S, c, cOff + 6 * ldc).mul(bv)).intoArray(c, cOff + 6 * ldc);
            c61.fma(av, FloatVector.fromArray(S, c, cOff + 6 * ldc + L).mul(bv)).intoArray(c, cOff + 6 * ldc + L);
            c70.fma(av, FloatVector.fromArray(S, c, cOff + 7 * ldc).mul(bv)).intoArray(c, cOff + 7 * ldc);
            c71.fma(av, FloatVector.fromArray(S, c, cOff + 7 * ldc + L).mul(bv)).intoArray(c, cOff + 7 * ldc + L);
        }
    }

    @Override
    public void rowsTimesPanel(int m, int k, float[] rows, float[] b, int bOff, int ldb, int cols, float[] sum) {
        java.util.Arrays.fill(sum, 0, m * cols, 0f);
        int colsV = cols / L * L;
        int p = 0;
        for (; p + 4 <= k; p += 4) {
            for (int r = 0; r < m; r++) {
                fourRows(rows, r * k + p, b, bOff + p * ldb, ldb, sum, r * cols, colsV);
            }
        }
        for (; p < k; p++) {
            for (int r = 0; r < m; r++) {
                fourRows(rows, r * k + p, b, bOff + p * ldb, 0, sum, r * cols, colsV);
            }
        }
        // Columns past the last full vector, element by element in the same order.
        for (int r = 0; r < m; r++) {
            for (int j = colsV; j < cols; j++) {
                float s = 0f;
                for (int q = 0; q < k; q++) {
                    s = Math.fma(rows[r * k + q], b[bOff + q * ldb + j], s);
                }
                sum[r * cols + j] = s;
            }
        }
    }

    /**
     * {@code sum[j] += a[p]·B[p][j] + … + a[p+3]·B[p+3][j]} as four fmas in p order, for the vector-aligned
     * columns: four B rows stream at once and each sum is loaded and stored once per four rows of B, not
     * once per row. {@code ldb = 0} means one row only (the k % 4 remainder rows). The vector-aligned part
     * of a skinny product; a column strip per register tile instead read B down its columns, one page per
     * row, and ran at 3 GFLOP/s at 1×4096×4096.
     */
    private static void fourRows(float[] rows, int ap, float[] b, int bp, int ldb, float[] sum, int sr, int colsV) {
        if (ldb == 0) {
            FloatVector a0 = FloatVector.broadcast(S, rows[ap]);
            for (int j = 0; j < colsV; j += L) {
                a0.fma(FloatVector.fromArray(S, b, bp + j), FloatVector.fromArray(S, sum, sr + j)).intoArray(sum, sr + j);
            }
            return;
        }
        FloatVector a0 = FloatVector.broadcast(S, rows[ap]);
        FloatVector a1 = FloatVector.broadcast(S, rows[ap + 1]);
        FloatVector a2 = FloatVector.broadcast(S, rows[ap + 2]);
        FloatVector a3 = FloatVector.broadcast(S, rows[ap + 3]);
        int b1 = bp + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        for (int j = 0; j < colsV; j += L) {
            FloatVector acc = FloatVector.fromArray(S, sum, sr + j);
            acc = a0.fma(FloatVector.fromArray(S, b, bp + j), acc);
            acc = a1.fma(FloatVector.fromArray(S, b, b1 + j), acc);
            acc = a2.fma(FloatVector.fromArray(S, b, b2 + j), acc);
            acc = a3.fma(FloatVector.fromArray(S, b, b3 + j), acc);
            acc.intoArray(sum, sr + j);
        }
    }

    @Override
    public void rowsDotRows(int m, int k, float[] rows, float[] b, int bOff, int ldb, int cols, float[] sum,
                            float[] scratch) {
        for (int j = 0; j < cols; j += 4) {
            if (m == 1) {
                dots1x4(k, rows, b, bOff, ldb, cols, j, sum, scratch);
            } else {
                dots4x4(k, rows, b, bOff, ldb, cols, j, sum, scratch);
            }
        }
    }

    /**
     * The one-row (GEMV) case of {@link #dots4x4}: the same operations for row 0, without the three padding
     * rows' loads and FMAs (four FMA chains are plenty for a loop bound by reading B from memory). The lanes
     * are summed in the same fixed order.
     */
    private static void dots1x4(int k, float[] rows, float[] b, int bOff, int ldb, int cols, int j, float[] sum,
                                float[] scratch) {
        int b0r = bOff + j * ldb;
        int b1r = bOff + Math.min(j + 1, cols - 1) * ldb;
        int b2r = bOff + Math.min(j + 2, cols - 1) * ldb;
        int b3r = bOff + Math.min(j + 3, cols - 1) * ldb;
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        int kv = k / L * L;
        for (int p = 0; p < kv; p += L) {
            FloatVector a0 = FloatVector.fromArray(S, rows, p);
            c0 = a0.fma(FloatVector.fromArray(S, b, b0r + p), c0);
            c1 = a0.fma(FloatVector.fromArray(S, b, b1r + p), c1);
            c2 = a0.fma(FloatVector.fromArray(S, b, b2r + p), c2);
            c3 = a0.fma(FloatVector.fromArray(S, b, b3r + p), c3);
        }
        c0.intoArray(scratch, 0);
        c1.intoArray(scratch, L);
        c2.intoArray(scratch, 2 * L);
        c3.intoArray(scratch, 3 * L);
        finishDots(1, k, kv, rows, b, bOff, ldb, cols, j, sum, scratch);
    }

    /**
     * Dot products of the four rows with B rows j..j+3 (a missing row is replaced by the last one and its
     * results dropped): 16 accumulators with one partial sum per lane over p < k rounded down to L, stored to
     * {@code scratch} and added lane by lane in a fixed order (not {@code reduceLanes}, whose order may differ
     * between the interpreter and C2), then the remaining p added with fma in increasing order.
     */
    private static void dots4x4(int k, float[] rows, float[] b, int bOff, int ldb, int cols, int j, float[] sum,
                                float[] scratch) {
        int b0r = bOff + j * ldb;
        int b1r = bOff + Math.min(j + 1, cols - 1) * ldb;
        int b2r = bOff + Math.min(j + 2, cols - 1) * ldb;
        int b3r = bOff + Math.min(j + 3, cols - 1) * ldb;
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        int kv = k / L * L;
        for (int p = 0; p < kv; p += L) {
            FloatVector b0 = FloatVector.fromArray(S, b, b0r + p);
            FloatVector b1 = FloatVector.fromArray(S, b, b1r + p);
            FloatVector b2 = FloatVector.fromArray(S, b, b2r + p);
            FloatVector b3 = FloatVector.fromArray(S, b, b3r + p);
            FloatVector a0 = FloatVector.fromArray(S, rows, p);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.fromArray(S, rows, k + p);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.fromArray(S, rows, 2 * k + p);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.fromArray(S, rows, 3 * k + p);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            c33 = a3.fma(b3, c33);
        }
        c00.intoArray(scratch, 0);
        c01.intoArray(scratch, L);
        c02.intoArray(scratch, 2 * L);
        c03.intoArray(scratch, 3 * L);
        c10.intoArray(scratch, 4 * L);
        c11.intoArray(scratch, 5 * L);
        c12.intoArray(scratch, 6 * L);
        c13.intoArray(scratch, 7 * L);
        c20.intoArray(scratch, 8 * L);
        c21.intoArray(scratch, 9 * L);
        c22.intoArray(scratch, 10 * L);
        c23.intoArray(scratch, 11 * L);
        c30.intoArray(scratch, 12 * L);
        c31.intoArray(scratch, 13 * L);
        c32.intoArray(scratch, 14 * L);
        c33.intoArray(scratch, 15 * L);
        finishDots(SkinnyGemm.ROWS, k, kv, rows, b, bOff, ldb, cols, j, sum, scratch);
    }

    /**
     * Adds the lanes of each (row, column) accumulator stored at {@code scratch[(r·4 + q)·L]} in lane order,
     * then the remaining p from {@code kv} with fma in increasing order, into {@code sum}.
     */
    private static void finishDots(int rowCount, int k, int kv, float[] rows, float[] b, int bOff, int ldb, int cols,
                                   int j, float[] sum, float[] scratch) {
        int live = Math.min(4, cols - j);
        for (int r = 0; r < rowCount; r++) {
            for (int q = 0; q < live; q++) {
                int acc = (r * 4 + q) * L;
                float s = 0f;
                for (int l = 0; l < L; l++) {
                    s += scratch[acc + l];
                }
                int br = bOff + (j + q) * ldb;
                for (int p = kv; p < k; p++) {
                    s = Math.fma(rows[r * k + p], b[br + p], s);
                }
                sum[r * cols + j + q] = s;
            }
        }
    }
}
