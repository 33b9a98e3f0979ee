package dev.flashvec.bench;

import dev.flashvec.tensor.Tensor;
import java.util.Random;

/**
 * Checks sampled output rows of a benchmarked attention call against a double-precision computation, so
 * a fast wrong kernel (ours or a peer's) cannot report a number.
 */
public final class AttentionSamples {
    /** Reads element (h, i, d) of the output being checked, whatever its storage. */
    @FunctionalInterface
    public interface Output {
        float get(int h, int i, int d);
    }

    private AttentionSamples() {}

    /**
     * Compares 8 random rows (always including the last) of {@code out} for batch 0 with
     * softmax(q·kᵀ/√D)·v, TOP_LEFT causal if asked; throws IllegalStateException at the first mismatch.
     */
    public static void verify(Tensor q, Tensor k, Tensor v, boolean causal, Output out, Random r) {
        int heads = q.heads(), seq = q.seq(), dim = q.dim(), group = q.heads() / k.heads();
        double scale = 1 / Math.sqrt(dim);
        for (int sample = 0; sample < 8; sample++) {
            int h = r.nextInt(heads), i = sample == 0 ? seq - 1 : r.nextInt(seq);
            int kh = h / group;
            int last = causal ? Math.min(i, k.seq() - 1) : k.seq() - 1;
            double[] s = new double[last + 1];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j <= last; j++) {
                double dot = 0;
                for (int d = 0; d < dim; d++) {
                    dot += (double) q.get(0, h, i, d) * k.get(0, kh, j, d);
                }
                s[j] = dot * scale;
                max = Math.max(max, s[j]);
            }
            double sum = 0;
            for (int j = 0; j <= last; j++) {
                s[j] = Math.exp(s[j] - max);
                sum += s[j];
            }
            for (int d = 0; d < v.dim(); d++) {
                double want = 0;
                for (int j = 0; j <= last; j++) {
                    want += s[j] * v.get(0, kh, j, d);
                }
                want /= sum;
                float got = out.get(h, i, d);
                if (!(Math.abs(got - want) <= 1e-5 + 1e-4 * Math.abs(want))) {
                    throw new IllegalStateException("wrong result at head " + h + " row " + i + " dim " + d + ": " + got
                            + " instead of " + want);
                }
            }
        }
    }
}
