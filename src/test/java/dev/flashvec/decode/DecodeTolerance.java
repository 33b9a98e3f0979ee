package dev.flashvec.decode;

import dev.flashvec.reference.ReferenceAttention;
import dev.flashvec.tensor.Tensor;

/** SPEC's accuracy rule for decode results: {@code |o − o_ref| ≤ 1e-5 + 1e-4·|o_ref|} for outputs and LSE. */
final class DecodeTolerance {
    static final double ABS = 1e-5, REL = 1e-4;

    private DecodeTolerance() {}

    /** Fails with the first element outside the tolerance, naming its coordinates. */
    static void assertClose(Tensor out, float[] lse, ReferenceAttention.Result ref) {
        int[] s = ref.shape();
        for (int b = 0; b < s[0]; b++) {
            for (int h = 0; h < s[1]; h++) {
                for (int i = 0; i < s[2]; i++) {
                    for (int d = 0; d < s[3]; d++) {
                        double want = ref.output(b, h, i, d);
                        float got = out.get(b, h, i, d);
                        if (!(Math.abs(got - want) <= ABS + REL * Math.abs(want))) {
                            throw new AssertionError("O[" + b + "," + h + "," + i + "," + d + "] = " + got
                                    + " but reference is " + want + " (error " + Math.abs(got - want) + ")");
                        }
                    }
                    double want = ref.lse(b, h, i);
                    float got = lse[(b * s[1] + h) * s[2] + i];
                    boolean ok = want == Double.NEGATIVE_INFINITY ? got == Float.NEGATIVE_INFINITY
                            : Math.abs(got - want) <= ABS + REL * Math.abs(want);
                    if (!ok) {
                        throw new AssertionError("LSE[" + b + "," + h + "," + i + "] = " + got + " but reference is "
                                + want);
                    }
                }
            }
        }
    }

    /** Fails unless two results agree within the tolerance (e.g. two chunkings of one problem). */
    static void assertClose(Tensor a, float[] lseA, Tensor b, float[] lseB) {
        float[] x = a.toArray(), y = b.toArray();
        for (int i = 0; i < x.length; i++) {
            if (!(Math.abs(x[i] - y[i]) <= 2 * (ABS + REL * Math.abs(y[i])))) {
                throw new AssertionError("element " + i + ": " + x[i] + " vs " + y[i]);
            }
        }
        for (int i = 0; i < lseA.length; i++) {
            boolean ok = lseA[i] == lseB[i] || Math.abs(lseA[i] - lseB[i]) <= 2 * (ABS + REL * Math.abs(lseB[i]));
            if (!ok) {
                throw new AssertionError("LSE " + i + ": " + lseA[i] + " vs " + lseB[i]);
            }
        }
    }
}
