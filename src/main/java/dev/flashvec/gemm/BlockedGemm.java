package dev.flashvec.gemm;

import dev.flashvec.parallel.ComputePool;

/**
 * The GotoBLAS/BLIS loop nest around a {@link GemmKernel}: cache blocking, packing, edge tiles and the
 * split of C among workers. Written once for every kernel; it trusts its arguments (the facade checked them).
 *
 * <p>Loop nest of one worker over its rectangle of C, outermost first:
 * <pre>
 *   jc: nc columns    pack B[pc.., jc..] (kc × nc) into nr-wide slivers          (streams from L3)
 *    pc: kc depth      (k order is fixed by kc alone, so results never depend on threads)
 *     ic: mc rows      pack A[ic.., pc..] (mc × kc)      into mr-high slivers   (L2)
 *      ir: mr rows     one A sliver (mr × kc)                                   (stays in L1)
 *       jr: nr columns micro-kernel: C tile = beta'·C tile + A sliver · B sliver
 * </pre>
 * The two innermost loops run in this order (A sliver resident, B slivers streaming) rather than the classic
 * BLIS order because the A sliver ({@code mr = 8} rows) is 4× smaller than a B sliver ({@code nr = 32} columns
 * at 512 bits): it allows a 4× deeper {@code kc} under the same L1 budget, which divides the number of C
 * read-modify-write passes, and the C tiles of one sweep lie along the same 8 rows, so they are read
 * sequentially. Measured on Zen 4 at 1024³, one thread: 72–75 GFLOP/s with the classic order and kc=128,
 * 90–92 with this order and kc=512, against a 112 GFLOP/s micro-kernel in L1.
 *
 * beta' is the caller's beta for the first k block and 1 afterwards, so beta is applied exactly once, and
 * C is never read when beta is 0. alpha is applied as C is stored (packing stays a pure copy).
 *
 * <p>Threading: C is cut into one rectangle of whole register tiles per worker (a grid chosen to balance the
 * rectangles and to minimise repeated packing); each worker allocates its own packing buffers once per call
 * and writes only its own rectangle. Every C element is computed by exactly the same operations whatever the
 * grid, which is why the results are bit-identical for any thread count.
 */
final class BlockedGemm {
    /** Below this many multiply-adds per worker, forking costs more than it saves. */
    static final long DEFAULT_MIN_WORK_PER_WORKER = 1L << 20;

    private final GemmKernel kernel;
    private final SkinnyGemm skinny;
    private final BlockSizes blocks;
    private final long minWorkPerWorker;

    BlockedGemm(GemmKernel kernel, BlockSizes blocks, long minWorkPerWorker) {
        this.kernel = kernel;
        this.blocks = blocks.alignedTo(kernel.mr(), kernel.nr());
        this.minWorkPerWorker = Math.max(1, minWorkPerWorker);
        this.skinny = new SkinnyGemm(kernel, this.minWorkPerWorker);
    }

    GemmKernel kernel() {
        return kernel;
    }

    BlockSizes blocks() {
        return blocks;
    }

    /** {@code C = alpha·op(A)·op(B) + beta·C} on validated arguments; see {@link Gemm#multiply}. */
    void multiply(ComputePool pool, boolean transA, boolean transB, int m, int n, int k, float alpha,
                  float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (alpha == 0f) {
            // BLAS convention: A and B are not read (so their NaN or inf cannot reach C).
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if (m <= SkinnyGemm.ROWS) {
            // A GEMV-like product: packing B would cost more than the product itself.
            skinny.multiply(pool, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int mr = kernel.mr(), nr = kernel.nr();
        int mTiles = (m - 1) / mr + 1, nTiles = (n - 1) / nr + 1;
        long work = (long) m * n * k;
        int wanted = (int) Math.max(1, Math.min(pool.threads(), work / minWorkPerWorker));
        int[] grid = grid(mTiles, nTiles, mr, nr, wanted);
        int pm = grid[0], pn = grid[1];
        // op(A)(i, p) = a[aOff + i·su + p·sp] and op(B)(p, j) = b[bOff + j·su + p·sp].
        Operand opA = transA ? new Operand(a, aOff, 1, lda) : new Operand(a, aOff, lda, 1);
        Operand opB = transB ? new Operand(b, bOff, ldb, 1) : new Operand(b, bOff, 1, ldb);
        pool.parallelFor(pm * pn, w -> {
            int wm = w / pn, wn = w % pn;
            rectangle(split(wm, pm, mTiles, mr, m), split(wm + 1, pm, mTiles, mr, m),
                    split(wn, pn, nTiles, nr, n), split(wn + 1, pn, nTiles, nr, n), k, opA, opB, alpha, beta, c, cOff, ldc);
        });
    }

    /** Start of part {@code part} of {@code parts} when {@code tiles} tiles of {@code tile} cover {@code size}. */
    private static int split(int part, int parts, int tiles, int tile, int size) {
        return (int) Math.min(size, (long) part * tiles / parts * tile);
    }

    /** Where element (u, p) of an operand lives: {@code x[off + u·su + p·sp]}, u along M or N, p along K. */
    private record Operand(float[] x, int off, int su, int sp) {}

    /** One worker's share: rows [i0, i1) and columns [j0, j1) of C, the full k range. */
    private void rectangle(int i0, int i1, int j0, int j1, int k, Operand opA, Operand opB, float alpha, float beta,
                           float[] c, int cOff, int ldc) {
        int mr = kernel.mr(), nr = kernel.nr();
        int kcMax = Math.min(blocks.kc(), k);
        // mc and nc are whole tiles, so rounding the clamped extent up cannot exceed them (nor overflow).
        int mcMax = BlockSizes.roundUp(Math.min(blocks.mc(), i1 - i0), mr);
        int ncMax = BlockSizes.roundUp(Math.min(blocks.nc(), j1 - j0), nr);
        // Per worker per call: the hot loops below allocate nothing.
        float[] packedA = new float[mcMax * kcMax];
        float[] packedB = new float[kcMax * ncMax];
        float[] edge = new float[mr * nr];
        // Loops step by min(block, remaining) so that a counter near Integer.MAX_VALUE cannot wrap.
        for (int jc = j0, nc; jc < j1; jc += nc) {
            nc = Math.min(blocks.nc(), j1 - jc);
            for (int pc = 0, kc; pc < k; pc += kc) {
                kc = Math.min(blocks.kc(), k - pc);
                float betaNow = pc == 0 ? beta : 1f;
                kernel.packB(opB.x, opB.off + jc * opB.su + pc * opB.sp, opB.su, opB.sp, nc, kc, packedB);
                for (int ic = i0, mc; ic < i1; ic += mc) {
                    mc = Math.min(blocks.mc(), i1 - ic);
                    kernel.packA(opA.x, opA.off + ic * opA.su + pc * opA.sp, opA.su, opA.sp, mc, kc, packedA);
                    macroTile(mc, nc, kc, packedA, packedB, alpha, betaNow, c, cOff + ic * ldc + jc, ldc, edge);
                }
            }
        }
    }

    /** All register tiles of one packed A block against one packed B panel. */
    private void macroTile(int mc, int nc, int kc, float[] packedA, float[] packedB, float alpha, float beta,
                           float[] c, int cBase, int ldc, float[] edge) {
        int mr = kernel.mr(), nr = kernel.nr();
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            for (int jr = 0; jr < nc; jr += nr) {
                int cols = Math.min(nr, nc - jr);
                int cIdx = cBase + ir * ldc + jr;
                if (rows == mr && cols == nr) {
                    kernel.multiplyTile(kc, packedA, ir * kc, packedB, jr * kc, alpha, beta, c, cIdx, ldc);
                } else {
                    // Edge tile: compute the full padded tile into a scratch tile, then merge only the valid part
                    // with the same fused update the kernel would have used, so edges round like interiors.
                    kernel.multiplyTile(kc, packedA, ir * kc, packedB, jr * kc, 1f, 0f, edge, 0, nr);
                    for (int r = 0; r < rows; r++) {
                        int row = cIdx + r * ldc;
                        for (int q = 0; q < cols; q++) {
                            float sum = edge[r * nr + q];
                            c[row + q] = beta == 0f ? alpha * sum : Math.fma(sum, alpha, c[row + q] * beta);
                        }
                    }
                }
            }
        }
    }

    /**
     * Chooses a {@code pm × pn} grid of worker rectangles over an {@code mTiles × nTiles} tile grid: the fewest
     * tiles in the largest rectangle first (balance), then the least packing per worker (its rows plus columns).
     * Uses fewer workers when the tile grid cannot be shared by {@code workers} evenly enough.
     */
    static int[] grid(int mTiles, int nTiles, int mr, int nr, int workers) {
        for (int w = (int) Math.min(workers, (long) mTiles * nTiles); w > 1; w--) {
            int[] best = null;
            long bestArea = Long.MAX_VALUE, bestPack = Long.MAX_VALUE;
            for (int pm = 1; pm <= w; pm++) {
                if (w % pm != 0) {
                    continue;
                }
                int pn = w / pm;
                if (pm > mTiles || pn > nTiles) {
                    continue;
                }
                long rows = (long) ((mTiles + pm - 1) / pm) * mr;
                long cols = (long) ((nTiles + pn - 1) / pn) * nr;
                long area = rows * cols;
                long pack = rows + cols;
                if (area < bestArea || (area == bestArea && pack < bestPack)) {
                    best = new int[] {pm, pn};
                    bestArea = area;
                    bestPack = pack;
                }
            }
            if (best != null) {
                return best;
            }
        }
        return new int[] {1, 1};
    }

    /** {@code C = beta·C}, or zeros when beta is 0 (C not read). */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = beta == 0f ? 0f : c[row + j] * beta;
            }
        }
    }
}
