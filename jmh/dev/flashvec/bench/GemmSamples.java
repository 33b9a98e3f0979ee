package dev.flashvec.bench;

import dev.flashvec.reference.SampledCheck;
import java.util.Random;

/**
 * Checks 64 sampled entries of a benchmarked {@code C = A·op(B)} (row-major, dense) against a double-precision
 * dot product ({@link SampledCheck#gemm}, as the {@code bench} command does), so a fast wrong kernel (ours or a
 * peer's) cannot report a number.
 */
public final class GemmSamples {
    private GemmSamples() {}

    /** Throws IllegalStateException naming {@code who} at the first entry outside 1e-5 of the absolute sum. */
    public static void verify(String who, float[] a, float[] b, float[] c, int m, int n, int k, boolean transB,
                              Random r) {
        String problem = SampledCheck.gemm(a, b, c, m, n, k, transB, r, 64);
        if (problem != null) {
            throw new IllegalStateException(who + " " + m + "x" + n + "x" + k + (transB ? " NT" : " NN") + ": "
                    + problem + ": refusing to benchmark a wrong kernel");
        }
    }
}
