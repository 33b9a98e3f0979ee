package dev.flashvec.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;
import java.util.function.DoubleUnaryOperator;
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

    /** exp over a whole array, as one column of vectors. */
    static void exp(float[] a) {
        VectorMath.expInPlace(a, 0, VectorMath.lanes(), a.length / VectorMath.lanes(), 1f, null, 0, null, 0);
    }

    /** 2^x over a whole array, as one column of vectors. */
    static void exp2(float[] a) {
        VectorMath.exp2InPlace(a, 0, VectorMath.lanes(), a.length / VectorMath.lanes(), 1f, null, 0, null, 0);
    }

    /** tanh over a whole array, as one column of vectors. */
    static void tanh(float[] a) {
        VectorMath.tanhInPlace(a, 0, VectorMath.lanes(), a.length / VectorMath.lanes(), new float[a.length]);
    }

    /** Largest error in ulps of the float result over {@code n} evenly spaced points in [lo, hi]. */
    static double maxUlps(Consumer<float[]> f, DoubleUnaryOperator exact, float lo, float hi, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = lo + (hi - lo) * (float) i / n;
        }
        float[] y = x.clone();
        f.accept(y);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double want = exact.applyAsDouble(x[i]);
            if (want == 0 && y[i] == 0) {
                continue;
            }
            worst = Math.max(worst, Math.abs(y[i] - want) / Math.ulp((float) want));
        }
        return worst;
    }

    @Test
    void expIsAccurateOverTheSoftmaxRange() {
        double ulps = maxUlps(VectorMathTest::exp, Math::exp, -87f, 0f, 400_000);
        System.out.println("exp max ulps on [-87, 0]: " + ulps);
        assertTrue(ulps <= 2, "exp error " + ulps + " ulps");
    }

    @Test
    void exp2IsAccurateOverItsWholeRange() {
        double ulps = Math.max(maxUlps(VectorMathTest::exp2, x -> Math.pow(2, x), -126f, 127f, 400_000),
                maxUlps(VectorMathTest::exp2, x -> Math.pow(2, x), -1f, 1f, 400_000));
        System.out.println("exp2 max ulps on [-126, 127] and [-1, 1]: " + ulps);
        assertTrue(ulps <= 1, "exp2 error " + ulps + " ulps");
    }

    @Test
    void exp2AppliesScaleShiftAndSums() {
        int lanes = VectorMath.lanes();
        float[] a = new float[3 * lanes], shift = new float[lanes], sums = new float[lanes];
        for (int i = 0; i < a.length; i++) {
            a[i] = -0.37f * i;
        }
        for (int l = 0; l < lanes; l++) {
            shift[l] = 0.75f * l - 3f;
        }
        float[] x = a.clone();
        VectorMath.exp2InPlace(a, 0, lanes, 3, 1.4426950f, shift, 0, sums, 0);
        for (int l = 0; l < lanes; l++) {
            double sum = 0;
            for (int r = 0; r < 3; r++) {
                double want = Math.pow(2, Math.fma(x[r * lanes + l], 1.4426950f, -shift[l]));
                assertEquals(want, a[r * lanes + l], Math.ulp((float) want));
                sum += a[r * lanes + l];
            }
            assertEquals(sum, sums[l], 4 * Math.ulp((float) sum));
        }
    }

    @Test
    void exp2SpecialValues() {
        float[] cases = {Float.NEGATIVE_INFINITY, -1e30f, -126.01f, -126f, -0f, 0f, 126.5f, 127f};
        float[] want = {0f, 0f, 0f, 0x1p-126f, 1f, 1f, (float) Math.pow(2, 126.5), 0x1p127f};
        for (int c = 0; c < cases.length; c++) {
            float[] out = new float[VectorMath.lanes()];
            java.util.Arrays.fill(out, cases[c]);
            exp2(out);
            assertEquals(want[c], out[0], Math.ulp(want[c]), "exp2(" + cases[c] + ")");
        }
        // Every NaN stays NaN, whatever its payload: the exponent is applied by a multiply, not by integer
        // arithmetic on the bits, which would turn some payloads into numbers.
        for (int bits : new int[] {0x7fc00000, 0x7fc00001, 0x7f800001, 0xffc12345, 0x7fffffff, 0xff800100}) {
            float[] out = new float[VectorMath.lanes()];
            java.util.Arrays.fill(out, Float.intBitsToFloat(bits));
            exp2(out);
            assertTrue(Float.isNaN(out[0]), "exp2 of NaN 0x" + Integer.toHexString(bits) + " gave " + out[0]);
        }
    }

    @Test
    void expAppliesScaleShiftAndSums() {
        int lanes = VectorMath.lanes();
        float[] a = new float[3 * lanes], shift = new float[lanes], sums = new float[lanes];
        for (int i = 0; i < a.length; i++) {
            a[i] = -0.01f * i;
        }
        for (int l = 0; l < lanes; l++) {
            shift[l] = 0.5f * l;
        }
        float[] x = a.clone();
        VectorMath.expInPlace(a, 0, lanes, 3, 2f, shift, 0, sums, 0);
        for (int l = 0; l < lanes; l++) {
            double sum = 0;
            for (int r = 0; r < 3; r++) {
                // The argument is rounded once (FMA), then exp is within 2 ulps of the exact exp of it.
                double want = Math.exp((float) (2.0 * x[r * lanes + l] - shift[l]));
                assertEquals(want, a[r * lanes + l], 2 * Math.ulp((float) want));
                sum += a[r * lanes + l];
            }
            assertEquals(sum, sums[l], 4 * Math.ulp((float) sum));
        }
    }

    @Test
    void tanhIsAccurate() {
        double ulps = Math.max(maxUlps(VectorMathTest::tanh, Math::tanh, -10f, 10f, 400_000),
                maxUlps(VectorMathTest::tanh, Math::tanh, -1f, 1f, 400_000));
        System.out.println("tanh max ulps on [-10, 10] and [-1, 1]: " + ulps);
        assertTrue(ulps <= 2, "tanh error " + ulps + " ulps");
    }

    @Test
    void specialValues() {
        int lanes = VectorMath.lanes();
        float[] cases = {Float.NEGATIVE_INFINITY, -100f, Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY};
        float[] expWant = {0f, 0f, Float.NaN, 1f, 1f, Float.NaN}; // exp above 88 is unspecified (clamped)
        float[] tanhWant = {-1f, -1f, Float.NaN, 0f, 0f, 1f};
        for (int c = 0; c < cases.length; c++) {
            float[] in = new float[lanes];
            java.util.Arrays.fill(in, cases[c]);
            float[] out = in.clone();
            exp(out);
            if (!Float.isNaN(expWant[c])) {
                assertEquals(expWant[c], out[0], 0f, "exp(" + cases[c] + ")");
            } else if (Float.isNaN(cases[c])) {
                assertTrue(Float.isNaN(out[0]), "exp(NaN)");
            }
            out = in.clone();
            tanh(out);
            if (Float.isNaN(tanhWant[c])) {
                assertTrue(Float.isNaN(out[0]), "tanh(NaN)");
            } else {
                assertEquals(tanhWant[c], out[0], 0f, "tanh(" + cases[c] + ")");
            }
        }
    }
}
