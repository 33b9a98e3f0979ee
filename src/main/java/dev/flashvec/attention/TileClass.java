package dev.flashvec.attention;

/**
 * What a {@link MaskMod} allows inside a rectangle of (query, key) pairs, so the kernel can skip a tile
 * ({@link #EMPTY}), compute it without per-pair checks ({@link #FULL}), or check each pair ({@link #PARTIAL}).
 */
public enum TileClass {
    /** No pair of the rectangle is allowed: the kernel never reads its keys. */
    EMPTY,
    /** Some pairs may be allowed and some not (always a safe answer): the kernel asks every pair. */
    PARTIAL,
    /** Every pair of the rectangle is allowed: no per-pair callback. */
    FULL;

    /** The class of a rectangle whose allowed-pair count is {@code allowed} out of {@code total}. */
    public static TileClass of(long allowed, long total) {
        return allowed == 0 ? EMPTY : allowed == total ? FULL : PARTIAL;
    }
}
