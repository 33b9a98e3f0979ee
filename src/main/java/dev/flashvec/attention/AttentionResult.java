package dev.flashvec.attention;

import dev.flashvec.tensor.Tensor;

/**
 * The output of one attention call: {@code O [B, Hq, Sq, Dv]} and the natural-log log-sum-exp
 * {@code LSE [B, Hq, Sq]} of each query row's scores, stored densely at {@code (b·Hq + h)·Sq + i}.
 *
 * @param output the attention output
 * @param lse    the log-sum-exp per query row ({@code -inf} for a fully masked row)
 */
public record AttentionResult(Tensor output, float[] lse) {
    /** LSE of query {@code i} of batch {@code b}, head {@code h}. */
    public float lse(int b, int h, int i) {
        return lse[(b * output.heads() + h) * output.seq() + i];
    }
}
