package dev.flashvec.attention;

import dev.flashvec.tensor.Tensor;

/**
 * Every option of an attention call applied to one (query, key) pair's raw score, for kernels outside this
 * package whose raw score is not a dot product (additive attention): the key interval each query may see
 * (key lengths, causal alignment, window), then {@link PairScores}' order of scale, softcap, position bias,
 * score modifier, additive mask and mask predicate. One definition, so such kernels cannot drift from the
 * fused one.
 */
public final class PairScoring {
    private final AttentionProblem p;

    private PairScoring(AttentionProblem p) {
        this.p = p;
    }

    /**
     * Validates the call exactly as {@link Attention#forward(Tensor, Tensor, Tensor, AttentionOptions, Tensor,
     * float[])} does. Only the shapes of {@code q} and {@code k} matter (their head widths may be 1); the scale
     * is {@code options.scaleFor(q.dim())}, so a caller with another default sets it explicitly.
     *
     * @throws IllegalArgumentException naming the first invalid argument
     */
    public static PairScoring of(Tensor q, Tensor k, Tensor v, AttentionOptions options, Tensor out, float[] lse) {
        return new PairScoring(AttentionProblem.validate(q, k, v, options, out, lse));
    }

    /** First key query {@code i} of batch entry {@code b} may see. */
    public int firstKey(int b, int i) {
        return p.firstKey(b, i);
    }

    /** Last key (inclusive) query {@code i} of batch entry {@code b} may see; below {@link #firstKey} if none. */
    public int lastKey(int b, int i) {
        return p.lastKey(b, i);
    }

    /** The score of the pair after every option; {@code -inf} when a mask disallows it. */
    public float score(int b, int h, int i, int j, float raw) {
        return PairScores.score(p, b, h, i, j, raw, true);
    }
}
