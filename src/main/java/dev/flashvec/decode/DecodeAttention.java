package dev.flashvec.decode;

import dev.flashvec.attention.Attention;
import dev.flashvec.attention.AttentionMerge;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.AttentionResult;
import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.simd.Backend;
import dev.flashvec.simd.CacheSizes;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;

/**
 * Attention of new queries against a {@link KvCache}: split-K ("flash-decoding") for token-by-token decoding,
 * and chunked prefill for blocks of queries.
 *
 * <p>The queries {@code Q [B, Hq, Sq, Dk]} are the last {@code Sq} positions of each sequence (already
 * appended to the cache), so causal masking uses BOTTOM_RIGHT alignment: query {@code i} of sequence {@code b}
 * sees positions {@code ≤ length(b) − Sq + i}, and on a ring cache only the {@code W} positions ending there.
 * Scale is {@code 1/sqrt(Dk)} unless set with {@link #withScale}.
 *
 * <p>For {@code Sq ≤} {@value #MAX_SPLIT_QUERIES} each sequence's keys are cut into chunks of
 * {@link #chunkKeys()} positions, processed in parallel (one task per chunk and KV head; the GQA group's query
 * heads share each K/V read) and combined with {@link AttentionMerge#mergeRow} in chunk order, so results are
 * bit-identical for any thread count. Larger blocks (chunked prefill) on a linear cache go to the fused
 * {@link Attention} kernel over the cache's storage (an fp32 view, or the stored rows widened once per call);
 * on a ring cache they run the decode kernel in row blocks without splitting keys. The decode kernel widens
 * reduced-precision tiles to fp32 in small sub-blocks just before it reads them.
 *
 * <p>Immutable and safe to share between threads (per-thread buffers are reused, so steady-state decoding
 * allocates almost nothing).
 */
public final class DecodeAttention {
    /** Up to this many queries per call, keys are split into chunks for parallelism. */
    public static final int MAX_SPLIT_QUERIES = 16;
    /** Default positions per chunk: enough work per task to amortize its partial result and merge. */
    public static final int DEFAULT_CHUNK_KEYS = 512;
    private static final String VECTOR_KERNEL = "dev.flashvec.decode.VectorDecodeKernel";

    private final Backend backend;
    private final ComputePool pool;
    private final DecodeKernel kernel;
    private final Attention fused;
    private final int chunkKeys;
    private final float scale;
    private final CacheSizes caches;
    private final ThreadLocal<DecodeKernel.Scratch> scratch = ThreadLocal.withInitial(DecodeKernel.Scratch::new);
    private final ThreadLocal<float[][]> partials = ThreadLocal.withInitial(() -> new float[][] {new float[0],
        new float[0]});

    private DecodeAttention(Backend backend, ComputePool pool, int chunkKeys, float scale, CacheSizes caches) {
        this.backend = backend;
        this.pool = pool;
        this.kernel = Simd.select(backend, DecodeKernel.class, VECTOR_KERNEL, ScalarDecodeKernel::new);
        this.fused = Attention.create(backend, pool);
        this.chunkKeys = chunkKeys;
        this.scale = scale;
        this.caches = caches;
    }

    /** Decode attention on the JVM's default backend and the shared pool. */
    public static DecodeAttention create() {
        return new DecodeAttention(Simd.backend(), ComputePool.shared(), DEFAULT_CHUNK_KEYS, Float.NaN,
                CacheSizes.detected());
    }

    /** Decode attention on the given backend and pool. */
    public static DecodeAttention create(Backend backend, ComputePool pool) {
        if (pool == null) {
            throw new IllegalArgumentException("pool must not be null");
        }
        return new DecodeAttention(backend, pool, DEFAULT_CHUNK_KEYS, Float.NaN, CacheSizes.detected());
    }

    /** The same with {@code chunkKeys} positions per split-K chunk (results change within rounding only). */
    public DecodeAttention withChunkKeys(int chunkKeys) {
        if (chunkKeys < 1) {
            throw new IllegalArgumentException("chunkKeys must be >= 1 but was " + chunkKeys);
        }
        return new DecodeAttention(backend, pool, chunkKeys, scale, caches);
    }

    /**
     * The same with tiles sized for these caches instead of the detected ones (speed only: results change
     * within rounding). Tests use tiny caches to put tile and sub-block boundaries into small problems.
     */
    public DecodeAttention withCacheSizes(CacheSizes caches) {
        if (caches == null || caches.l1d() < 1 || caches.l2() < 1) {
            throw new IllegalArgumentException("caches must be non-null with positive L1d and L2 sizes but was "
                    + caches);
        }
        return new DecodeAttention(backend, pool, chunkKeys, scale, caches);
    }

    /** The same with a fixed score scale instead of {@code 1/sqrt(Dk)}. */
    public DecodeAttention withScale(float scale) {
        if (!Float.isFinite(scale)) {
            throw new IllegalArgumentException("scale must be finite but was " + scale);
        }
        return new DecodeAttention(backend, pool, chunkKeys, scale, caches);
    }

    public Backend backend() {
        return backend;
    }

    public ComputePool pool() {
        return pool;
    }

    /** Positions per split-K chunk. */
    public int chunkKeys() {
        return chunkKeys;
    }

    /** {@code O} (BHSD, new) and the LSE of every query row. */
    public AttentionResult forward(KvCache cache, Tensor q) {
        if (q == null || cache == null) {
            throw new IllegalArgumentException((q == null ? "q" : "cache") + " must not be null");
        }
        Tensor out = Tensor.zeros(Layout.BHSD, q.batch(), q.heads(), q.seq(), cache.valueDim());
        float[] lse = new float[q.batch() * q.heads() * q.seq()];
        forward(cache, q, out, lse);
        return new AttentionResult(out, lse);
    }

    /**
     * Writes {@code O} into {@code out} ({@code [B, Hq, Sq, Dv]}, unit last stride) and, if not null, the LSE of
     * row {@code (b, h, i)} into {@code lse[(b·Hq + h)·Sq + i]}. Rows that see no position get 0 and {@code -inf}.
     */
    public void forward(KvCache cache, Tensor q, Tensor out, float[] lse) {
        float s = Float.isNaN(scale) && q != null ? (float) (1.0 / Math.sqrt(q.dim())) : scale;
        DecodeProblem p = DecodeProblem.validate(cache, q, out, lse, s, chunkKeys, caches);
        if (!cache.isRing() && p.sq > MAX_SPLIT_QUERIES) {
            AttentionOptions o = AttentionOptions.builder().scale(s).causal(CausalAlignment.BOTTOM_RIGHT)
                    .kvLengths(p.length).build();
            boolean fp32 = cache.type() == KvType.FP32;
            Tensor k = fp32 ? cache.fp32Keys() : widened(cache.keys, cache, cache.keyDim());
            Tensor v = fp32 ? cache.fp32Values() : widened(cache.values, cache, cache.valueDim());
            fused.forward(q, k, v, o, out, lse);
            return;
        }
        run(p);
    }

    /**
     * Attention of a few queries over plain K/V tensors on this class's split-K kernel, with SIMD lanes over the
     * head dimension: what {@link Attention} runs when {@code Sq ≤ }{@link #MAX_SPLIT_QUERIES} and the options
     * set no mask, mask predicate, position bias, score modifier or softcap, where its fused kernel's blocks of
     * 4·VL queries would be mostly padding. The options' scale, causal alignment, windows and key lengths apply
     * as there. K and V are read in place, in any layout with unit stride on D ({@link #canRead}). Shapes are
     * checked as by {@link Attention#forward(Tensor, Tensor, Tensor, AttentionOptions, Tensor, float[])}; any
     * number of queries is accepted, but beyond 16 the fused kernel is the faster one.
     */
    public void forward(Tensor q, Tensor k, Tensor v, AttentionOptions options, Tensor out, float[] lse) {
        require(options != null, "options must not be null (use AttentionOptions.defaults())");
        require(options.mask() == null && options.maskMod() == null && options.positionBias() == null
                && options.scoreMod() == null && !(options.softcap() > 0f), "options must set no mask, mask"
                + " predicate, position bias, score modifier or softcap for the decode kernel (use Attention) but"
                + " were " + options);
        require(q != null && k != null && v != null, "q, k and v must not be null");
        require(canRead(k, v), "k and v must have unit stride on their last dimension but have "
                + k.stride(Tensor.DIM) + " and " + v.stride(Tensor.DIM));
        require(k.batch() == q.batch(), "K has batch=" + k.batch() + " but Q has batch=" + q.batch());
        require(v.batch() == q.batch(), "V has batch=" + v.batch() + " but Q has batch=" + q.batch());
        require(v.heads() == k.heads(), "V has Hkv=" + v.heads() + " but K has Hkv=" + k.heads());
        require(v.seq() == k.seq(), "V has Sk=" + v.seq() + " but K has Sk=" + k.seq());
        require(out == null || !out.mayOverlap(k) && !out.mayOverlap(v), "out must not share its array with k or v");
        int[] lengths = new int[k.batch()];
        for (int b = 0; b < lengths.length; b++) {
            lengths[b] = options.kvLength(b, k.seq());
            require(lengths[b] >= 0 && lengths[b] <= k.seq(), "kvLengths[" + b + "] must be in [0, Sk=" + k.seq()
                    + "] but was " + lengths[b]);
        }
        DecodeProblem p = DecodeProblem.validate(KvCache.over(k, v, lengths), q, out, lse,
                options.scaleFor(q.dim()), chunkKeys, caches, options.causal(), options.windowLeft(),
                options.windowRight());
        run(p);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Whether {@link #forward(Tensor, Tensor, Tensor, AttentionOptions, Tensor, float[])} can read K and V. */
    public static boolean canRead(Tensor k, Tensor v) {
        return KvCache.readable(k) && KvCache.readable(v);
    }

    /**
     * A reduced-precision store's stored rows widened to fp32 as a {@code [B, Hkv, slots, dim]} tensor (slots
     * past a sequence's length stay 0 and are never read). Chunked prefill spends O(Sk·D) memory on this once
     * per call so that the fused kernel, which reuses every K/V tile for a whole query block, does the work:
     * widening tile by tile in the decode kernel repeats the widening for every row block (3× slower at 512
     * queries against 8192 fp16 keys).
     */
    private Tensor widened(KvStore store, KvCache cache, int dim) {
        int slots = cache.slots();
        float[] a = new float[Math.multiplyExact(store.rows, dim)];
        for (int b = 0; b < cache.batch(); b++) {
            for (int h = 0; h < cache.kvHeads(); h++) {
                int row0 = (b * cache.kvHeads() + h) * slots;
                kernel.convert(store, row0, cache.length(b), a, row0 * dim);
            }
        }
        return Tensor.view(a, 0, new int[] {cache.batch(), cache.kvHeads(), slots, dim},
                new int[] {cache.kvHeads() * slots * dim, slots * dim, dim, 1});
    }

    private void run(DecodeProblem p) {
        int rows = p.batch * p.heads * p.sq;
        float[][] buffers = partials.get();
        int need = rows * Math.max(1, p.maxChunks);
        if (buffers[1].length < need) {
            buffers[0] = new float[need * p.dv];
            buffers[1] = new float[need];
        } else if (buffers[0].length < need * p.dv) {
            buffers[0] = new float[need * p.dv];
        }
        float[] partOut = buffers[0], partLse = buffers[1];
        int perKvHead = p.queryBlocks;
        pool.parallelFor(p.taskStart[p.batch], () -> scratch.get().fit(p.group * p.queriesPerBlock, p.dk, p.dv,
                p.tileKeys, p.subBlockKeys),
                (s, t) -> {
                    int b = 0;
                    while (t >= p.taskStart[b + 1]) {
                        b++;
                    }
                    int local = t - p.taskStart[b];
                    int c = local % p.chunks[b];
                    int rest = local / p.chunks[b];
                    int qb = rest % perKvHead, kvh = rest / perKvHead;
                    int i0 = qb * p.queriesPerBlock, nq = Math.min(p.queriesPerBlock, p.sq - i0);
                    int pos0 = p.first[b] + (int) Math.min((long) c * p.chunkKeys, p.end[b] - p.first[b]);
                    int pos1 = p.first[b] + (int) Math.min((c + 1L) * p.chunkKeys, p.end[b] - p.first[b]);
                    kernel.chunk(p, s, b, kvh, i0, nq, pos0, pos1, c, partOut, partLse);
                });
        float[] oa = p.out.array();
        pool.parallelFor(p.batch * p.heads, bh -> {
            int b = bh / p.heads, h = bh % p.heads;
            for (int i = 0; i < p.sq; i++) {
                int row = p.row(b, h, i);
                float l = AttentionMerge.mergeRow(partOut, row * p.maxChunks * p.dv, p.dv, partLse,
                        row * p.maxChunks, 1, p.chunks[b], p.dv, oa, p.out.index(b, h, i, 0));
                if (p.lse != null) {
                    p.lse[row] = l;
                }
            }
        });
    }
}
