package dev.flashvec.attention;

import dev.flashvec.tensor.Tensor;

/**
 * One validated attention call, everything a kernel needs: inputs, outputs, resolved scale and the
 * per-batch key ranges. Built only by {@link #validate}; kernels trust it.
 */
final class AttentionProblem {
    final Tensor q, k, v, out;
    final float[] lse;
    final int batch, heads, kvHeads, group, sq, sk, dk, dv;
    final float scale, softcap;
    final CausalAlignment causal;
    final int windowLeft, windowRight;
    final AttentionMask mask;
    final int[] kvLen;
    final PositionBias positionBias;
    final ScoreMod scoreMod;
    final MaskMod maskMod;
    /** True when scores need more than scale, softcap and masks: such tiles never take the fast path. */
    final boolean modifiesScores;

    private AttentionProblem(Tensor q, Tensor k, Tensor v, AttentionOptions o, Tensor out, float[] lse) {
        this.q = q;
        this.k = k;
        this.v = v;
        this.out = out;
        this.lse = lse;
        this.batch = q.batch();
        this.heads = q.heads();
        this.kvHeads = k.heads();
        this.group = heads / kvHeads;
        this.sq = q.seq();
        this.sk = k.seq();
        this.dk = q.dim();
        this.dv = v.dim();
        this.scale = o.scaleFor(dk);
        this.softcap = o.softcap();
        this.causal = o.causal();
        this.windowLeft = o.windowLeft();
        this.windowRight = o.windowRight();
        this.mask = o.mask();
        this.positionBias = o.positionBias();
        this.scoreMod = o.scoreMod();
        this.maskMod = o.maskMod();
        this.modifiesScores = positionBias != null || scoreMod != null;
        this.kvLen = new int[batch];
        for (int b = 0; b < batch; b++) {
            kvLen[b] = o.kvLength(b, sk);
        }
    }

    /**
     * Checks every argument against SPEC's rules before any work, throwing an IllegalArgumentException
     * that names the argument, the expected and the actual value.
     */
    static AttentionProblem validate(Tensor q, Tensor k, Tensor v, AttentionOptions o, Tensor out, float[] lse) {
        validateInputs(q, k, v, o);
        require(out != null, "out must not be null");
        int[] want = {q.batch(), q.heads(), q.seq(), v.dim()};
        require(java.util.Arrays.equals(out.shape(), want), "out must have shape " + java.util.Arrays.toString(want)
                + " [B, Hq, Sq, Dv] but has " + java.util.Arrays.toString(out.shape()));
        require(out.stride(Tensor.DIM) == 1 || out.dim() == 1, "out must have unit stride on its last dimension");
        require(!out.mayOverlap(q) && !out.mayOverlap(k) && !out.mayOverlap(v),
                "out must not share its array with q, k or v");
        long rows = (long) q.batch() * q.heads() * q.seq();
        if (lse != null) {
            require(lse.length == rows, "lse must have B*Hq*Sq=" + rows + " elements but has " + lse.length);
        }
        return new AttentionProblem(q, k, v, o, out, lse);
    }

    /** A problem without outputs, for the second (explain) pass; inputs checked as by {@link #validate}. */
    static AttentionProblem forInputs(Tensor q, Tensor k, Tensor v, AttentionOptions o) {
        validateInputs(q, k, v, o);
        return new AttentionProblem(q, k, v, o, null, null);
    }

    /** The checks of {@link #validate} that concern only the inputs and options. */
    static void validateInputs(Tensor q, Tensor k, Tensor v, AttentionOptions o) {
        require(q != null, "q must not be null");
        require(k != null, "k must not be null");
        require(v != null, "v must not be null");
        require(o != null, "options must not be null (use AttentionOptions.defaults())");
        require(k.batch() == q.batch(), "K has batch=" + k.batch() + " but Q has batch=" + q.batch());
        require(v.batch() == q.batch(), "V has batch=" + v.batch() + " but Q has batch=" + q.batch());
        require(k.dim() == q.dim(), "K has Dk=" + k.dim() + " but Q has Dk=" + q.dim());
        require(v.heads() == k.heads(), "V has Hkv=" + v.heads() + " but K has Hkv=" + k.heads());
        require(v.seq() == k.seq(), "V has Sk=" + v.seq() + " but K has Sk=" + k.seq());
        require(q.heads() % k.heads() == 0, "Q heads Hq=" + q.heads() + " must be a multiple of K/V heads Hkv="
                + k.heads());
        require(q.stride(Tensor.DIM) == 1 || q.dim() == 1, "Q must have unit stride on its last dimension but has "
                + q.stride(Tensor.DIM));
        require(k.stride(Tensor.DIM) == 1 || k.dim() == 1, "K must have unit stride on its last dimension but has "
                + k.stride(Tensor.DIM));
        require(v.stride(Tensor.DIM) == 1 || v.dim() == 1, "V must have unit stride on its last dimension but has "
                + v.stride(Tensor.DIM));
        int[] kvLengths = o.kvLengths();
        if (kvLengths != null) {
            require(kvLengths.length == q.batch(), "kvLengths must have one entry per batch (" + q.batch()
                    + ") but has " + kvLengths.length);
            for (int b = 0; b < kvLengths.length; b++) {
                require(kvLengths[b] <= k.seq(), "kvLengths[" + b + "] must be <= Sk=" + k.seq() + " but was "
                        + kvLengths[b]);
            }
        }
        AttentionMask m = o.mask();
        if (m != null) {
            require(m.batch() == 1 || m.batch() == q.batch(), "mask batch must be 1 or " + q.batch() + " but was "
                    + m.batch());
            require(m.heads() == 1 || m.heads() == q.heads(), "mask heads must be 1 or Hq=" + q.heads() + " but was "
                    + m.heads());
            require(m.queries() == q.seq(), "mask must have Sq=" + q.seq() + " rows but has " + m.queries());
            require(m.keys() == k.seq(), "mask must have Sk=" + k.seq() + " columns but has " + m.keys());
        }
        PositionBias pb = o.positionBias();
        if (pb != null) {
            require(pb.heads() == q.heads(), "positionBias must have one entry per query head (Hq=" + q.heads()
                    + ") but has " + pb.heads() + ": " + pb);
            long span = (long) q.seq() + k.seq() + 1024; // margin for a block of queries past Sq
            require(span < Integer.MAX_VALUE, "positionBias needs Sq+Sk < 2^31 but Sq=" + q.seq() + ", Sk=" + k.seq());
        }
        if (o.maskMod() != null) {
            o.maskMod().checkShape(q.batch(), q.heads(), q.seq(), k.seq());
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Position-bias value of head {@code h} for query {@code i} (batch {@code b}) and key {@code j}. */
    float positionBias(int b, int h, int i, int j) {
        return positionBias.at(h, j - (i + alignmentOffset(b)));
    }

    /** Causal/window offset of batch {@code b}: 0 for top-left or no causal mask, kvLen − Sq for bottom-right. */
    int alignmentOffset(int b) {
        return causal == CausalAlignment.BOTTOM_RIGHT ? kvLen[b] - sq : 0;
    }

    /** First key query {@code i} of batch {@code b} may see (before any explicit mask); may exceed the last. */
    int firstKey(int b, int i) {
        if (windowLeft == AttentionOptions.UNBOUNDED) {
            return 0;
        }
        long lo = (long) i + alignmentOffset(b) - windowLeft;
        return (int) Math.max(0, Math.min(lo, Integer.MAX_VALUE));
    }

    /** Last key (inclusive) query {@code i} of batch {@code b} may see (before any explicit mask); may be < 0. */
    int lastKey(int b, int i) {
        long hi = kvLen[b] - 1L;
        long diag = (long) i + alignmentOffset(b);
        if (causal != CausalAlignment.NONE) {
            hi = Math.min(hi, diag);
        } else if (windowRight != AttentionOptions.UNBOUNDED) {
            hi = Math.min(hi, diag + windowRight);
        }
        return (int) Math.max(-1, hi);
    }
}
