package dev.flashvec.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/** Accuracy and special values of the polynomial exp and tanh, against double-precision Math. */
@Tag("kernels")
@EnabledIf("vectorsAvailable")
class VectorMathTest {
    static boolean vectorsAvailable() {
        return Simd.vectorAvailable();
    }

    private static final VectorSpecies<Float> F = vectorsAvailable() ? VectorProbe.floatSpecies() : null;

    /** Largest error in ulps of the float result over {@code n} evenly spaced points in [lo, hi]. */
    static double maxUlps(UnaryOperator<FloatVector> f, DoubleUnaryOperator exact, float lo, float hi, int n) {
        float[] x = new float[F.length()], y = new float[F.length()];
        double worst = 0;
        for (int i = 0; i < n; i += F.length()) {
            for (int l = 0; l < x.length; l++) {
                x[l] = lo + (hi - lo) * (float) (i + l) / n;
            }
            f.apply(FloatVector.fromArray(F, x, 0)).intoArray(y, 0);
            for (int l = 0; l < x.length; l++) {
                double want = exact.applyAsDouble(x[l]);
                if (want == 0 && y[l] == 0) {
                    continue;
                }
                worst = Math.max(worst, Math.abs(y[l] - want) / Math.ulp((float) want));
            }
        }
        return worst;
    }

    @Test
    void expIsAccurateOverTheSoftmaxRange() {
        double ulps = maxUlps(VectorMath::exp, Math::exp, -87f, 0f, 400_000);
        System.out.println("exp max ulps on [-87, 0]: " + ulps);
        assertTrue(ulps <= 2, "exp error " + ulps + " ulps");
    }

    @Test
    void tanhIsAccurate() {
        double ulps = Math.max(maxUlps(VectorMath::tanh, Math::tanh, -10f, 10f, 400_000),
                maxUlps(VectorMath::tanh, Math::tanh, -1f, 1f, 400_000));
        System.out.println("tanh max ulps on [-10, 10]: " + ulps);
        assertTrue(ulps <= 2, "tanh error " + ulps + " ulps");
    }

    @Test
    void specialValues() {
        float[] in = new float[F.length()], out = new float[F.length()];
        float[] cases = {Float.NEGATIVE_INFINITY, -100f, Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY};
        float[] expWant = {0f, 0f, Float.NaN, 1f, 1f, Float.NaN}; // exp above 88 is unspecified (clamped)
        float[] tanhWant = {-1f, -1f, Float.NaN, 0f, 0f, 1f};
        for (int c = 0; c < cases.length; c++) {
            java.util.Arrays.fill(in, cases[c]);
            VectorMath.exp(FloatVector.fromArray(F, in, 0)).intoArray(out, 0);
            if (!Float.isNaN(expWant[c])) {
                assertEquals(expWant[c], out[0], 0f, "exp(" + cases[c] + ")");
            } else if (Float.isNaN(cases[c])) {
                assertTrue(Float.isNaN(out[0]), "exp(NaN)");
            }
            VectorMath.tanh(FloatVector.fromArray(F, in, 0)).intoArray(out, 0);
            if (Float.isNaN(tanhWant[c])) {
                assertTrue(Float.isNaN(out[0]), "tanh(NaN)");
            } else {
                assertEquals(tanhWant[c], out[0], 0f, "tanh(" + cases[c] + ")");
            }
        }
    }
}
