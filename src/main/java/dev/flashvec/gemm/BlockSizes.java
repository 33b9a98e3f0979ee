package dev.flashvec.gemm;

import dev.flashvec.simd.CacheSizes;

/**
 * The cache blocking of one GEMM: {@code kc} (depth of a packed panel), {@code mc} (rows of a packed A block)
 * and {@code nc} (columns of a packed B panel).
 *
 * <p>Derived from the cache sizes in the spirit of the BLIS analytical model (Low et al., "Analytical modeling
 * is enough for high-performance BLIS", 2016), adapted to the loop order of {@link BlockedGemm}: the innermost
 * loop keeps one {@code mr × kc} A sliver in L1 while B slivers stream past it, so {@code kc} makes that sliver
 * fill half of L1 (512 for an 8-row tile and 32 KiB); the {@code mc × kc} packed A block fills half of L2; the
 * {@code kc × nc} packed B panel, streamed once per A sliver, takes a quarter of L3 (shared with other cores).
 * Larger {@code nc} also means A is packed fewer times.
 *
 * <p>{@code kc} decides how the k-sum is split and therefore the rounding of results; it never depends on the
 * thread count, which is what keeps results bit-identical across thread counts.
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
        int kc = clamp(roundDown(cache.l1d() / 2 / (mr * Float.BYTES), 8), KC_MIN, KC_MAX);
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
