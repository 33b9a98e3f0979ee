package dev.flashvec.attention;

/**
 * A general score modifier in the spirit of FlexAttention's {@code score_mod}: receives the score of a pair
 * after scale, softcap and position bias, and returns the score to use (before the additive mask and before
 * disallowed pairs are set to {@code -inf}).
 *
 * <p>It runs once per computed (query, key) pair, as a scalar call, so it costs a few nanoseconds per pair on
 * top of the fused kernel's work; prefer a {@link PositionBias} or a {@link MaskMod} where one fits. It may
 * also be called for pairs that are masked afterwards. Implementations must be pure and thread-safe.
 * Returning {@code -inf} gives the pair weight 0; a row whose scores are all {@code -inf} is fully masked.
 */
@FunctionalInterface
public interface ScoreMod {
    /** The modified score of query {@code i}, key {@code j} in batch {@code b}, head {@code h}. */
    float apply(int b, int h, int i, int j, float score);
}
