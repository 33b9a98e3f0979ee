package dev.flashvec.decode;

import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.simd.CacheSizes;
import dev.flashvec.tensor.Tensor;
import java.util.Arrays;

/**
 * One validated attention call over a {@link KvCache}: the queries, outputs, scale and the split of every
 * sequence's keys into chunks and of its queries into row blocks. Built only by {@link #validate}; kernels
 * trust it. The split depends only on the cache's state, Sq and the chunk size, never on the thread count.
 */
final class DecodeProblem {
    final KvCache cache;
    final Tensor q, out;
    final float[] lse;
    final int batch, heads, kvHeads, group, sq, dk, dv, slots, window;
    final float scale;
    /** Which keys each query sees: causal alignment and windows as in {@link AttentionOptions}. */
    final CausalAlignment causal;
    final int windowLeft, windowRight;
    /** Queries per row block, and row blocks per (sequence, KV head). */
    final int queriesPerBlock, queryBlocks;
    /**
     * Per sequence: first position any query sees, one past the last one any query sees (at most the valid
     * length; no key outside [first, end) is read), valid length, and key chunks.
     */
    final int[] first, end, length, chunks;
    final int chunkKeys, maxChunks;
    /** Keys per streamed tile, and per widening sub-block of a reduced-precision tile (from the cache sizes). */
    final int tileKeys, subBlockKeys;
    /** Task index where sequence {@code b}'s tasks start; {@code taskStart[batch]} is the task count. */
    final int[] taskStart;

    private DecodeProblem(KvCache cache, Tensor q, Tensor out, float[] lse, float scale, int chunkKeys,
                          CacheSizes caches, CausalAlignment causal, int windowLeft, int windowRight) {
        this.cache = cache;
        this.q = q;
        this.out = out;
        this.lse = lse;
        this.batch = q.batch();
        this.heads = q.heads();
        this.kvHeads = cache.kvHeads();
        this.group = heads / kvHeads;
        this.sq = q.seq();
        this.dk = cache.keyDim();
        this.dv = cache.valueDim();
        this.slots = cache.slots();
        this.window = cache.window();
        this.scale = scale;
        this.causal = causal;
        this.windowLeft = windowLeft;
        this.windowRight = windowRight;
        this.queriesPerBlock = Math.max(1, Math.min(sq, DecodeKernel.MAX_ROWS / group));
        this.queryBlocks = (sq + queriesPerBlock - 1) / queriesPerBlock;
        // Split-K pays off when few queries leave the threads idle; with many queries the row blocks give the
        // parallelism, and one chunk keeps the partial buffers the size of the output.
        this.chunkKeys = sq <= DecodeAttention.MAX_SPLIT_QUERIES ? chunkKeys : Integer.MAX_VALUE;
        this.first = new int[batch];
        this.end = new int[batch];
        this.length = cache.lengths();
        this.chunks = new int[batch];
        this.taskStart = new int[batch + 1];
        int most = 0;
        for (int b = 0; b < batch; b++) {
            first[b] = lo(b, 0); // lo(b, i) and hi(b, i) never decrease with i
            end[b] = Math.max(first[b], hi(b, sq - 1) + 1);
            int keys = end[b] - first[b];
            chunks[b] = keys <= 0 ? 0 : (int) ((keys + (long) this.chunkKeys - 1) / this.chunkKeys);
            most = Math.max(most, chunks[b]);
            taskStart[b + 1] = Math.addExact(taskStart[b], Math.multiplyExact(kvHeads * queryBlocks, chunks[b]));
        }
        this.maxChunks = most;
        this.tileKeys = DecodeKernel.tileKeys(Math.max(dk, dv), cache.type().bytesPerElement(), caches.l2());
        this.subBlockKeys = Math.min(tileKeys, DecodeKernel.subBlockKeys(Math.max(dk, dv),
                cache.type().bytesPerElement(), caches.l1d()));
    }

    /**
     * Attention over a cache: BOTTOM_RIGHT causal (the last query sees every stored position), and for a ring
     * cache its sliding window.
     */
    static DecodeProblem validate(KvCache cache, Tensor q, Tensor out, float[] lse, float scale, int chunkKeys,
                                  CacheSizes caches) {
        return validate(cache, q, out, lse, scale, chunkKeys, caches, CausalAlignment.BOTTOM_RIGHT,
                cache.window() > 0 ? cache.window() - 1 : AttentionOptions.UNBOUNDED, AttentionOptions.UNBOUNDED);
    }

    /** Attention over a cache with the given causal alignment and windows (as {@link AttentionOptions} has them). */
    static DecodeProblem validate(KvCache cache, Tensor q, Tensor out, float[] lse, float scale, int chunkKeys,
                                  CacheSizes caches, CausalAlignment causal, int windowLeft, int windowRight) {
        require(cache != null, "cache must not be null");
        require(q != null, "q must not be null");
        require(q.batch() == cache.batch(), "q has batch=" + q.batch() + " but the cache has batch=" + cache.batch());
        require(q.dim() == cache.keyDim(), "q has Dk=" + q.dim() + " but the cache has Dk=" + cache.keyDim());
        require(q.heads() % cache.kvHeads() == 0, "Q heads Hq=" + q.heads()
                + " must be a multiple of the cache's K/V heads Hkv=" + cache.kvHeads());
        require(q.stride(Tensor.DIM) == 1 || q.dim() == 1, "q must have unit stride on its last dimension but has "
                + q.stride(Tensor.DIM));
        require(q.seq() <= cache.maxQueries(), "q has Sq=" + q.seq() + " queries but this ring cache supports at most"
                + " maxQueries=" + cache.maxQueries() + " per call");
        require(out != null, "out must not be null");
        int[] want = {q.batch(), q.heads(), q.seq(), cache.valueDim()};
        require(Arrays.equals(out.shape(), want), "out must have shape " + Arrays.toString(want)
                + " [B, Hq, Sq, Dv] but has " + Arrays.toString(out.shape()));
        require(out.stride(Tensor.DIM) == 1 || out.dim() == 1, "out must have unit stride on its last dimension");
        require(!out.mayOverlap(q), "out must not share its array with q");
        long rows = (long) q.batch() * q.heads() * q.seq();
        require(lse == null || lse.length == rows, "lse must have B*Hq*Sq=" + rows + " elements but has "
                + (lse == null ? 0 : lse.length));
        Tensor.checkedCount("partial outputs", Math.max(1, (int) Math.min(Integer.MAX_VALUE, rows)),
                Math.max(1, maxChunks(cache, q.seq(), chunkKeys)), 1, cache.valueDim());
        return new DecodeProblem(cache, q, out, lse, scale, chunkKeys, caches, causal, windowLeft, windowRight);
    }

    private static int maxChunks(KvCache cache, int sq, int chunkKeys) {
        long most = 0;
        int keys = sq <= DecodeAttention.MAX_SPLIT_QUERIES ? chunkKeys : Integer.MAX_VALUE;
        for (int len : cache.lengths()) {
            most = Math.max(most, (len + (long) keys - 1) / keys);
        }
        return (int) Math.min(Integer.MAX_VALUE, most);
    }

    /** The diagonal's offset in sequence {@code b}: query {@code i} is aligned with position {@code i + offset}. */
    private int offset(int b) {
        return causal == CausalAlignment.BOTTOM_RIGHT ? length[b] - sq : 0;
    }

    /** First position query {@code i} of sequence {@code b} sees (inclusive); may exceed {@link #hi}. */
    int lo(int b, int i) {
        if (windowLeft == AttentionOptions.UNBOUNDED) {
            return 0;
        }
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, (long) i + offset(b) - windowLeft));
    }

    /** Last position query {@code i} of sequence {@code b} sees (inclusive); may be < 0. */
    int hi(int b, int i) {
        long hi = length[b] - 1L, diagonal = (long) i + offset(b);
        if (causal != CausalAlignment.NONE) {
            hi = Math.min(hi, diagonal);
        } else if (windowRight != AttentionOptions.UNBOUNDED) {
            hi = Math.min(hi, diagonal + windowRight);
        }
        return (int) Math.max(-1, hi);
    }

    /** Index of row {@code (b, h, i)} in the dense LSE and in the partial buffers. */
    int row(int b, int h, int i) {
        return (b * heads + h) * sq + i;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
