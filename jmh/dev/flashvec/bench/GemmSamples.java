package dev.flashvec.bench;

import java.util.Random;

/**
 * Checks 64 sampled entries of a benchmarked {@code C = A·op(B)} (row-major, dense) against a double-precision
 * dot product, so a fast wrong kernel (ours or a peer's) cannot report a number.
 */
public final class GemmSamples {
    private GemmSamples() {}

    /** Throws IllegalStateException naming {@code who} at the first entry outside 1e-5 of the absolute sum. */
    public static void verify(String who, float[] a, float[] b, float[] c, int m, int n, int k, boolean transB,
                              Random r) {
        for (int t = 0; t < 64; t++) {
            int i = r.nextInt(m), j = r.nextInt(n);
            double sum = 0, abs = 0;
            for (int p = 0; p < k; p++) {
                double prod = (double) a[i * k + p] * b[transB ? j * k + p : p * n + j];
                sum += prod;
                abs += Math.abs(prod);
            }
            float got = c[i * n + j];
            if (!(Math.abs(got - sum) <= 1e-5 * abs + 1e-6)) {
                throw new IllegalStateException(who + " computed C[" + i + "][" + j + "] = " + got + " but " + sum
                        + " is expected for " + m + "x" + n + "x" + k + (transB ? " NT" : " NN")
                        + ": refusing to benchmark a wrong kernel");
            }
        }
    }
}
