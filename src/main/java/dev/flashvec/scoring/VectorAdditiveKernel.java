package dev.flashvec.scoring;

import dev.flashvec.simd.VectorMath;
import dev.flashvec.simd.VectorProbe;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Additive attention's inner loops on the Vector API, vectorised over the hidden units: a tile's
 * {@code q + k} rows are written to scratch, {@link VectorMath#tanhInPlace} runs over the whole tile at once,
 * and each key's score is a vector FMA with {@code v} reduced once per key. Each loop is its own small method
 * that exchanges arrays only, so no vector crosses a call that might not inline.
 */
final class VectorAdditiveKernel extends AdditiveKernel {
    private static final VectorSpecies<Float> F = VectorProbe.floatSpecies();

    @Override
    int lanes() {
        return F.length();
    }

    @Override
    void scoreTile(float[] q, int qOff, float[] k, int kOff, int kStride, int n, float[] v, int paddedDim, Scratch s) {
        addRows(q, qOff, k, kOff, kStride, n, paddedDim, s.hidden);
        int lanes = F.length();
        VectorMath.tanhInPlace(s.hidden, 0, lanes, n * paddedDim / lanes, s.tmp);
        dotRows(s.hidden, n, paddedDim, v, s.scores, s.lanes);
    }

    /** {@code hidden[t·pd + a] = q[qOff + a] + k[kOff + t·kStride + a]}. */
    private static void addRows(float[] q, int qOff, float[] k, int kOff, int kStride, int n, int pd, float[] hidden) {
        for (int t = 0; t < n; t++) {
            int kRow = kOff + t * kStride, hRow = t * pd;
            for (int a = 0; a < pd; a += F.length()) {
                FloatVector.fromArray(F, q, qOff + a).add(FloatVector.fromArray(F, k, kRow + a)).intoArray(hidden, hRow + a);
            }
        }
    }

    /**
     * {@code scores[t] = Σ_a v[a]·hidden[t·pd + a]}. The lanes are added in a fixed order through
     * {@code lanes}, not by {@code reduceLanes}: its interpreted and compiled forms add in different orders, and
     * results must not depend on whether C2 has compiled this yet.
     */
    private static void dotRows(float[] hidden, int n, int pd, float[] v, float[] scores, float[] lanes) {
        for (int t = 0; t < n; t++) {
            FloatVector sum = FloatVector.zero(F);
            for (int a = 0; a < pd; a += F.length()) {
                sum = FloatVector.fromArray(F, hidden, t * pd + a).fma(FloatVector.fromArray(F, v, a), sum);
            }
            sum.intoArray(lanes, 0);
            float total = 0f;
            for (int l = 0; l < F.length(); l++) {
                total += lanes[l];
            }
            scores[t] = total;
        }
    }

    @Override
    void accumulate(float[] p, int n, float[] val, int vOff, int vStride, int dv, float[] acc) {
        int end = dv - dv % F.length();
        for (int t = 0; t < n; t++) {
            FloatVector w = FloatVector.broadcast(F, p[t]);
            int row = vOff + t * vStride;
            for (int d = 0; d < end; d += F.length()) {
                FloatVector.fromArray(F, val, row + d).fma(w, FloatVector.fromArray(F, acc, d)).intoArray(acc, d);
            }
            for (int d = end; d < dv; d++) {
                acc[d] = Math.fma(p[t], val[row + d], acc[d]);
            }
        }
    }
}
