package dev.flashvec.gemm;

import dev.flashvec.simd.VectorProbe;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API micro-kernel of the SGEMM: an {@value #MR} × (2 vectors) register tile of float
 * accumulators updated with fused multiply-adds, plus in-register transposition for packing operands contiguous
 * along k.
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
     * Packs like {@link Packing#pack}. When the operand is contiguous along k (A not transposed, or B transposed
     * as K is in Q·Kᵀ) and the vectors are 512 bits wide, whole slivers are transposed in registers
     * ({@link #packByZips}); the last, partial sliver and every other case go to {@link Packing}. Contiguous
     * rows along the sliver are copied there with {@link System#arraycopy}.
     */
    private static void pack(float[] x, int base, int su, int sp, int width, int kc, int w, float[] dst) {
        int full = width / w * w;
        if (!ZIP_TRANSPOSE || sp != 1 || full == 0) {
            Packing.pack(x, base, su, sp, width, kc, w, dst, 0);
            return;
        }
        packByZips(x, base, su, full, kc, w, dst);
        if (full < width) {
            Packing.pack(x, base + full * su, su, sp, width - full, kc, w, dst, full * kc);
        }
    }

    /**
     * Whether packing transposes in registers: measured only with AVX-512, where C2 compiles a two-vector
     * {@code selectFrom} to one permute. Elsewhere (AVX2, NEON) it may not be intrinsified at all, and a
     * non-intrinsified vector operation allocates and crawls, so those keep {@link Packing}'s scalar copy.
     */
    private static final boolean ZIP_TRANSPOSE = L == 16;
    /** Lane l of the low (high) zip of (a, b) takes this index into a ++ b: a[l/2] or b[l/2] (plus L/2). */
    private static final float[] ZIP_LO = zipIndexes(0), ZIP_HI = zipIndexes(L / 2);

    private static float[] zipIndexes(int from) {
        float[] idx = new float[L];
        for (int l = 0; l < L; l++) {
            idx[l] = (l % 2) * L + from + l / 2;
        }
        return idx;
    }

    /**
     * Packs the {@code full} (a multiple of {@code w}) leading rows of an operand contiguous along k: element
     * (row u, depth p) at {@code x[base + u·su + p]} goes to {@code dst[(u / w)·w·kc + p·w + u % w]}.
     *
     * <p>Each block of {@code n = min(w, L)} rows by L depths is loaded as n vectors (one per row) and
     * transposed by log2(n) rounds of zips: round by round, vector i is zipped with vector i + n/2 into the
     * next round's vectors 2i and 2i + 1, and after the last round vector j holds the block's elements
     * j·L .. j·L + L − 1 in (depth, row) order, which are exactly the n·L floats a sliver wants (for w ≤ L) or
     * one depth of n rows (w = 2L, two row halves). Rounds pass through a small L1 scratch rather than a
     * vector array, which C2 would box. Measured (one thread, 512 bits), against the scalar transposition and
     * the 16-lane gathers used before: packing one 1024×1024 operand into 8-row A slivers 0.47–0.65 ms instead
     * of 0.50–0.78 (gathers), into 32-column B slivers for NT 0.58–0.61 ms instead of 0.71–0.77 (scalar);
     * SGEMM 64×4096×64 NT 62 → 70–73 GFLOP/s, 1024³ NT 102.6–102.9 → 105.4–105.9. The source rows are
     * often 4 KB apart, so each block's n lines share one L1 set: fetching them, not the permutes, bounds it.
     * Depths past the last multiple of L are copied element by element.
     */
    private static void packByZips(float[] x, int base, int su, int full, int kc, int w, float[] dst) {
        int n = Math.min(w, L);
        int kcv = kc / L * L;
        float[] t0 = new float[n * L], t1 = new float[n * L];
        FloatVector zipLo = FloatVector.fromArray(S, ZIP_LO, 0), zipHi = FloatVector.fromArray(S, ZIP_HI, 0);
        int half = n / 2;
        // Output vector j of a block lands one sliver row apart when the block is one depth of n rows (n = L,
        // w = 2L), or one vector apart when it is L/w whole depths (n = w ≤ L).
        int step = n == L ? w : L;
        for (int u0 = 0; u0 < full; u0 += w) {
            int d = u0 * kc;
            for (int q0 = 0; q0 < w; q0 += n) {
                int src = base + (u0 + q0) * su;
                for (int p0 = 0; p0 < kcv; p0 += L) {
                    for (int i = 0; i < n; i++) {
                        FloatVector.fromArray(S, x, src + i * su + p0).intoArray(t0, i * L);
                    }
                    float[] from = t0, to = t1;
                    for (int s = 2; s < n; s *= 2) {
                        for (int i = 0; i < half; i++) {
                            FloatVector a = FloatVector.fromArray(S, from, i * L);
                            FloatVector b = FloatVector.fromArray(S, from, (i + half) * L);
                            zipLo.selectFrom(a, b).intoArray(to, 2 * i * L);
                            zipHi.selectFrom(a, b).intoArray(to, (2 * i + 1) * L);
                        }
                        float[] f = from;
                        from = to;
                        to = f;
                    }
                    // The last round writes straight into the sliver.
                    int out = d + p0 * w + q0;
                    for (int i = 0; i < half; i++) {
                        FloatVector a = FloatVector.fromArray(S, from, i * L);
                        FloatVector b = FloatVector.fromArray(S, from, (i + half) * L);
                        zipLo.selectFrom(a, b).intoArray(dst, out + 2 * i * step);
                        zipHi.selectFrom(a, b).intoArray(dst, out + (2 * i + 1) * step);
                    }
                }
                for (int p = kcv; p < kc; p++) {
                    for (int q = 0; q < n; q++) {
                        dst[d + p * w + q0 + q] = x[src + q * su + p];
                    }
                }
            }
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
