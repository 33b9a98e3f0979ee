package dev.flashvec.attention;

/**
 * A mask given as a predicate over (batch, head, query, key), in the spirit of FlexAttention's
 * {@code mask_mod}: pairs for which {@link #allowed} is false get the score {@code -inf}.
 *
 * <p>The fused kernel asks {@link #classify} once per (query block × key tile) rectangle: {@code EMPTY}
 * tiles are skipped entirely, {@code FULL} tiles run without any per-pair call, and only {@code PARTIAL}
 * tiles call {@link #allowed} for each pair. The default classification is {@code PARTIAL} (correct for any
 * predicate, but never skips work); the patterns of {@link MaskPatterns} classify exactly. A classification
 * must be truthful: a tile reported {@code EMPTY} or {@code FULL} is not checked pair by pair.
 *
 * <p>Implementations must be pure and thread-safe: the kernel calls them from several workers, in any order,
 * and possibly more than once for a pair.
 */
@FunctionalInterface
public interface MaskMod {
    /** Whether query {@code i} may attend key {@code j} in batch {@code b}, head {@code h}. */
    boolean allowed(int b, int h, int i, int j);

    /**
     * The class of the rectangle of queries {@code [i0, i1)} × keys {@code [j0, j1)} (both non-empty) in batch
     * {@code b}, head {@code h}. Default: {@link TileClass#PARTIAL}.
     */
    default TileClass classify(int b, int h, int i0, int i1, int j0, int j1) {
        return TileClass.PARTIAL;
    }

    /**
     * Throws an IllegalArgumentException if this mask cannot serve a call of the given shape (e.g. one built
     * for other sequence lengths). Called once per call, before any work. Default: any shape is accepted.
     */
    default void checkShape(int batch, int heads, int sq, int sk) {}
}
