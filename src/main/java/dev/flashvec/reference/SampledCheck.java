package dev.flashvec.reference;

import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.tensor.Tensor;
import java.util.Locale;
import java.util.Random;

/**
 * Cheap checks that the {@code bench} command and the JMH benchmarks run on an implementation's first result
 * (ours or a peer's) before they time anything, so that a fast but wrong kernel cannot report a number: a few
 * sampled attention rows, or sampled GEMM entries, recomputed in double precision.
 */
public final class SampledCheck {
    private SampledCheck() {}

    /** Reads element {@code [b, h, i, d]} of an attention output. */
    @FunctionalInterface
    public interface Output {
        double get(int b, int h, int i, int d);
    }

    /**
     * Recomputes {@code rows} query rows of attention in double precision (the last row of the last head,
     * the first row of the first head, then random ones) and compares every element under SPEC's tolerance
     * {@code |x − ref| ≤ 1e-5 + 1e-4·|ref|}. Masks follow {@link ReferenceAttention#allowed}; a row with no
     * allowed key must be 0.
     *
     * @return null when every sampled element passes, else a one-line description of the first that fails
     */
    public static String attention(Tensor q, Tensor k, Tensor v, AttentionOptions options, Output out,
                                   Random random, int rows) {
        int batch = q.batch(), heads = q.heads(), sq = q.seq(), sk = k.seq(), dk = q.dim(), dv = v.dim();
        int group = heads / k.heads();
        double scale = options.scaleFor(dk);
        double[] p = new double[sk];
        for (int sample = 0; sample < rows; sample++) {
            int b = sample == 0 ? batch - 1 : sample == 1 ? 0 : random.nextInt(batch);
            int h = sample == 0 ? heads - 1 : sample == 1 ? 0 : random.nextInt(heads);
            int i = sample == 0 ? sq - 1 : sample == 1 ? 0 : random.nextInt(sq);
            int g = h / group;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < sk; j++) {
                if (!ReferenceAttention.allowed(options, sq, sk, b, h, i, j)) {
                    p[j] = Double.NEGATIVE_INFINITY;
                    continue;
                }
                double dot = 0;
                for (int d = 0; d < dk; d++) {
                    dot += (double) q.get(b, h, i, d) * k.get(b, g, j, d);
                }
                p[j] = dot * scale;
                max = Math.max(max, p[j]);
            }
            double sum = 0;
            for (int j = 0; j < sk; j++) {
                p[j] = max == Double.NEGATIVE_INFINITY ? 0 : Math.exp(p[j] - max);
                sum += p[j];
            }
            for (int d = 0; d < dv; d++) {
                double want = 0;
                if (sum > 0) {
                    for (int j = 0; j < sk; j++) {
                        want += p[j] * v.get(b, g, j, d);
                    }
                    want /= sum;
                }
                double got = out.get(b, h, i, d);
                if (!(Math.abs(got - want) <= 1e-5 + 1e-4 * Math.abs(want))) {
                    return String.format(Locale.ROOT, "O[%d,%d,%d,%d] = %s but float64 gives %s (tolerance 1e-5 + 1e-4·|ref|)",
                            b, h, i, d, got, want);
                }
            }
        }
        return null;
    }

    /**
     * Recomputes {@code entries} random entries of {@code C = A·op(B)} (A {@code m×k}, B {@code k×n} or, if
     * {@code transposeB}, {@code n×k}, all dense row-major) in double precision, and requires
     * {@code |c − ref| ≤ 1e-5·Σ|a·b| + 1e-6}, the bound {@code GemmBenchmark} uses.
     *
     * @return null when every sampled entry passes, else a one-line description of the first that fails
     */
    public static String gemm(float[] a, float[] b, float[] c, int m, int n, int k, boolean transposeB,
                              Random random, int entries) {
        for (int t = 0; t < entries; t++) {
            int i = t == 0 ? m - 1 : random.nextInt(m), j = t == 0 ? n - 1 : random.nextInt(n);
            double sum = 0, abs = 0;
            for (int p = 0; p < k; p++) {
                double prod = (double) a[i * k + p] * b[transposeB ? j * k + p : p * n + j];
                sum += prod;
                abs += Math.abs(prod);
            }
            float got = c[i * n + j];
            if (!(Math.abs(got - sum) <= 1e-5 * abs + 1e-6)) {
                return String.format(Locale.ROOT, "C[%d][%d] = %s but float64 gives %s (tolerance 1e-5·Σ|a·b| + 1e-6)",
                        i, j, got, sum);
            }
        }
        return null;
    }
}
