package dev.flashvec.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transcendental functions for vector kernels, built only from adds, multiplies and FMAs, applied in place
 * to arrays.
 *
 * <p>Why not {@code lanewise(EXP)}: its interpreted fallback and its C2 intrinsic round differently, so a
 * kernel's result would depend on whether the JIT had compiled it yet, breaking bit-identical results
 * "for any call order". These polynomials give the same bits in every execution mode and are cheaper
 * than the intrinsic; measured (VectorMathTest) within 1 ulp for exp on [-87, 0] and 2^x on [-126, 127], and
 * 1.5 ulp for tanh.
 *
 * <p>Public only because kernels in other packages call it; it is not API and trusts its arguments (offsets,
 * strides and row counts in range, as the kernels' public entry points have already checked the shapes).
 *
 * <p>Why arrays and not {@code FloatVector} arguments: a vector that crosses a call C2 does not inline is
 * boxed on the heap. Whether C2 inlines a helper depends on timing (whether the helper already has compiled
 * code of its own, how much of the caller's budget is left), so an {@code exp(FloatVector)} helper made a
 * forward pass allocate 3 GB in some runs and nothing in others. Each function here is one loop over vectors
 * loaded from and stored to arrays, with the polynomial written once, inside that loop.
 */
public final class VectorMath {
    private static final VectorSpecies<Float> F = VectorProbe.floatSpecies();
    /** Below this, {@code exp(x)} is under the smallest normal float; the result is flushed to 0. */
    static final float EXP_LOWEST = -87.33654f;
    /** Above this, e^x overflows; clamping keeps the exponent arithmetic from wrapping (e^88 is finite). */
    static final float EXP_HIGHEST = 88f;
    static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split in a part exact in few bits and a remainder (Cody–Waite), so x − n·ln2 is exact. */
    static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5·2^23: adding it rounds a float of magnitude < 2^22 to an integer held in the low mantissa bits. */
    static final float ROUND_MAGIC = 12582912f;
    static final int ROUND_MAGIC_BITS = 0x4B400000;
    /** Minimax coefficients of (e^r − 1 − r)/r² on [−ln2/2, ln2/2] (Cephes {@code expf}). */
    static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;
    /** Below this, 2^x is under the smallest normal float; the result is flushed to 0. */
    static final float EXP2_LOWEST = -126f;
    /** The largest argument exp2InPlace accepts: 2^127 is finite, and larger arguments wrap its exponent. */
    static final float EXP2_HIGHEST = 127f;
    /**
     * Coefficients of 1 + E1·f + … + E6·f⁶ ≈ 2^f on [−1/2, 1/2]: a minimax fit of the relative error (2e-9 in
     * exact arithmetic, 0.91 ulp with float Horner steps), computed for this project by Lawson's iteration.
     */
    static final float E1 = 6.931471825e-01f, E2 = 2.402264774e-01f, E3 = 5.550332367e-02f,
            E4 = 9.618436918e-03f, E5 = 1.339887385e-03f, E6 = 1.535336196e-04f;
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

    /** Lanes of the vectors these functions work on (the kernels' width). */
    public static int lanes() {
        return F.length();
    }

    /**
     * For {@code r < rows}, the vector at {@code a[offset + r·stride]} becomes
     * {@code exp(scale·x − shift)} lane-wise, where {@code shift} is the vector at
     * {@code shift[shiftOffset]} (0 when {@code shift} is null); the lane-wise sum of the results is stored
     * at {@code sums[sumOffset]} when {@code sums} is not null. {@code scale·x − shift} is rounded once (FMA).
     * exp is 0 below −87.34 (including {@code -inf}), NaN for NaN, and defined up to 88 (clamped above).
     */
    public static void expInPlace(float[] a, int offset, int stride, int rows, float scale, float[] shift,
                                  int shiftOffset, float[] sums, int sumOffset) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector negShift = shift == null ? zero : FloatVector.fromArray(F, shift, shiftOffset).neg();
        FloatVector scaleV = FloatVector.broadcast(F, scale);
        FloatVector lnHi = FloatVector.broadcast(F, -LN2_HI), lnLo = FloatVector.broadcast(F, -LN2_LO);
        FloatVector p2 = FloatVector.broadcast(F, P2), p3 = FloatVector.broadcast(F, P3);
        FloatVector p4 = FloatVector.broadcast(F, P4), p5 = FloatVector.broadcast(F, P5);
        FloatVector sum = zero;
        for (int r = 0, o = offset; r < rows; r++, o += stride) {
            FloatVector x = FloatVector.fromArray(F, a, o).fma(scaleV, negShift);
            // Arguments below EXP_LOWEST need no clamp: whatever the exponent arithmetic makes of them (even
            // NaN, from -inf), the final blend replaces it with 0. Arguments above EXP_HIGHEST would wrap the
            // exponent into a wrong finite value, so they are clamped, by compare and blend: max and min follow
            // Math.max's NaN and signed-zero rules, which x86 has no single instruction for.
            VectorMask<Float> low = x.lt(EXP_LOWEST);
            FloatVector xc = x.blend(EXP_HIGHEST, x.compare(VectorOperators.GT, EXP_HIGHEST));
            FloatVector t = xc.fma(LOG2E, ROUND_MAGIC);
            FloatVector n = t.sub(ROUND_MAGIC);
            FloatVector rr = n.fma(lnHi, xc);
            rr = n.fma(lnLo, rr);
            FloatVector z = rr.mul(rr);
            FloatVector y = rr.fma(P0, P1).fma(rr, p2).fma(rr, p3).fma(rr, p4).fma(rr, p5);
            y = y.fma(z, rr).add(1f);
            IntVector bits = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS - 127).lanewise(VectorOperators.LSHL, 23);
            FloatVector e = y.mul(bits.reinterpretAsFloats()).blend(0f, low);
            e.intoArray(a, o);
            sum = sum.add(e);
        }
        if (sums != null) {
            sum.intoArray(sums, sumOffset);
        }
    }

    /**
     * For {@code r < rows}, the vector at {@code a[offset + r·stride]} becomes {@code 2^(scale·x − shift)}
     * lane-wise, with {@code shift}, {@code sums} and the single rounding of the argument as in
     * {@link #expInPlace}. 2^x is 0 below −126 (so every nonzero result is a normal float; {@code -inf} gives
     * 0) and NaN for NaN (whatever its payload); within 1 ulp on [−126, 127] (VectorMathTest).
     *
     * <p>The caller guarantees every argument is at most {@value #EXP2_HIGHEST} (or NaN), as a softmax does once
     * its max is subtracted; a larger argument gives an unspecified result. That is what lets this loop skip
     * the clamp that keeps the exponent arithmetic from wrapping: a compare and a blend per vector, about a
     * tenth of {@link #expInPlace}'s time.
     *
     * <p>Why base 2: a softmax that folds log2(e) into its score scale needs no range reduction by ln 2, so
     * this costs 8 multiply-adds per vector against {@link #expInPlace}'s 12. Per 64 × 2048 scores (D=64
     * harness, data in L1) the softmax's exp took 41–50 µs with expInPlace and 25–33 µs with this.
     */
    public static void exp2InPlace(float[] a, int offset, int stride, int rows, float scale, float[] shift,
                                   int shiftOffset, float[] sums, int sumOffset) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector negShift = shift == null ? zero : FloatVector.fromArray(F, shift, shiftOffset).neg();
        FloatVector scaleV = FloatVector.broadcast(F, scale);
        FloatVector one = FloatVector.broadcast(F, 1f);
        FloatVector e1 = FloatVector.broadcast(F, E1), e2 = FloatVector.broadcast(F, E2);
        FloatVector e3 = FloatVector.broadcast(F, E3), e4 = FloatVector.broadcast(F, E4);
        FloatVector sum = zero;
        for (int r = 0, o = offset; r < rows; r++, o += stride) {
            FloatVector x = FloatVector.fromArray(F, a, o).fma(scaleV, negShift);
            // As in exp, no clamp below: the final blend zeroes those lanes. None above (the caller's bound).
            VectorMask<Float> low = x.lt(EXP2_LOWEST);
            // n = round(x) in t's low mantissa bits; f = x − n is exact and within [−1/2, 1/2].
            FloatVector t = x.add(ROUND_MAGIC);
            FloatVector f = x.sub(t.sub(ROUND_MAGIC));
            FloatVector y = f.fma(E6, E5).fma(f, e4).fma(f, e3).fma(f, e2).fma(f, e1).fma(f, one);
            // Scale by 2^n with a multiply, not by adding n to y's exponent bits: that add would turn a NaN
            // with some payloads into a number, where the multiply keeps NaN.
            IntVector bits = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS - 127).lanewise(VectorOperators.LSHL, 23);
            FloatVector e = y.mul(bits.reinterpretAsFloats()).blend(0f, low);
            e.intoArray(a, o);
            sum = sum.add(e);
        }
        if (sums != null) {
            sum.intoArray(sums, sumOffset);
        }
    }

    /**
     * For {@code r < rows}, the vector at {@code a[offset + r·stride]} becomes {@code tanh(x)} lane-wise:
     * its Taylor series below |x| = 0.55, {@code 1 − 2/(e^{2|x|} + 1)} above, sign restored; ±1 for large
     * |x|, NaN for NaN. {@code tmp} is scratch addressed like {@code a} (its exp pass goes through
     * {@link #expInPlace}, so the exp polynomial exists once).
     */
    public static void tanhInPlace(float[] a, int offset, int stride, int rows, float[] tmp) {
        for (int r = 0, o = offset; r < rows; r++, o += stride) {
            FloatVector ax = FloatVector.fromArray(F, a, o).abs();
            ax.add(ax).intoArray(tmp, o);
        }
        expInPlace(tmp, offset, stride, rows, 1f, null, 0, null, 0);
        FloatVector one = FloatVector.broadcast(F, 1f), two = FloatVector.broadcast(F, 2f);
        FloatVector t15 = FloatVector.broadcast(F, T15), t13 = FloatVector.broadcast(F, T13);
        FloatVector t11 = FloatVector.broadcast(F, T11), t9 = FloatVector.broadcast(F, T9);
        FloatVector t7 = FloatVector.broadcast(F, T7), t5 = FloatVector.broadcast(F, T5);
        FloatVector t3 = FloatVector.broadcast(F, T3);
        for (int r = 0, o = offset; r < rows; r++, o += stride) {
            FloatVector x = FloatVector.fromArray(F, a, o);
            FloatVector ax = x.abs();
            FloatVector z = ax.mul(ax);
            FloatVector p = z.fma(T19, T17).fma(z, t15).fma(z, t13).fma(z, t11).fma(z, t9).fma(z, t7).fma(z, t5)
                    .fma(z, t3);
            FloatVector series = ax.mul(z).fma(p, ax);
            FloatVector large = one.sub(two.div(FloatVector.fromArray(F, tmp, o).add(1f)));
            FloatVector t = large.blend(series, ax.lt(TANH_SERIES_LIMIT));
            t.blend(t.neg(), x.lt(0f)).intoArray(a, o);
        }
    }
}
