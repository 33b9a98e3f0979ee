package dev.flashvec.reference;

import dev.flashvec.attention.AlibiBias;
import dev.flashvec.attention.Attention;
import dev.flashvec.attention.AttentionMask;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.attention.MaskMod;
import dev.flashvec.attention.PositionBias;
import dev.flashvec.attention.RelativePositionBias;
import dev.flashvec.attention.ScoreMod;
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
        return run(q, k, v, options, false, null);
    }

    /** A pair's raw score before the options (scale first): for scores other than {@code q·k}. */
    @FunctionalInterface
    public interface RawScore {
        double at(int b, int h, int i, int j);
    }

    /**
     * The reference for any raw score (additive, or a test's own): every option applied exactly as for the dot
     * product, with {@code raw} in place of {@code q·k}. {@code q} and {@code k} give only the shapes (their
     * head widths may be 1), so the scale is {@code options.scaleFor(q.dim())}: set it explicitly.
     */
    public static Result compute(Tensor q, Tensor k, Tensor v, AttentionOptions options, RawScore raw) {
        if (raw == null) {
            throw new IllegalArgumentException("raw must not be null");
        }
        return run(q, k, v, options, false, raw);
    }

    /** The same computation with every intermediate rounded to float (a plain fp32 implementation). */
    public static Result computeFp32(Tensor q, Tensor k, Tensor v, AttentionOptions options) {
        return run(q, k, v, options, true, null);
    }

    /**
     * Whether query {@code i} may attend key {@code j} in batch {@code b}, head {@code h}, by key length,
     * causal alignment, sliding window, boolean/{@code -inf} mask entries and the mask predicate (SPEC's
     * definition, literally).
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
        if (m != null && m.at(m.batch() == 1 ? 0 : b, m.heads() == 1 ? 0 : h, i, j) == Float.NEGATIVE_INFINITY) {
            return false;
        }
        MaskMod mm = o.maskMod();
        return mm == null || mm.allowed(b, h, i, j);
    }

    /** The alignment offset of SEMANTICS: {@code kvLen[b] − Sq} under bottom-right alignment, else 0. */
    private static long offset(AttentionOptions o, int sq, int sk, int b) {
        return o.causal() == CausalAlignment.BOTTOM_RIGHT ? (long) o.kvLength(b, sk) - sq : 0;
    }

    /**
     * The position bias of head {@code h} at aligned relative position {@code rel}, from the definitions of
     * docs/SEMANTICS.md (ALiBi: {@code slope·rel}; relative: the table at T5's or the clipped bucket).
     */
    public static double positionBias(PositionBias bias, int h, long rel) {
        if (bias instanceof AlibiBias alibi) {
            return (double) alibi.slope(h) * rel;
        }
        RelativePositionBias t = (RelativePositionBias) bias;
        int bucket;
        if (t.bucketing() == RelativePositionBias.Bucketing.CLIPPED) {
            bucket = (int) (Math.max(-t.maxDistance(), Math.min(t.maxDistance(), rel)) + t.maxDistance());
        } else {
            bucket = t5Bucket(rel, t.numBuckets(), t.maxDistance(), t.bidirectional());
        }
        return t.table(h, bucket);
    }

    /** T5's {@code _relative_position_bucket}, written out as in the T5 code (logs in double precision). */
    public static int t5Bucket(long relativePosition, int numBuckets, int maxDistance, boolean bidirectional) {
        int bucket = 0;
        long n;
        if (bidirectional) {
            numBuckets /= 2;
            bucket += relativePosition > 0 ? numBuckets : 0;
            n = Math.abs(relativePosition);
        } else {
            n = -Math.min(relativePosition, 0);
        }
        int maxExact = numBuckets / 2;
        if (n < maxExact) {
            return bucket + (int) n;
        }
        double large = maxExact + StrictMath.log((double) n / maxExact)
                / StrictMath.log((double) maxDistance / maxExact) * (numBuckets - maxExact);
        return bucket + (int) Math.min(large, numBuckets - 1);
    }

    /**
     * The attention weights of query row {@code i} (batch b, head h) over all {@code Sk} keys, in double
     * precision: 0 for disallowed keys, all 0 for a fully masked row.
     */
    public static double[] probabilities(Tensor q, Tensor k, Tensor v, AttentionOptions o, int b, int h, int i) {
        Attention.checkInputs(q, k, v, o);
        int sk = k.seq();
        double[] s = new double[sk];
        boolean[] ok = new boolean[sk];
        double max = rowScores(q, k, o, b, h, i, s, ok, false, null);
        double[] p = new double[sk];
        if (max == Double.NEGATIVE_INFINITY) {
            return p;
        }
        double sum = 0;
        for (int j = 0; j < sk; j++) {
            if (ok[j]) {
                p[j] = Math.exp(s[j] - max);
                sum += p[j];
            }
        }
        for (int j = 0; j < sk; j++) {
            p[j] /= sum;
        }
        return p;
    }

    /**
     * Scores of row {@code i} into {@code s} (valid where {@code ok}), following SEMANTICS' order: scale,
     * softcap, position bias, score modifier, additive mask; returns their max ({@code -inf} if none, or if
     * every allowed score is {@code -inf}).
     */
    private static double rowScores(Tensor q, Tensor k, AttentionOptions o, int b, int h, int i, double[] s,
                                    boolean[] ok, boolean fp32, RawScore raw) {
        int sq = q.seq(), dk = q.dim(), sk = k.seq();
        int kvh = h / (q.heads() / k.heads());
        double scale = o.scaleFor(dk);
        double cap = o.softcap();
        AttentionMask mask = o.mask();
        PositionBias bias = o.positionBias();
        ScoreMod mod = o.scoreMod();
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < sk; j++) {
            ok[j] = allowed(o, sq, sk, b, h, i, j);
            if (!ok[j]) {
                continue;
            }
            double dot = 0;
            if (raw != null) {
                dot = raw.at(b, h, i, j);
            } else {
                for (int d = 0; d < dk; d++) {
                    dot = r(dot + r((double) q.get(b, h, i, d) * k.get(b, kvh, j, d), fp32), fp32);
                }
            }
            double sc = r(scale * dot, fp32);
            if (cap > 0) {
                sc = r(cap * r(Math.tanh(r(sc / cap, fp32)), fp32), fp32);
            }
            if (bias != null) {
                sc = r(sc + positionBias(bias, h, j - (i + offset(o, sq, sk, b))), fp32);
            }
            if (mod != null) {
                sc = mod.apply(b, h, i, j, (float) sc); // the modifier's interface is float
            }
            if (mask != null) {
                sc = r(sc + mask.at(mask.batch() == 1 ? 0 : b, mask.heads() == 1 ? 0 : h, i, j), fp32);
            }
            s[j] = sc;
            max = Math.max(max, sc);
        }
        return max;
    }

    private static Result run(Tensor q, Tensor k, Tensor v, AttentionOptions o, boolean fp32, RawScore raw) {
        Attention.checkInputs(q, k, v, o);
        int bsz = q.batch(), hq = q.heads(), sq = q.seq(), dk = q.dim(), sk = k.seq(), dv = v.dim();
        int group = hq / k.heads();
        double[] out = new double[bsz * hq * sq * dv];
        double[] lse = new double[bsz * hq * sq];
        double[] s = new double[sk];
        boolean[] ok = new boolean[sk];
        for (int b = 0; b < bsz; b++) {
            for (int h = 0; h < hq; h++) {
                int kvh = h / group;
                for (int i = 0; i < sq; i++) {
                    double max = rowScores(q, k, o, b, h, i, s, ok, fp32, raw);
                    boolean any = max != Double.NEGATIVE_INFINITY;
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
