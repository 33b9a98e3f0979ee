package dev.flashvec.gemm;

/**
 * The cache blocking of one GEMM: {@code kc} (depth of a packed panel), {@code mc} (rows of a packed A block)
 * and {@code nc} (columns of a packed B panel).
 *
 * <p>Following the analytical model of BLIS (Low et al., "Analytical modeling is enough for high-performance
 * BLIS", 2016): the innermost loop keeps one {@code kc × nr} sliver of packed B in L1 while it streams
 * {@code mr × kc} slivers of A past it, so {@code kc} fills about half of L1 with that B sliver; the
 * {@code mc × kc} packed A block is reused across the whole B panel, so it fills about half of L2; the
 * {@code kc × nc} packed B panel is reused across all A blocks of a worker and lives in a share of L3.
 *
 * <p>{@code kc} decides the order in which the k-sum is split and therefore the rounding of results; it
 * never depends on the thread count, which is what keeps results bit-identical across thread counts.
 * {@code mc} is a multiple of the kernel's {@code mr} and {@code nc} of its {@code nr}.
 */
record BlockSizes(int mc, int kc, int nc) {
    private static final int KC_MIN = 64, KC_MAX = 512;
    private static final int MC_MAX = 1024;
    private static final int NC_MAX = 4096;

    BlockSizes {
        if (mc < 1 || kc < 1 || nc < 1) {
            throw new IllegalArgumentException("block sizes must be >= 1 but were mc=" + mc + ", kc=" + kc + ", nc=" + nc);
        }
    }

    /** Block sizes for a kernel with an {@code mr × nr} register tile on a machine with these caches. */
    static BlockSizes derive(int mr, int nr, CacheSizes cache) {
        int kc = clamp(roundDown(cache.l1d() / 2 / (nr * Float.BYTES), 8), KC_MIN, KC_MAX);
        int mc = clamp(roundDown(cache.l2() / 2 / (kc * Float.BYTES), mr), mr, roundDown(MC_MAX, mr));
        int nc = clamp(roundDown(cache.l3() / 4 / (kc * Float.BYTES), nr), nr, roundDown(NC_MAX, nr));
        return new BlockSizes(mc, kc, nc);
    }

    /** These sizes with {@code mc} and {@code nc} rounded up to whole register tiles. */
    BlockSizes alignedTo(int mr, int nr) {
        return new BlockSizes(roundUp(mc, mr), kc, roundUp(nc, nr));
    }

    static int roundUp(int v, int multiple) {
        return (v + multiple - 1) / multiple * multiple;
    }

    private static int roundDown(int v, int multiple) {
        return Math.max(multiple, v / multiple * multiple);
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
