package dev.flashvec.scoring;

import dev.flashvec.attention.AttentionMask;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.AttentionResult;
import dev.flashvec.reference.ReferenceAttention;
import dev.flashvec.tensor.Tensor;

/**
 * Attention with any score, written out in double precision: {@code s = scale·score(b, h, i, j)}, softcap,
 * additive mask, disallowed pairs by {@link ReferenceAttention#allowed}, softmax, weighted sum of values.
 */
final class ScoreReference {
    private ScoreReference() {}

    /** The raw score of query {@code i} and key {@code j}, before scale. */
    interface Score {
        double at(int b, int h, int i, int j);
    }

    /** {@code {output [B·Hq·Sq·Dv] dense BHSD, lse [B·Hq·Sq]}}. */
    static double[][] attention(Score score, Tensor v, AttentionOptions o, int batch, int heads, int sq, double scale) {
        int sk = v.seq(), dv = v.dim(), group = heads / v.heads();
        double[] out = new double[batch * heads * sq * dv], lse = new double[batch * heads * sq];
        AttentionMask mask = o.mask();
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < sq; i++) {
                    double[] s = new double[sk];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < sk; j++) {
                        if (!ReferenceAttention.allowed(o, sq, sk, b, h, i, j)) {
                            s[j] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        double x = scale * score.at(b, h, i, j);
                        if (o.softcap() > 0) {
                            x = o.softcap() * Math.tanh(x / o.softcap());
                        }
                        if (mask != null) {
                            x += mask.at(b, h, i, j);
                        }
                        s[j] = x;
                        max = Math.max(max, x);
                    }
                    int row = (b * heads + h) * sq + i;
                    if (max == Double.NEGATIVE_INFINITY) {
                        lse[row] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double sum = 0;
                    for (int j = 0; j < sk; j++) {
                        double p = Math.exp(s[j] - max);
                        sum += p;
                        for (int d = 0; d < dv && p > 0; d++) {
                            out[row * dv + d] += p * v.get(b, h / group, j, d);
                        }
                    }
                    for (int d = 0; d < dv; d++) {
                        out[row * dv + d] /= sum;
                    }
                    lse[row] = max + Math.log(sum);
                }
            }
        }
        return new double[][] {out, lse};
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
