package dev.flashvec.attention;

import dev.flashvec.reference.ReferenceAttention;
import dev.flashvec.tensor.Tensor;

/**
 * Assertions of the spec's accuracy rule, {@code |o − o_ref| ≤ 1e-5 + 1e-4·|o_ref|} for outputs and LSE; shared
 * by every test package that checks attention results.
 */
public final class SpecTolerance {
    /** The rule's absolute and relative parts. */
    public static final double ABS = 1e-5, REL = 1e-4;

    private SpecTolerance() {}

    /** Largest |o − ref| over all output elements. */
    static double maxError(Tensor out, ReferenceAttention.Result ref) {
        double worst = 0;
        int[] s = ref.shape();
        for (int b = 0; b < s[0]; b++) {
            for (int h = 0; h < s[1]; h++) {
                for (int i = 0; i < s[2]; i++) {
                    for (int d = 0; d < s[3]; d++) {
                        worst = Math.max(worst, Math.abs(out.get(b, h, i, d) - ref.output(b, h, i, d)));
                    }
                }
            }
        }
        return worst;
    }

    /** Largest |o − ref| of one reference against another (e.g. the fp32 twin against the double one). */
    static double maxError(ReferenceAttention.Result got, ReferenceAttention.Result ref) {
        double worst = 0;
        for (int i = 0; i < ref.output().length; i++) {
            worst = Math.max(worst, Math.abs(got.output()[i] - ref.output()[i]));
        }
        return worst;
    }

    /** Root-mean-square of o − ref over all output elements. */
    static double rmsError(Tensor out, ReferenceAttention.Result ref) {
        double sum = 0;
        int[] s = ref.shape();
        for (int b = 0; b < s[0]; b++) {
            for (int h = 0; h < s[1]; h++) {
                for (int i = 0; i < s[2]; i++) {
                    for (int d = 0; d < s[3]; d++) {
                        double e = out.get(b, h, i, d) - ref.output(b, h, i, d);
                        sum += e * e;
                    }
                }
            }
        }
        return Math.sqrt(sum / ref.output().length);
    }

    /** Root-mean-square of got − ref over all output elements. */
    static double rmsError(ReferenceAttention.Result got, ReferenceAttention.Result ref) {
        double sum = 0;
        for (int i = 0; i < ref.output().length; i++) {
            double e = got.output()[i] - ref.output()[i];
            sum += e * e;
        }
        return Math.sqrt(sum / ref.output().length);
    }

    /** Number of query rows with at least one allowed key (finite LSE). */
    static int liveRows(ReferenceAttention.Result ref) {
        int n = 0;
        for (double x : ref.lse()) {
            if (x != Double.NEGATIVE_INFINITY) {
                n++;
            }
        }
        return n;
    }

    /** Fails with the first element outside the tolerance, naming its coordinates. */
    public static void assertClose(Tensor out, float[] lse, ReferenceAttention.Result ref) {
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
                    if (lse != null) {
                        double want = ref.lse(b, h, i);
                        float got = lse[(b * s[1] + h) * s[2] + i];
                        boolean ok = want == Double.NEGATIVE_INFINITY ? got == Float.NEGATIVE_INFINITY
                                : Math.abs(got - want) <= ABS + REL * Math.abs(want);
                        if (!ok) {
                            throw new AssertionError("LSE[" + b + "," + h + "," + i + "] = " + got
                                    + " but reference is " + want);
                        }
                    }
                }
            }
        }
    }

    /**
     * Fails unless two of our results agree within twice the rule (each is within it of the exact value),
     * e.g. two chunkings of one problem.
     */
    public static void assertClose(Tensor a, float[] lseA, Tensor b, float[] lseB) {
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
