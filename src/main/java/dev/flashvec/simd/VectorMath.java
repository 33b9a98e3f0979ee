package dev.flashvec.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Transcendental functions for vector kernels, built only from adds, multiplies and FMAs.
 *
 * <p>Why not {@code lanewise(EXP)}: its interpreted fallback and its C2 intrinsic round differently, so a
 * kernel's result would depend on whether the JIT had compiled it yet, breaking bit-identical results
 * "for any call order". These polynomials give the same bits in every execution mode and are cheaper
 * than the intrinsic; measured (VectorMathTest) within 1 ulp for exp on [-87, 0] and 1.5 ulp for tanh.
 * Call only from C2-compiled hot loops with a constant
 * species; each method is small enough to inline.
 */
public final class VectorMath {
    /** Below this, {@code exp(x)} is under the smallest normal float; the result is flushed to 0. */
    static final float EXP_LOWEST = -87.33654f;
    static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split in a part exact in few bits and a remainder (Cody–Waite), so x − n·ln2 is exact. */
    static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5·2^23: adding it rounds a float of magnitude < 2^22 to an integer held in the low mantissa bits. */
    static final float ROUND_MAGIC = 12582912f;
    static final int ROUND_MAGIC_BITS = 0x4B400000;
    /** Minimax coefficients of (e^r − 1 − r)/r² on [−ln2/2, ln2/2] (Cephes {@code expf}). */
    static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;
    /** Above this, e^x overflows; clamping keeps the exponent arithmetic from wrapping (e^88 is finite). */
    static final float EXP_HIGHEST = 88f;
    /**
     * Below this |x|, tanh uses its Taylor series: at 0.55 the first omitted term (x^21) is under 1e-9 of x.
     * Above it, 1 − 2/(e^{2|x|} + 1) damps exp's error (the subtracted term is at most 1/2).
     */
    static final float TANH_SERIES_LIMIT = 0.55f;
    /** Taylor coefficients of tanh: x + T3·x³ + T5·x⁵ + … + T19·x¹⁹ (from the Bernoulli numbers). */
    static final float T3 = -0.3333333333333333f, T5 = 0.13333333333333333f, T7 = -0.05396825396825397f,
            T9 = 0.021869488536155203f, T11 = -0.008863235529902197f, T13 = 0.003592128036572481f,
            T15 = -0.0014558343870513183f, T17 = 0.000590027440945586f, T19 = -0.00023912911424355248f;

    private VectorMath() {}

    /**
     * {@code e^x} lane-wise for {@code x ≤ 88}: 0 for {@code x < -87.34} (including {@code -inf}), NaN for NaN.
     */
    public static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(EXP_LOWEST).min(EXP_HIGHEST);
        FloatVector t = xc.fma(LOG2E, ROUND_MAGIC);
        FloatVector n = t.sub(ROUND_MAGIC);
        FloatVector r = n.fma(x.broadcast(-LN2_HI), xc);
        r = n.fma(x.broadcast(-LN2_LO), r);
        FloatVector z = r.mul(r);
        FloatVector y = r.fma(P0, P1).fma(r, x.broadcast(P2)).fma(r, x.broadcast(P3)).fma(r, x.broadcast(P4))
                .fma(r, x.broadcast(P5));
        y = y.fma(z, r).add(1f);
        IntVector bits = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS - 127).lanewise(VectorOperators.LSHL, 23);
        FloatVector pow2 = bits.reinterpretAsFloats();
        return y.mul(pow2).blend(0f, x.lt(EXP_LOWEST));
    }

    /**
     * {@code tanh(x)} lane-wise: its Taylor series below |x| = 0.55, {@code 1 − 2/(e^{2|x|} + 1)} above, sign
     * restored; ±1 for large |x|, NaN for NaN.
     */
    public static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector z = a.mul(a);
        FloatVector p = z.fma(T19, T17).fma(z, x.broadcast(T15)).fma(z, x.broadcast(T13)).fma(z, x.broadcast(T11))
                .fma(z, x.broadcast(T9)).fma(z, x.broadcast(T7)).fma(z, x.broadcast(T5)).fma(z, x.broadcast(T3));
        FloatVector series = a.mul(z).fma(p, a);
        FloatVector large = x.broadcast(1f).sub(x.broadcast(2f).div(exp(a.add(a)).add(1f)));
        FloatVector t = large.blend(series, a.lt(TANH_SERIES_LIMIT));
        return t.blend(t.neg(), x.lt(0f));
    }
}
