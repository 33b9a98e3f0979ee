package dev.flashvec.gemm;

import dev.flashvec.parallel.ComputePool;

/**
 * The SGEMM path for products with at most {@value #ROWS} rows (GEMV and decode-style projections), where
 * packing B would cost more than the multiplication: B is streamed once, straight from the caller's array.
 *
 * <p>op(A)'s rows are copied into a zero-padded {@code ROWS × k} block (a few KB), then the columns of C are
 * cut into blocks of {@value #COLUMN_BLOCK}; each worker takes a contiguous run of blocks and the kernel
 * computes each block's sums with B read in place ({@link GemmKernel#rowsTimesPanel} when B is not transposed,
 * {@link GemmKernel#rowsDotRows} when it is). C is then updated as the blocked path does:
 * {@code alpha·sum} when beta is 0 (C not read), else {@code fma(sum, alpha, C·beta)}. Each element is computed
 * by the same operations whatever the split, so results are bit-identical for any thread count.
 */
final class SkinnyGemm {
    /** Most rows of op(A) this path takes; the kernels' register tiles are this many rows high. */
    static final int ROWS = 4;
    /**
     * Columns of C per unit of work: 2 KB row segments of B (long sequential reads), the sums stay in L1, and
     * 4096 columns still make 8 units to share among workers.
     */
    static final int COLUMN_BLOCK = 1024;
    /** Floats of per-worker scratch the kernels may use (16 accumulators of up to 16 lanes). */
    static final int SCRATCH = 16 * 16;
    private final GemmKernel kernel;
    private final long minWorkPerWorker;

    /** {@code minWorkPerWorker}: below this many multiply-adds per worker, forking costs more than it saves. */
    SkinnyGemm(GemmKernel kernel, long minWorkPerWorker) {
        this.kernel = kernel;
        this.minWorkPerWorker = minWorkPerWorker;
    }

    /** {@code C = alpha·op(A)·op(B) + beta·C} for {@code m <= ROWS}, alpha not 0, on validated arguments. */
    void multiply(ComputePool pool, boolean transA, boolean transB, int m, int n, int k, float alpha,
                  float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        float[] rows = new float[ROWS * k];
        for (int r = 0; r < m; r++) {
            for (int p = 0; p < k; p++) {
                rows[r * k + p] = transA ? a[aOff + p * lda + r] : a[aOff + r * lda + p];
            }
        }
        int blocks = (n - 1) / COLUMN_BLOCK + 1;
        long work = (long) ROWS * n * k;
        int workers = (int) Math.max(1, Math.min(Math.min(pool.threads(), blocks), work / minWorkPerWorker));
        pool.parallelFor(workers, w -> {
            int first = (int) ((long) w * blocks / workers), last = (int) ((long) (w + 1) * blocks / workers);
            float[] sum = new float[ROWS * COLUMN_BLOCK];
            float[] scratch = new float[SCRATCH];
            for (int blk = first; blk < last; blk++) {
                int j0 = blk * COLUMN_BLOCK, cols = Math.min(COLUMN_BLOCK, n - j0);
                if (transB) {
                    kernel.rowsDotRows(m, k, rows, b, bOff + j0 * ldb, ldb, cols, sum, scratch);
                } else {
                    kernel.rowsTimesPanel(m, k, rows, b, bOff + j0, ldb, cols, sum);
                }
                for (int r = 0; r < m; r++) {
                    int row = cOff + r * ldc + j0;
                    for (int j = 0; j < cols; j++) {
                        float s = sum[r * cols + j];
                        c[row + j] = beta == 0f ? alpha * s : Math.fma(s, alpha, c[row + j] * beta);
                    }
                }
            }
        });
    }
}
