package dev.flashvec.attention;

import dev.flashvec.tensor.Tensor;

/**
 * An explicit mask over (query, key) pairs, shaped {@code [B|1, H|1, Sq, Sk]} and broadcast over size-1
 * batch and head dimensions: either boolean ({@code true} = allowed) or additive (added to the score).
 *
 * <p>Both kinds are held as one additive float view: a boolean mask becomes 0 where allowed and
 * {@code -inf} where not. An entry of {@code -inf} disallows the pair outright (the score becomes
 * {@code -inf} whatever it was), exactly as a {@code false} boolean entry does.
 */
public final class AttentionMask {
    private final Tensor bias;
    private final boolean fromBoolean;

    private AttentionMask(Tensor bias, boolean fromBoolean) {
        this.bias = bias;
        this.fromBoolean = fromBoolean;
    }

    /**
     * An additive mask from a float view {@code [B|1, H|1, Sq, Sk]}; its key axis (the tensor's
     * {@code dim} axis) must have stride 1. Size-1 batch and head dimensions broadcast.
     */
    public static AttentionMask additive(Tensor mask) {
        if (mask == null) {
            throw new IllegalArgumentException("mask must not be null");
        }
        if (mask.stride(Tensor.DIM) != 1 && mask.dim() > 1) {
            mask = mask.copy(dev.flashvec.tensor.Layout.BHSD);
        }
        return new AttentionMask(broadcastStrides(mask), false);
    }

    /**
     * A boolean mask from dense C-order data of shape {@code [b, h, sq, sk]} where {@code b} and {@code h}
     * may be 1 to broadcast; {@code true} means the pair is allowed.
     */
    public static AttentionMask allowed(boolean[] allowed, int b, int h, int sq, int sk) {
        if (allowed == null) {
            throw new IllegalArgumentException("mask must not be null");
        }
        long n = Tensor.checkedCount("mask", b, h, sq, sk);
        if (n != allowed.length) {
            throw new IllegalArgumentException("mask has " + allowed.length + " elements but shape ["
                    + b + ", " + h + ", " + sq + ", " + sk + "] needs " + n);
        }
        float[] bias = new float[allowed.length];
        for (int i = 0; i < bias.length; i++) {
            bias[i] = allowed[i] ? 0f : Float.NEGATIVE_INFINITY;
        }
        Tensor t = Tensor.wrap(bias, dev.flashvec.tensor.Layout.BHSD, b, h, sq, sk);
        return new AttentionMask(broadcastStrides(t), true);
    }

    /** Zero strides on size-1 batch/head axes, so kernels index any (b, h) without special cases. */
    private static Tensor broadcastStrides(Tensor t) {
        int[] strides = {t.batch() == 1 ? 0 : t.stride(0), t.heads() == 1 ? 0 : t.stride(1), t.stride(2), t.stride(3)};
        return Tensor.view(t.array(), t.offset(), t.shape(), strides);
    }

    /** The additive view: size {@code [B|1, H|1, Sq, Sk]}, zero stride on broadcast axes. */
    public Tensor bias() {
        return bias;
    }

    /** True if this mask was given as booleans. */
    public boolean isBoolean() {
        return fromBoolean;
    }

    /** Batch size of the mask (1 = broadcast). */
    public int batch() {
        return bias.batch();
    }

    /** Head count of the mask (1 = broadcast). */
    public int heads() {
        return bias.heads();
    }

    /** Number of query rows. */
    public int queries() {
        return bias.seq();
    }

    /** Number of key columns. */
    public int keys() {
        return bias.dim();
    }

    /** The additive value for pair (i, j) of batch b, head h. */
    public float at(int b, int h, int i, int j) {
        return bias.array()[bias.offset() + b * bias.stride(0) + h * bias.stride(1) + i * bias.stride(2) + j];
    }
}
