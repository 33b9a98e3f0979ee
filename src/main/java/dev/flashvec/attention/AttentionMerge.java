package dev.flashvec.attention;

import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import java.util.Arrays;

/**
 * Combines attention results computed over disjoint sets of keys into the result over their union:
 * {@code LSE = log(exp(LSE₁) + exp(LSE₂))}, {@code O = exp(LSE₁ − LSE)·O₁ + exp(LSE₂ − LSE)·O₂}.
 *
 * <p>The primitive behind split-K decoding, KV-cache chunks and attention sharded across processes. A part
 * whose row has {@code LSE = -inf} (no allowed key) contributes nothing; if every part has {@code -inf},
 * the merged row is 0 with {@code LSE = -inf}.
 */
public final class AttentionMerge {
    private AttentionMerge() {}

    /** Merges two partial results of the same shape into a new result (BHSD output). */
    public static AttentionResult merge(AttentionResult first, AttentionResult second) {
        if (first == null || second == null) {
            throw new IllegalArgumentException((first == null ? "first" : "second") + " must not be null");
        }
        if (first.lse() == null || second.lse() == null) {
            throw new IllegalArgumentException("both parts need their LSE (use Attention.forwardWithLse)");
        }
        Tensor a = first.output(), b = second.output();
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException("second has shape " + Arrays.toString(b.shape())
                    + " but first has " + Arrays.toString(a.shape()));
        }
        int rows = a.batch() * a.heads() * a.seq();
        if (first.lse().length != rows || second.lse().length != rows) {
            throw new IllegalArgumentException("each LSE must have B*H*S=" + rows + " elements but they have "
                    + first.lse().length + " and " + second.lse().length);
        }
        Tensor out = Tensor.zeros(Layout.BHSD, a.batch(), a.heads(), a.seq(), a.dim());
        float[] lse = new float[rows];
        for (int bb = 0; bb < a.batch(); bb++) {
            for (int h = 0; h < a.heads(); h++) {
                for (int i = 0; i < a.seq(); i++) {
                    int row = (bb * a.heads() + h) * a.seq() + i;
                    float l1 = first.lse()[row], l2 = second.lse()[row];
                    float max = Math.max(l1, l2);
                    if (max == Float.NEGATIVE_INFINITY) {
                        lse[row] = Float.NEGATIVE_INFINITY;
                        continue;
                    }
                    float total = max + (float) Math.log(Math.exp(l1 - max) + Math.exp(l2 - max));
                    float w1 = (float) Math.exp(l1 - total), w2 = (float) Math.exp(l2 - total);
                    for (int d = 0; d < a.dim(); d++) {
                        float v = 0f;
                        // A part with weight 0 is skipped rather than multiplied, so that its (zero or
                        // undefined) rows never leak into the result.
                        if (w1 != 0f || Float.isNaN(w1)) {
                            v += w1 * a.get(bb, h, i, d);
                        }
                        if (w2 != 0f || Float.isNaN(w2)) {
                            v += w2 * b.get(bb, h, i, d);
                        }
                        out.set(bb, h, i, d, v);
                    }
                    lse[row] = total;
                }
            }
        }
        return new AttentionResult(out, lse);
    }
}
