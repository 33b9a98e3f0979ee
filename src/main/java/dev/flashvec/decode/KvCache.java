package dev.flashvec.decode;

import dev.flashvec.tensor.Tensor;
import java.util.Arrays;

/**
 * The keys and values of one attention layer for a batch of sequences, preallocated once and grown by
 * {@linkplain #append appending} positions; what {@link DecodeAttention} attends to.
 *
 * <p>Storage is {@code [B, Hkv, slots, D]} in the chosen {@link KvType}, each head's positions contiguous so
 * that decoding streams them. Each sequence of the batch has its own length (the number of positions appended
 * since it was last {@linkplain #reset reset}). Two modes:
 * <ul>
 *   <li><b>linear</b> ({@link Builder#capacity}): position {@code p} lives in slot {@code p}; appending past the
 *       capacity is an error.</li>
 *   <li><b>ring</b> ({@link Builder#slidingWindow}): attention is restricted to a sliding window of {@code W}
 *       positions (each query sees itself and the {@code W − 1} positions before it), so only the last
 *       {@code W + maxQueries − 1} positions are kept, position {@code p} in slot {@code p mod slots}; appending
 *       never fails for lack of room. A call may then attend with at most {@code maxQueries} queries.</li>
 * </ul>
 * Grouped-query layouts are those of SPEC: the cache holds {@code Hkv} heads; queries may have any multiple.
 * Every method checks its arguments before changing anything, so an invalid call leaves the cache as it was.
 *
 * <p>Not thread-safe: appends must not run concurrently with each other or with attention over the cache.
 */
public final class KvCache {
    /** Queries per attention call that a ring cache supports unless told otherwise (the decode kernel's range). */
    public static final int DEFAULT_MAX_QUERIES = 16;

    private final KvType type;
    private final int batch, kvHeads, keyDim, valueDim, slots, window, maxQueries;
    final KvStore keys, values;
    private final int[] lengths;
    /** For a cache over plain tensors ({@link #over}): the tensors it reads in place; null otherwise. */
    private final Tensor keyView, valueView;

    private KvCache(Builder b) {
        this.type = b.type;
        this.batch = b.batch;
        this.kvHeads = b.kvHeads;
        this.keyDim = b.keyDim;
        this.valueDim = b.valueDim;
        this.window = b.window;
        this.maxQueries = b.window > 0 ? b.maxQueries : Integer.MAX_VALUE;
        this.slots = b.window > 0 ? b.window + b.maxQueries - 1 : b.capacity;
        Tensor.checkedCount("key cache", batch, kvHeads, slots, keyDim);
        Tensor.checkedCount("value cache", batch, kvHeads, slots, valueDim);
        this.keys = new KvStore(type, batch * kvHeads * slots, keyDim, slots);
        this.values = new KvStore(type, batch * kvHeads * slots, valueDim, slots);
        this.lengths = new int[batch];
        this.keyView = null;
        this.valueView = null;
    }

    /**
     * A linear FP32 cache that reads {@code [B, Hkv, Sk, D]} tensors in place, in any layout with unit stride on
     * D, sequence {@code b} holding its first {@code lengths[b]} positions: lets attention over plain K/V run on
     * the decode kernel. Never appended to.
     */
    private KvCache(Tensor k, Tensor v, int[] lengths) {
        this.type = KvType.FP32;
        this.batch = k.batch();
        this.kvHeads = k.heads();
        this.keyDim = k.dim();
        this.valueDim = v.dim();
        this.window = 0;
        this.maxQueries = Integer.MAX_VALUE;
        this.slots = k.seq();
        this.keys = new KvStore(k.array(), 0, keyDim); // rows: addressed through keyIndex, never by row
        this.values = new KvStore(v.array(), 0, valueDim);
        this.lengths = lengths.clone();
        this.keyView = k;
        this.valueView = v;
    }

    /** {@link #KvCache(Tensor, Tensor, int[])}; K and V must be {@link #readable}, lengths at most Sk. */
    static KvCache over(Tensor k, Tensor v, int[] lengths) {
        return new KvCache(k, v, lengths);
    }

    /** Whether {@link #over} can read {@code t}: unit stride on D (or D = 1), so that each row is contiguous. */
    static boolean readable(Tensor t) {
        return t.stride(Tensor.DIM) == 1 || t.dim() == 1;
    }

    /** Index in {@code keys.f32} of the key row in slot {@code slot} of (sequence, KV head); FP32 only. */
    int keyIndex(int seq, int head, int slot) {
        return keyView != null ? keyView.index(seq, head, slot, 0) : ((seq * kvHeads + head) * slots + slot) * keyDim;
    }

    /** Distance in {@code keys.f32} between consecutive slots' key rows. */
    int keyStride() {
        return keyView != null ? keyView.stride(Tensor.SEQ) : keyDim;
    }

    /** Index in {@code values.f32} of the value row in slot {@code slot} of (sequence, KV head); FP32 only. */
    int valueIndex(int seq, int head, int slot) {
        return valueView != null ? valueView.index(seq, head, slot, 0)
                : ((seq * kvHeads + head) * slots + slot) * valueDim;
    }

    /** Distance in {@code values.f32} between consecutive slots' value rows. */
    int valueStride() {
        return valueView != null ? valueView.stride(Tensor.SEQ) : valueDim;
    }

    /** A builder; batch, kvHeads, the head dimension and either a capacity or a sliding window are required. */
    public static Builder builder() {
        return new Builder();
    }

    public KvType type() {
        return type;
    }

    /** Sequences in the batch ({@code B}). */
    public int batch() {
        return batch;
    }

    /** Key/value heads ({@code Hkv}). */
    public int kvHeads() {
        return kvHeads;
    }

    public int keyDim() {
        return keyDim;
    }

    public int valueDim() {
        return valueDim;
    }

    /** Positions stored per sequence and head: the capacity (linear) or {@code window + maxQueries − 1} (ring). */
    public int slots() {
        return slots;
    }

    /** True for a ring (sliding-window) cache. */
    public boolean isRing() {
        return window > 0;
    }

    /** The sliding window {@code W} of a ring cache, or 0 for a linear cache (no window). */
    public int window() {
        return window;
    }

    /** Most queries one attention call over this cache may have ({@code Integer.MAX_VALUE} for a linear cache). */
    public int maxQueries() {
        return maxQueries;
    }

    /** Positions appended to sequence {@code seq} since its last reset (a ring cache keeps only the last ones). */
    public int length(int seq) {
        checkSeq(seq);
        return lengths[seq];
    }

    /** The lengths of all sequences (a copy). */
    public int[] lengths() {
        return lengths.clone();
    }

    /** First position of sequence {@code seq} still stored (0 for a linear cache). */
    public int firstStored(int seq) {
        checkSeq(seq);
        return Math.max(0, lengths[seq] - slots);
    }

    /** Bytes of keys and values stored per position of one sequence (all heads; INT8 scales included). */
    public long bytesPerPosition() {
        return (long) kvHeads * (keys.rowBytes() + values.rowBytes());
    }

    /**
     * Appends {@code n} positions to every sequence: {@code k [B, Hkv, n, Dk]} and {@code v [B, Hkv, n, Dv]}
     * (any layout with unit last stride), rounded to this cache's type.
     */
    public void append(Tensor k, Tensor v) {
        checkBlock(k, v, batch);
        int n = k.seq();
        for (int b = 0; b < batch; b++) {
            checkRoom(b, n);
        }
        for (int b = 0; b < batch; b++) {
            write(b, k, v, b);
        }
    }

    /**
     * Appends {@code n} positions to sequence {@code seq} alone: {@code k [1, Hkv, n, Dk]} and
     * {@code v [1, Hkv, n, Dv]} (any layout with unit last stride).
     */
    public void append(int seq, Tensor k, Tensor v) {
        checkSeq(seq);
        checkBlock(k, v, 1);
        checkRoom(seq, k.seq());
        write(seq, k, v, 0);
    }

    /** Empties sequence {@code seq} (its length becomes 0; the storage is reused). */
    public void reset(int seq) {
        checkSeq(seq);
        lengths[seq] = 0;
        keys.forgetSpecials(seq * kvHeads, kvHeads);
        values.forgetSpecials(seq * kvHeads, kvHeads);
    }

    /** Empties every sequence. */
    public void clear() {
        Arrays.fill(lengths, 0);
        keys.forgetSpecials(0, batch * kvHeads);
        values.forgetSpecials(0, batch * kvHeads);
    }

    /** The stored key of {@code position} (sequence {@code seq}, head {@code head}) as fp32, into {@code dst[0..Dk)}. */
    public void readKey(int seq, int head, int position, float[] dst) {
        keys.read(row(seq, head, position, dst, keyDim), dst, 0);
    }

    /** The stored value of {@code position} as fp32, into {@code dst[0..Dv)}. */
    public void readValue(int seq, int head, int position, float[] dst) {
        values.read(row(seq, head, position, dst, valueDim), dst, 0);
    }

    /** Storage row of a position (trusted: the position is stored). */
    int rowOf(int seq, int head, int position) {
        return (seq * kvHeads + head) * slots + position % slots;
    }

    /** The FP32 keys as a {@code [B, Hkv, slots, Dk]} view (slot order), for the fused prefill path. */
    Tensor fp32Keys() {
        return view(keys.f32, keyDim);
    }

    /** The FP32 values as a {@code [B, Hkv, slots, Dv]} view. */
    Tensor fp32Values() {
        return view(values.f32, valueDim);
    }

    private Tensor view(float[] a, int dim) {
        return Tensor.view(a, 0, new int[] {batch, kvHeads, slots, dim},
                new int[] {kvHeads * slots * dim, slots * dim, dim, 1});
    }

    private int row(int seq, int head, int position, float[] dst, int dim) {
        checkSeq(seq);
        if (head < 0 || head >= kvHeads) {
            throw new IllegalArgumentException("head must be in [0, " + kvHeads + ") but was " + head);
        }
        int first = Math.max(0, lengths[seq] - slots);
        if (position < first || position >= lengths[seq]) {
            throw new IllegalArgumentException("position must be in [" + first + ", " + lengths[seq]
                    + ") (the positions sequence " + seq + " stores) but was " + position);
        }
        if (dst == null || dst.length < dim) {
            throw new IllegalArgumentException("dst must have at least " + dim + " elements but has "
                    + (dst == null ? "none (null)" : dst.length));
        }
        return rowOf(seq, head, position);
    }

    private void write(int seq, Tensor k, Tensor v, int srcBatch) {
        int n = k.seq(), len = lengths[seq];
        // In a ring, positions that the same block overwrites again are never written.
        int skip = Math.max(0, n - slots);
        for (int h = 0; h < kvHeads; h++) {
            for (int t = skip; t < n; t++) {
                int row = rowOf(seq, h, len + t);
                keys.write(row, k.array(), k.index(srcBatch, h, t, 0));
                values.write(row, v.array(), v.index(srcBatch, h, t, 0));
            }
        }
        lengths[seq] = len + n;
    }

    private void checkSeq(int seq) {
        if (seq < 0 || seq >= batch) {
            throw new IllegalArgumentException("seq must be in [0, " + batch + ") but was " + seq);
        }
    }

    private void checkBlock(Tensor k, Tensor v, int wantBatch) {
        if (k == null || v == null) {
            throw new IllegalArgumentException((k == null ? "k" : "v") + " must not be null");
        }
        require(k.batch() == wantBatch, "k has batch=" + k.batch() + " but " + wantBatch + " was expected"
                + (wantBatch == 1 ? " (one sequence)" : " (the cache's batch)"));
        require(v.batch() == wantBatch, "v has batch=" + v.batch() + " but " + wantBatch + " was expected"
                + (wantBatch == 1 ? " (one sequence)" : " (the cache's batch)"));
        require(k.heads() == kvHeads, "k has Hkv=" + k.heads() + " but the cache has Hkv=" + kvHeads);
        require(v.heads() == kvHeads, "v has Hkv=" + v.heads() + " but the cache has Hkv=" + kvHeads);
        require(k.dim() == keyDim, "k has Dk=" + k.dim() + " but the cache has Dk=" + keyDim);
        require(v.dim() == valueDim, "v has Dv=" + v.dim() + " but the cache has Dv=" + valueDim);
        require(v.seq() == k.seq(), "v has " + v.seq() + " positions but k has " + k.seq());
        require(k.stride(Tensor.DIM) == 1 || k.dim() == 1, "k must have unit stride on its last dimension but has "
                + k.stride(Tensor.DIM));
        require(v.stride(Tensor.DIM) == 1 || v.dim() == 1, "v must have unit stride on its last dimension but has "
                + v.stride(Tensor.DIM));
    }

    private void checkRoom(int seq, int n) {
        long end = (long) lengths[seq] + n;
        if (window == 0) {
            require(end <= slots, "appending " + n + " positions to sequence " + seq + " of length " + lengths[seq]
                    + " needs capacity " + end + " but the cache has capacity " + slots);
        } else {
            require(end <= Integer.MAX_VALUE, "appending " + n + " positions to sequence " + seq + " of length "
                    + lengths[seq] + " overflows the position counter; reset the sequence");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Collects a cache's sizes, type and mode; each setter checks its own argument. */
    public static final class Builder {
        private KvType type = KvType.FP32;
        private int batch = 1, kvHeads, keyDim, valueDim, capacity, window, maxQueries = DEFAULT_MAX_QUERIES;

        private Builder() {}

        /** Storage type (default FP32). */
        public Builder type(KvType type) {
            if (type == null) {
                throw new IllegalArgumentException("type must not be null");
            }
            this.type = type;
            return this;
        }

        /** Sequences in the batch (default 1). */
        public Builder batch(int batch) {
            this.batch = positive("batch", batch);
            return this;
        }

        /** Key/value heads. */
        public Builder kvHeads(int kvHeads) {
            this.kvHeads = positive("kvHeads", kvHeads);
            return this;
        }

        /** Head dimension of keys and of values. */
        public Builder headDim(int dim) {
            this.keyDim = positive("headDim", dim);
            this.valueDim = dim;
            return this;
        }

        /** Value head dimension, when it differs from the key's (set after {@link #headDim}). */
        public Builder valueDim(int dim) {
            this.valueDim = positive("valueDim", dim);
            return this;
        }

        /** A linear cache holding up to {@code capacity} positions per sequence. */
        public Builder capacity(int capacity) {
            this.capacity = positive("capacity", capacity);
            return this;
        }

        /** A ring cache for a sliding window of {@code window} positions (each query sees at most that many). */
        public Builder slidingWindow(int window) {
            this.window = positive("window", window);
            return this;
        }

        /** Most queries per attention call over a ring cache (default {@value #DEFAULT_MAX_QUERIES}). */
        public Builder maxQueries(int maxQueries) {
            this.maxQueries = positive("maxQueries", maxQueries);
            return this;
        }

        public KvCache build() {
            require(kvHeads > 0, "kvHeads must be set");
            require(keyDim > 0, "headDim must be set");
            require((capacity > 0) != (window > 0), capacity > 0
                    ? "set either capacity (linear cache) or slidingWindow (ring cache), not both"
                    : "set capacity (linear cache) or slidingWindow (ring cache)");
            require(window == 0 || (long) window + maxQueries - 1 <= Integer.MAX_VALUE,
                    "window + maxQueries - 1 must fit in an int but window=" + window + ", maxQueries=" + maxQueries);
            return new KvCache(this);
        }

        private static int positive(String name, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be >= 1 but was " + value);
            }
            return value;
        }
    }
}
