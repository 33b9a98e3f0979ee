package dev.flashvec.bench;

import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.reference.SampledCheck;
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
     * Compares 8 rows (the last and first included, see {@link SampledCheck#attention}) of {@code out} for batch 0
     * with softmax(q·kᵀ/√D)·v, TOP_LEFT causal if asked; throws IllegalStateException at the first mismatch.
     */
    public static void verify(Tensor q, Tensor k, Tensor v, boolean causal, Output out, Random r) {
        AttentionOptions options = causal ? AttentionOptions.builder().causal(CausalAlignment.TOP_LEFT).build()
                : AttentionOptions.defaults();
        String problem = SampledCheck.attention(q, k, v, options, (b, h, i, d) -> out.get(h, i, d), r, 8);
        if (problem != null) {
            throw new IllegalStateException("wrong result: " + problem + ": refusing to benchmark a wrong kernel");
        }
    }
}
