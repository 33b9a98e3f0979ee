package dev.flashvec.decode;

import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import dev.flashvec.testing.Gen;
import dev.flashvec.testing.Shrinkable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A generated decode problem: cache shape, type and mode, each sequence's history length, the number of new
 * queries, how the history is appended and the split-K chunk size; values come from {@code valueSeed}.
 *
 * @param window  0 for a linear cache, else the ring cache's sliding window
 * @param block   positions per append while the history is written
 * @param len0    length of sequence 0; {@code len1} that of sequence 1 when {@code batch == 2}
 */
record DecodeCase(int batch, int kvHeads, int group, int sq, int dk, int dv, KvType type, int window, int block,
                  int chunkKeys, int len0, int len1, long valueSeed) implements Shrinkable<DecodeCase> {

    /** Decode-sized (Sq ≤ 16) or, one time in five, prefill-sized queries over any cache. */
    static DecodeCase any(Random r, int maxLen, int maxDim) {
        int sq = r.nextInt(5) == 0 ? 17 + r.nextInt(24) : Gen.size(r, 16);
        KvType type = KvType.values()[r.nextInt(4)];
        int window = r.nextInt(3) == 0 ? Gen.size(r, maxLen / 2) : 0;
        int dk = r.nextInt(4) == 0 ? registerDim(r) : Gen.size(r, maxDim);
        int dv = switch (r.nextInt(6)) {
            case 0 -> Gen.size(r, maxDim);
            case 1 -> registerDim(r);
            default -> dk;
        };
        return new DecodeCase(1 + r.nextInt(2), 1 + r.nextInt(3), 1 + r.nextInt(3), sq, dk, dv, type, window, r.nextBoolean() ? 1 : Gen.size(r, 40),
                Gen.size(r, 64), r.nextInt(8) == 0 ? 0 : Gen.size(r, maxLen), Gen.size(r, maxLen), r.nextLong());
    }

    /**
     * A head dimension of exactly 4 or 8 vectors of the running width (64 or 128 with 512-bit vectors), the sizes
     * the vector decode kernel has straight-line fp32 q·k paths for.
     */
    static int registerDim(Random r) {
        int lanes = Math.max(128, Simd.vectorBits()) / Float.SIZE;
        return (r.nextBoolean() ? 4 : 8) * lanes;
    }

    /** A ring cache whose history is longer than its slots, so that it has wrapped. */
    static DecodeCase ring(Random r) {
        DecodeCase c = any(r, 150, 40);
        int window = Gen.size(r, 40);
        int sq = Math.min(c.sq, KvCache.DEFAULT_MAX_QUERIES);
        int min = window + KvCache.DEFAULT_MAX_QUERIES;
        return new DecodeCase(c.batch, c.kvHeads, c.group, sq, c.dk, c.dv, c.type, window, c.block, c.chunkKeys,
                min + r.nextInt(100), min + r.nextInt(100), c.valueSeed);
    }

    int heads() {
        return kvHeads * group;
    }

    int length(int b) {
        return b == 0 ? len0 : len1;
    }

    int[] lengths() {
        return batch == 1 ? new int[] {len0} : new int[] {len0, len1};
    }

    int maxLen() {
        return Math.max(1, batch == 1 ? len0 : Math.max(len0, len1));
    }

    /** The whole history of keys ({@code [B, Hkv, maxLen, Dk]}, N(0,1)). */
    Tensor keys() {
        return normal(batch, kvHeads, maxLen(), dk, 2);
    }

    Tensor values() {
        return normal(batch, kvHeads, maxLen(), dv, 3);
    }

    Tensor q() {
        return normal(batch, heads(), sq, dk, 1);
    }

    /** An empty cache of this case's type and mode; a linear one has a few slots to spare. */
    KvCache emptyCache() {
        KvCache.Builder b = KvCache.builder().type(type).batch(batch).kvHeads(kvHeads).headDim(dk).valueDim(dv);
        if (window > 0) {
            b.slidingWindow(window).maxQueries(Math.max(sq, KvCache.DEFAULT_MAX_QUERIES));
        } else {
            b.capacity(maxLen() + (int) (Math.abs(valueSeed) % 5));
        }
        return b.build();
    }

    /** A cache holding each sequence's history, appended {@code block} positions at a time. */
    KvCache cache() {
        return cache(block);
    }

    KvCache cache(int blockSize) {
        KvCache cache = emptyCache();
        Tensor k = keys(), v = values();
        for (int b = 0; b < batch; b++) {
            for (int p = 0; p < length(b); p += blockSize) {
                int n = Math.min(blockSize, length(b) - p);
                cache.append(b, slice(k, b, p, n), slice(v, b, p, n));
            }
        }
        return cache;
    }

    /** Positions {@code [p, p + n)} of sequence {@code b}: a {@code [1, H, n, D]} view, no copy. */
    static Tensor slice(Tensor t, int b, int p, int n) {
        return Tensor.view(t.array(), t.index(b, 0, p, 0), new int[] {1, t.heads(), n, t.dim()},
                new int[] {t.stride(0), t.stride(1), t.stride(2), 1});
    }

    /** SPEC's options for the same attention over the whole history. */
    AttentionOptions options() {
        AttentionOptions.Builder o = AttentionOptions.builder().causal(CausalAlignment.BOTTOM_RIGHT).kvLengths(lengths());
        if (window > 0) {
            o.window(window - 1, AttentionOptions.UNBOUNDED);
        }
        return o.build();
    }

    /** {@code t} with every row rounded as the cache stores it. */
    Tensor rounded(Tensor t) {
        Tensor out = t.copy(Layout.BHSD);
        KvStore one = new KvStore(type, 1, t.dim(), 1);
        float[] a = out.array();
        for (int row = 0; row < a.length / t.dim(); row++) {
            one.write(0, a, row * t.dim());
            one.read(0, a, row * t.dim());
        }
        return out;
    }

    private Tensor normal(int b, int h, int s, int d, int salt) {
        Random r = new Random(valueSeed * 31 + salt);
        return Tensor.wrap(Gen.normal(r, b * h * s * d), Layout.BHSD, b, h, s, d);
    }

    @Override
    public List<DecodeCase> shrink() {
        List<DecodeCase> out = new ArrayList<>();
        if (batch > 1) {
            out.add(new DecodeCase(1, kvHeads, group, sq, dk, dv, type, window, block, chunkKeys, len0, len1, valueSeed));
        }
        if (type != KvType.FP32) {
            out.add(new DecodeCase(batch, kvHeads, group, sq, dk, dv, KvType.FP32, window, block, chunkKeys, len0, len1,
                    valueSeed));
        }
        for (int v : Gen.smaller(kvHeads)) {
            out.add(new DecodeCase(batch, v, group, sq, dk, dv, type, window, block, chunkKeys, len0, len1, valueSeed));
        }
        for (int v : Gen.smaller(group)) {
            out.add(new DecodeCase(batch, kvHeads, v, sq, dk, dv, type, window, block, chunkKeys, len0, len1, valueSeed));
        }
        for (int v : Gen.smaller(sq)) {
            out.add(new DecodeCase(batch, kvHeads, group, v, dk, dv, type, window, block, chunkKeys, len0, len1,
                    valueSeed));
        }
        for (int v : Gen.smaller(len0)) {
            out.add(new DecodeCase(batch, kvHeads, group, sq, dk, dv, type, window, block, chunkKeys, v, len1, valueSeed));
        }
        for (int v : Gen.smaller(dk)) {
            out.add(new DecodeCase(batch, kvHeads, group, sq, v, dv == dk ? v : dv, type, window, block, chunkKeys, len0,
                    len1, valueSeed));
        }
        for (int v : Gen.smaller(chunkKeys)) {
            out.add(new DecodeCase(batch, kvHeads, group, sq, dk, dv, type, window, block, v, len0, len1, valueSeed));
        }
        return out;
    }
}
