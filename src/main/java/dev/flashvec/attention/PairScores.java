package dev.flashvec.attention;

/**
 * The score of one (query, key) pair from its dot product, in the order of docs/SEMANTICS.md, as plain scalar
 * code: the scalar kernel and the explain pass use this one definition so that they apply every option
 * identically. (The vector kernel applies the same steps to whole tiles.)
 */
final class PairScores {
    private PairScores() {}

    /**
     * Scale, softcap, position bias, score modifier, additive mask, then {@code -inf} if the explicit mask or
     * (when {@code askMaskMod}) the mask predicate disallows the pair. Key-length, causal and window limits are
     * the caller's: it visits only keys in {@code [firstKey, lastKey]}.
     */
    static float score(AttentionProblem p, int b, int h, int i, int j, float dot, boolean askMaskMod) {
        float s = p.scale * dot;
        if (p.softcap > 0f) {
            s = p.softcap * (float) Math.tanh(s / p.softcap);
        }
        if (p.positionBias != null) {
            s += p.positionBias(b, h, i, j);
        }
        if (p.scoreMod != null) {
            s = p.scoreMod.apply(b, h, i, j, s);
        }
        if (p.mask != null) {
            float bias = p.mask.at(b, h, i, j);
            s = bias == Float.NEGATIVE_INFINITY ? Float.NEGATIVE_INFINITY : s + bias;
        }
        if (askMaskMod && p.maskMod != null && !p.maskMod.allowed(b, h, i, j)) {
            s = Float.NEGATIVE_INFINITY;
        }
        return s;
    }
}
