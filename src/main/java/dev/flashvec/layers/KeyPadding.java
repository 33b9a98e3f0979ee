package dev.flashvec.layers;

import dev.flashvec.attention.AttentionMask;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;

/**
 * Turns a PyTorch-style key padding mask ({@code [B, Sk]}, {@code true} = this key is padding) into attention
 * options. The fused kernels take masks of shape {@code [B|1, H|1, Sq, Sk]}, so the padding is spread over the
 * query axis and merged with any mask the options already have (a padded key is disallowed whatever that mask
 * says). For padding that is a suffix of each row, {@link AttentionOptions.Builder#kvLengths} is cheaper: it
 * lets the kernel skip whole key tiles.
 */
public final class KeyPadding {
    private KeyPadding() {}

    /** {@code options} with keys {@code j} of batch {@code b} disallowed where {@code padding[b·sk + j]}. */
    public static AttentionOptions apply(AttentionOptions options, boolean[] padding, int batch, int sq, int sk) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        if (padding == null || padding.length != (long) batch * sk) {
            throw new IllegalArgumentException("key padding mask must be [B, Sk] = [" + batch + ", " + sk + "] ("
                    + (long) batch * sk + " elements) but has " + (padding == null ? "none (null)" : padding.length));
        }
        AttentionMask old = options.mask();
        if (old != null && (old.queries() != sq || old.keys() != sk || (old.batch() != 1 && old.batch() != batch))) {
            throw new IllegalArgumentException("options mask is [" + old.batch() + ", " + old.heads() + ", "
                    + old.queries() + ", " + old.keys() + "] but the key padding needs [" + batch + "|1, H|1, " + sq
                    + ", " + sk + "]");
        }
        int heads = old == null ? 1 : old.heads();
        float[] bias = new float[Math.multiplyExact(Math.multiplyExact(batch * heads, sq), sk)];
        int n = 0;
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < sq; i++) {
                    for (int j = 0; j < sk; j++) {
                        bias[n++] = padding[b * sk + j] ? Float.NEGATIVE_INFINITY
                                : old == null ? 0f : old.at(old.batch() == 1 ? 0 : b, h, i, j);
                    }
                }
            }
        }
        boolean booleanMask = old == null || old.isBoolean();
        AttentionMask merged;
        if (booleanMask) {
            boolean[] allowed = new boolean[bias.length];
            for (int i = 0; i < bias.length; i++) {
                allowed[i] = bias[i] != Float.NEGATIVE_INFINITY;
            }
            merged = AttentionMask.allowed(allowed, batch, heads, sq, sk);
        } else {
            merged = AttentionMask.additive(Tensor.wrap(bias, Layout.BHSD, batch, heads, sq, sk));
        }
        return options.toBuilder().mask(merged).build();
    }
}
