package dev.flashvec.gemm;

import dev.flashvec.parallel.ComputePool;
import dev.flashvec.simd.Backend;
import dev.flashvec.simd.CacheSizes;
import dev.flashvec.simd.Simd;

/**
 * Single-precision matrix multiplication {@code C = alpha·op(A)·op(B) + beta·C} (SGEMM) on row-major
 * {@code float[]} matrices, blocked for the caches, packed, vectorised with the Vector API and multi-threaded.
 *
 * <p>Conventions follow BLAS, in row-major form: {@code op(A)} is {@code m × k}, {@code op(B)} is
 * {@code k × n}, C is {@code m × n}. Element (i, j) of a matrix stored at offset {@code off} with leading
 * dimension {@code ld} is {@code x[off + i·ld + j]}; a transposed operand is stored in the other shape
 * ({@code k × m} for A, {@code n × k} for B) and read in place (packing reads it directly; no transposed copy
 * is made). When {@code beta == 0}, C is not read (NaN in C does not propagate); when {@code alpha == 0}, A and
 * B are not read.
 *
 * <p>Results are deterministic: the same inputs give the same bits for any thread count and call order
 * (the k-sum is split only by the cache block depth, which does not depend on threads). Instances are
 * immutable and may be shared by any number of threads; each call allocates its own packing buffers
 * (about {@code mc·kc + kc·nc} floats per worker). All arguments are checked before any work, and C is left
 * untouched when one is invalid.
 *
 * <p>Performance: every operand is packed into cache-sized panels, which pays off when each packed element is
 * reused many times, i.e. when m and n are both at least a few dozen (one Zen 4 core: about 100 GFLOP/s at
 * 1024³ against a 115 GFLOP/s FMA peak). Matrix-vector shapes ({@code m = 1}) are dominated by packing B and
 * run far below that; a dedicated matrix-vector kernel would serve them better.
 */
public final class Gemm {
    private static final String VECTOR_KERNEL = "dev.flashvec.gemm.VectorGemmKernel";

    private final Backend backend;
    private final ComputePool pool;
    private final BlockedGemm engine;

    private Gemm(Backend backend, ComputePool pool, BlockedGemm engine) {
        this.backend = backend;
        this.pool = pool;
        this.engine = engine;
    }

    /** A GEMM on the backend {@link Simd} chose for this JVM, running on the shared {@link ComputePool}. */
    public static Gemm create() {
        return create(Simd.backend(), ComputePool.shared());
    }

    /**
     * A GEMM on the given backend and pool; block sizes come from this machine's cache sizes.
     *
     * @throws IllegalArgumentException if an argument is null or VECTOR is requested but unavailable
     */
    public static Gemm create(Backend backend, ComputePool pool) {
        GemmKernel kernel = kernel(backend, pool);
        BlockSizes blocks = BlockSizes.derive(kernel.mr(), kernel.nr(), CacheSizes.detected());
        return new Gemm(backend, pool, new BlockedGemm(kernel, blocks, BlockedGemm.DEFAULT_MIN_WORK_PER_WORKER));
    }

    /**
     * A GEMM with explicit block sizes and parallel threshold: lets tests use tiny blocks that exercise every
     * blocking edge on small matrices, and fork on small problems.
     */
    static Gemm create(Backend backend, ComputePool pool, BlockSizes blocks, long minWorkPerWorker) {
        GemmKernel kernel = kernel(backend, pool);
        return new Gemm(backend, pool, new BlockedGemm(kernel, blocks, minWorkPerWorker));
    }

    private static GemmKernel kernel(Backend backend, ComputePool pool) {
        if (backend == null) {
            throw new IllegalArgumentException("backend must not be null");
        }
        if (pool == null) {
            throw new IllegalArgumentException("pool must not be null");
        }
        return Simd.select(backend, GemmKernel.class, VECTOR_KERNEL, ScalarGemmKernel::new);
    }

    /** The backend whose micro-kernel this instance runs. */
    public Backend backend() {
        return backend;
    }

    /** The pool whose workers share each multiplication. */
    public ComputePool pool() {
        return pool;
    }

    /** Block sizes in use (package-private: for tests and diagnostics). */
    BlockSizes blocks() {
        return engine.blocks();
    }

    /** The register tile of the kernel, {@code {mr, nr}} (package-private: for tests and diagnostics). */
    int[] tile() {
        return new int[] {engine.kernel().mr(), engine.kernel().nr()};
    }

    /**
     * Dense {@code C = A·B}: A is {@code m × k}, B is {@code k × n}, C is {@code m × n}, all row-major
     * starting at index 0 with no padding between rows. C is overwritten, not read.
     *
     * @throws IllegalArgumentException if a size is below 1, an array is null or too short, or C overlaps A or B
     */
    public void multiply(int m, int n, int k, float[] a, float[] b, float[] c) {
        multiply(Transpose.NO, Transpose.NO, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
    }

    /**
     * {@code C = alpha·op(A)·op(B) + beta·C}.
     *
     * @param ta   whether A is transposed: stored {@code m × k} for NO, {@code k × m} for YES
     * @param tb   whether B is transposed: stored {@code k × n} for NO, {@code n × k} for YES
     * @param m    rows of op(A) and of C, at least 1
     * @param n    columns of op(B) and of C, at least 1
     * @param k    columns of op(A) and rows of op(B), at least 1
     * @param alpha factor of the product; 0 means A and B are not read
     * @param a    storage of A; element (r, s) of A as stored is {@code a[aOff + r·lda + s]}
     * @param aOff index of A's first element, at least 0
     * @param lda  leading dimension of A, at least the number of columns of A as stored
     * @param b    storage of B, likewise
     * @param bOff index of B's first element, at least 0
     * @param ldb  leading dimension of B, at least the number of columns of B as stored
     * @param beta factor of the old C; 0 means C is not read
     * @param c    storage of C ({@code m × n}); must not share elements with A or B
     * @param cOff index of C's first element, at least 0
     * @param ldc  leading dimension of C, at least n
     * @throws IllegalArgumentException naming the first invalid argument, with what was expected and given
     */
    public void multiply(Transpose ta, Transpose tb, int m, int n, int k, float alpha,
                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float beta, float[] c, int cOff, int ldc) {
        check(ta != null, "ta must not be null (use Transpose.NO or Transpose.YES)");
        check(tb != null, "tb must not be null (use Transpose.NO or Transpose.YES)");
        check(m >= 1, "m must be >= 1 but was " + m);
        check(n >= 1, "n must be >= 1 but was " + n);
        check(k >= 1, "k must be >= 1 but was " + k);
        boolean transA = ta == Transpose.YES, transB = tb == Transpose.YES;
        // Shapes as stored: A is m×k (k×m when transposed), B is k×n (n×k when transposed).
        long aEnd = extent("a", "A", "ta", transA, a, aOff, "lda", lda, transA ? k : m, transA ? m : k,
                "m=" + m + ", k=" + k);
        long bEnd = extent("b", "B", "tb", transB, b, bOff, "ldb", ldb, transB ? n : k, transB ? k : n,
                "k=" + k + ", n=" + n);
        long cEnd = extent("c", "C", null, false, c, cOff, "ldc", ldc, m, n, "m=" + m + ", n=" + n);
        disjoint(c, cOff, cEnd, "a", a, aOff, aEnd);
        disjoint(c, cOff, cEnd, "b", b, bOff, bEnd);
        engine.multiply(pool, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * Checks one operand stored as {@code rows × cols} with leading dimension {@code ld} at {@code off}.
     *
     * @return one past the last index it covers (in long, so that overflow is rejected, not wrapped)
     */
    private static long extent(String name, String matrix, String transName, boolean trans, float[] x, int off,
                               String ldName, int ld, int rows, int cols, String dims) {
        check(x != null, name + " must not be null");
        check(off >= 0, name + "Off must be >= 0 but was " + off);
        String asStored = trans ? " as stored, " + rows + "×" + cols + " since " + transName + "=YES" : "";
        check(ld >= cols, ldName + " must be >= " + cols + " (columns of " + matrix + asStored + ") but was " + ld);
        long end = off + (long) (rows - 1) * ld + cols;
        check(end <= x.length, name + " has " + x.length + " elements but needs at least " + end + " for " + dims
                + ", " + ldName + "=" + ld + (off != 0 ? ", " + name + "Off=" + off : "")
                + (trans ? ", " + transName + "=YES" : ""));
        return end;
    }

    private static void disjoint(float[] c, int cOff, long cEnd, String name, float[] x, int xOff, long xEnd) {
        // Packing reads A and B block by block while C is written, so shared elements would corrupt results.
        check(c != x || cEnd <= xOff || xEnd <= cOff, "c must not overlap " + name + ": c uses elements ["
                + cOff + ", " + cEnd + ") and " + name + " uses [" + xOff + ", " + xEnd + ") of the same array");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    @Override
    public String toString() {
        BlockSizes bs = engine.blocks();
        return "Gemm{" + backend + ", tile " + engine.kernel().mr() + "×" + engine.kernel().nr() + ", mc=" + bs.mc()
                + ", kc=" + bs.kc() + ", nc=" + bs.nc() + ", threads=" + pool.threads() + "}";
    }
}
