package dev.flashvec.reference;

import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.decode.KvCache;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;

/**
 * The reference for attention over a {@link KvCache}: {@link ReferenceAttention} in double precision over the
 * keys and values the cache stores (converted to fp32 as stored), with BOTTOM_RIGHT alignment and the ring's
 * sliding window. For checking a fast decode result on sampled heads.
 */
public final class ReferenceDecode {
    private ReferenceDecode() {}

    /**
     * Reference result ({@code [1, 1, Sq, Dv]}) of query head {@code h} of sequence {@code b}, for the queries
     * {@code q [B, Hq, Sq, Dk]} at the last Sq positions of that sequence. Scale {@code 1/sqrt(Dk)} unless
     * {@code scale} is finite.
     */
    public static ReferenceAttention.Result compute(KvCache cache, Tensor q, int b, int h, float scale) {
        if (cache == null || q == null) {
            throw new IllegalArgumentException((cache == null ? "cache" : "q") + " must not be null");
        }
        if (h < 0 || h >= q.heads() || q.heads() % cache.kvHeads() != 0) {
            throw new IllegalArgumentException("h must be in [0, " + q.heads() + ") and Hq=" + q.heads()
                    + " a multiple of Hkv=" + cache.kvHeads() + " but h=" + h);
        }
        int kvh = h / (q.heads() / cache.kvHeads());
        int first = cache.firstStored(b), n = cache.length(b) - first;
        int dk = cache.keyDim(), dv = cache.valueDim();
        Tensor k = Tensor.zeros(Layout.BHSD, 1, 1, Math.max(1, n), dk);
        Tensor v = Tensor.zeros(Layout.BHSD, 1, 1, Math.max(1, n), dv);
        float[] row = new float[Math.max(dk, dv)];
        for (int j = 0; j < n; j++) {
            cache.readKey(b, kvh, first + j, row);
            System.arraycopy(row, 0, k.array(), j * dk, dk);
            cache.readValue(b, kvh, first + j, row);
            System.arraycopy(row, 0, v.array(), j * dv, dv);
        }
        Tensor qh = Tensor.view(q.array(), q.index(b, h, 0, 0), new int[] {1, 1, q.seq(), dk},
                new int[] {q.stride(0), q.stride(1), q.stride(2), 1});
        AttentionOptions.Builder o = AttentionOptions.builder().causal(CausalAlignment.BOTTOM_RIGHT)
                .kvLengths(new int[] {n});
        if (Float.isFinite(scale)) {
            o.scale(scale);
        }
        if (cache.isRing()) {
            o.window(cache.window() - 1, AttentionOptions.UNBOUNDED);
        }
        return ReferenceAttention.compute(qh, k, v, o.build());
    }
}
