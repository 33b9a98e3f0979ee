package dev.flashvec.attention;

/**
 * The explain pass: softmax probabilities of chosen query rows, recomputed from the scores and the saved
 * log-sum-exp ({@code p_ij = exp(s_ij − LSE_i)}) instead of materializing anything in the forward pass.
 * Scores come from {@link PairScores}, so every option applies exactly as in the kernels.
 */
final class AttentionExplain {
    private AttentionExplain() {}

    /** Row-major {@code [to − from, Sk]} probabilities of rows {@code [from, to)} of batch b, head h. */
    static float[] probabilities(AttentionProblem p, float[] lse, int b, int h, int from, int to) {
        float[] out = new float[(to - from) * p.sk];
        float[] qa = p.q.array(), ka = p.k.array();
        int kvh = h / p.group;
        for (int i = from; i < to; i++) {
            float rowLse = lse[(b * p.heads + h) * p.sq + i];
            if (rowLse == Float.NEGATIVE_INFINITY) {
                continue; // fully masked row: all weights 0
            }
            int qBase = p.q.index(b, h, i, 0), o = (i - from) * p.sk;
            for (int j = p.firstKey(b, i), last = p.lastKey(b, i); j <= last; j++) {
                int kBase = p.k.index(b, kvh, j, 0);
                float dot = 0f;
                for (int d = 0; d < p.dk; d++) {
                    dot += qa[qBase + d] * ka[kBase + d];
                }
                float s = PairScores.score(p, b, h, i, j, dot, true);
                out[o + j] = s == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(s - rowLse);
            }
        }
        return out;
    }
}
