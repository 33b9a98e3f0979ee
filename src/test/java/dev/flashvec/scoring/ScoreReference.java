package dev.flashvec.scoring;

import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.AttentionResult;
import dev.flashvec.reference.ReferenceAttention;
import dev.flashvec.tensor.Tensor;

/**
 * Attention with any score in double precision, through {@link ReferenceAttention}'s own pipeline: {@code s =
 * scale·score(b, h, i, j)}, then every option as for the dot product, softmax, weighted sum of values.
 */
final class ScoreReference {
    private ScoreReference() {}

    /** The raw score of query {@code i} and key {@code j}, before scale. */
    interface Score {
        double at(int b, int h, int i, int j);
    }

    /**
     * {@code {output [B·Hq·Sq·Dv] dense BHSD, lse [B·Hq·Sq]}}: {@link ReferenceAttention}'s pipeline (every option,
     * in SEMANTICS' order) with {@code score} in place of the dot product and the given scale.
     */
    static double[][] attention(Score score, Tensor v, AttentionOptions o, int batch, int heads, int sq, double scale) {
        Tensor q = Tensor.zeros(batch, heads, sq, 1), k = Tensor.zeros(batch, v.heads(), v.seq(), 1);
        ReferenceAttention.Result r = ReferenceAttention.compute(q, k, v, o.toBuilder().scale((float) scale).build(),
                score::at);
        return new double[][] {r.output(), r.lse()};
    }

    /** Fails at the first output or LSE element outside {@code 1e-5 + 1e-4·|ref|} (SPEC's tolerance). */
    static void assertClose(double[][] want, AttentionResult got) {
        Tensor o = got.output();
        int dv = o.dim();
        for (int b = 0, row = 0; b < o.batch(); b++) {
            for (int h = 0; h < o.heads(); h++) {
                for (int i = 0; i < o.seq(); i++, row++) {
                    for (int d = 0; d < dv; d++) {
                        double w = want[0][row * dv + d];
                        float g = o.get(b, h, i, d);
                        if (!(Math.abs(g - w) <= 1e-5 + 1e-4 * Math.abs(w))) {
                            throw new AssertionError("O[" + b + "," + h + "," + i + "," + d + "] = " + g
                                    + " but reference is " + w);
                        }
                    }
                    double w = want[1][row];
                    float g = got.lse()[row];
                    boolean ok = w == Double.NEGATIVE_INFINITY ? g == Float.NEGATIVE_INFINITY
                            : Math.abs(g - w) <= 1e-5 + 1e-4 * Math.abs(w);
                    if (!ok) {
                        throw new AssertionError("LSE[" + b + "," + h + "," + i + "] = " + g + " but reference is " + w);
                    }
                }
            }
        }
    }
}
