package dev.flashvec.attention;

/**
 * An additive score bias that depends only on the head and the aligned relative position
 * {@code rel = j − (i + offset)} (offset as for the causal mask: {@code kvLen[b] − Sq} under bottom-right
 * alignment, else 0): ALiBi ({@link AlibiBias}) or a learned relative-position table
 * ({@link RelativePositionBias}).
 *
 * <p>Because the bias is a function of {@code rel} only, the kernel evaluates it once per (block, distance)
 * rather than per pair, and never materializes an {@code Sq × Sk} matrix.
 */
public sealed interface PositionBias permits AlibiBias, RelativePositionBias {
    /** The bias of head {@code h} at relative position {@code rel}. */
    float at(int h, int rel);

    /** The number of query heads this bias is defined for (it must equal Hq). */
    int heads();
}
