package dev.flashvec.reference;

import dev.flashvec.attention.Attention;
import dev.flashvec.attention.AttentionMask;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.tensor.Tensor;

/**
 * The plain, obviously-correct attention of {@code docs/SEMANTICS.md}: every score materialized, one query
 * row at a time, in double precision. It is the oracle the tests compare every fast path against, and a
 * public tool for users who want to check their own results. Slow by design: O(Sq·Sk·D) time, O(Sk) memory
 * per row.
 *
 * <p>{@link #computeFp32} is the same computation rounded to float after every operation: the "plain fp32
 * materialized implementation" whose error bounds what the fast kernels may be allowed.
 */
public final class ReferenceAttention {
    private ReferenceAttention() {}

    /**
     * A reference result.
     *
     * @param shape  {@code [B, Hq, Sq, Dv]}
     * @param output dense BHSD output
     * @param lse    log-sum-exp per row, dense {@code [B, Hq, Sq]}; {@code -inf} for fully masked rows
     */
    public record Result(int[] shape, double[] output, double[] lse) {
        /** Output element {@code [b, h, i, d]}. */
        public double output(int b, int h, int i, int d) {
            return output[((b * shape[1] + h) * shape[2] + i) * shape[3] + d];
        }

        /** LSE of row {@code (b, h, i)}. */
        public double lse(int b, int h, int i) {
            return lse[(b * shape[1] + h) * shape[2] + i];
        }
    }

    /** Attention in double precision. */
    public static Result compute(Tensor q, Tensor k, Tensor v, AttentionOptions options) {
        return run(q, k, v, options, false);
    }

    /** The same computation with every intermediate rounded to float (a plain fp32 implementation). */
    public static Result computeFp32(Tensor q, Tensor k, Tensor v, AttentionOptions options) {
        return run(q, k, v, options, true);
    }

    /**
     * Whether query {@code i} may attend key {@code j} in batch {@code b}, head {@code h}, by key length,
     * causal alignment, sliding window and boolean/{@code -inf} mask entries (SPEC's definition, literally).
     */
    public static boolean allowed(AttentionOptions o, int sq, int sk, int b, int h, int i, int j) {
        int kvLen = o.kvLength(b, sk);
        if (j >= kvLen) {
            return false;
        }
        long offset = o.causal() == CausalAlignment.BOTTOM_RIGHT ? (long) kvLen - sq : 0;
        long rel = j - (i + offset);
        if (o.causal() != CausalAlignment.NONE && rel > 0) {
            return false;
        }
        if (o.windowLeft() != AttentionOptions.UNBOUNDED && rel < -o.windowLeft()) {
            return false;
        }
        if (o.causal() == CausalAlignment.NONE && o.windowRight() != AttentionOptions.UNBOUNDED
                && rel > o.windowRight()) {
            return false;
        }
        AttentionMask m = o.mask();
        return m == null || m.at(m.batch() == 1 ? 0 : b, m.heads() == 1 ? 0 : h, i, j) != Float.NEGATIVE_INFINITY;
    }

    private static Result run(Tensor q, Tensor k, Tensor v, AttentionOptions o, boolean fp32) {
        Attention.checkInputs(q, k, v, o);
        int bsz = q.batch(), hq = q.heads(), sq = q.seq(), dk = q.dim(), sk = k.seq(), dv = v.dim();
        int group = hq / k.heads();
        double scale = o.scaleFor(dk);
        double cap = o.softcap();
        AttentionMask mask = o.mask();
        double[] out = new double[bsz * hq * sq * dv];
        double[] lse = new double[bsz * hq * sq];
        double[] s = new double[sk];
        boolean[] ok = new boolean[sk];
        for (int b = 0; b < bsz; b++) {
            for (int h = 0; h < hq; h++) {
                int kvh = h / group;
                for (int i = 0; i < sq; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    boolean any = false;
                    for (int j = 0; j < sk; j++) {
                        ok[j] = allowed(o, sq, sk, b, h, i, j);
                        if (!ok[j]) {
                            continue;
                        }
                        any = true;
                        double dot = 0;
                        for (int d = 0; d < dk; d++) {
                            dot = r(dot + r((double) q.get(b, h, i, d) * k.get(b, kvh, j, d), fp32), fp32);
                        }
                        double sc = r(scale * dot, fp32);
                        if (cap > 0) {
                            sc = r(cap * r(Math.tanh(r(sc / cap, fp32)), fp32), fp32);
                        }
                        if (mask != null) {
                            sc = r(sc + mask.at(mask.batch() == 1 ? 0 : b, mask.heads() == 1 ? 0 : h, i, j), fp32);
                        }
                        s[j] = sc;
                        max = Math.max(max, sc);
                    }
                    int row = (b * hq + h) * sq + i;
                    if (!any) {
                        lse[row] = Double.NEGATIVE_INFINITY;
                        continue; // output row stays 0
                    }
                    double sum = 0;
                    int o0 = row * dv;
                    for (int j = 0; j < sk; j++) {
                        if (!ok[j]) {
                            continue;
                        }
                        double p = r(Math.exp(r(s[j] - max, fp32)), fp32);
                        sum = r(sum + p, fp32);
                        for (int d = 0; d < dv; d++) {
                            out[o0 + d] = r(out[o0 + d] + r(p * v.get(b, kvh, j, d), fp32), fp32);
                        }
                    }
                    for (int d = 0; d < dv; d++) {
                        out[o0 + d] = r(out[o0 + d] / sum, fp32);
                    }
                    lse[row] = r(max + r(Math.log(sum), fp32), fp32);
                }
            }
        }
        return new Result(new int[] {bsz, hq, sq, dv}, out, lse);
    }

    private static double r(double x, boolean fp32) {
        return fp32 ? (float) x : x;
    }
}
