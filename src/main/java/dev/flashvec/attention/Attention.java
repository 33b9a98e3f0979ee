package dev.flashvec.attention;

import dev.flashvec.decode.DecodeAttention;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.simd.Backend;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;

/**
 * Fused (FlashAttention-style) scaled dot-product attention: the public entry point.
 *
 * <p>For each (batch, head, block of queries) the keys and values are streamed in tiles through a
 * numerically stable online softmax, so no {@code Sq × Sk} score matrix is ever allocated. Tiles that the
 * causal mask, sliding window or key lengths disallow completely are skipped. Work is spread over the
 * {@link ComputePool}; results are bit-identical for any number of threads. Every argument is checked
 * before any work; invalid input raises {@link IllegalArgumentException} and leaves outputs untouched.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class Attention {
    private static final String VECTOR_KERNEL = "dev.flashvec.attention.VectorFlashAttention";

    private final Backend backend;
    private final ComputePool pool;
    private final AttentionKernel kernel;
    private volatile DecodeAttention decode;

    private Attention(Backend backend, ComputePool pool) {
        this.backend = backend;
        this.pool = pool;
        this.kernel = Simd.select(backend, AttentionKernel.class, VECTOR_KERNEL, ScalarFlashAttention::new);
    }

    /** Attention on the JVM's default backend ({@link Simd#backend()}) and the shared pool. */
    public static Attention create() {
        return new Attention(Simd.backend(), ComputePool.shared());
    }

    /** Attention on the given backend and pool. */
    public static Attention create(Backend backend, ComputePool pool) {
        if (pool == null) {
            throw new IllegalArgumentException("pool must not be null");
        }
        return new Attention(backend, pool);
    }

    /** The backend computing this instance's results. */
    public Backend backend() {
        return backend;
    }

    /** The pool this instance computes on. */
    public ComputePool pool() {
        return pool;
    }

    /** {@code O = attention(Q, K, V)}; O is new, in Q's layout (BHSD if Q is a strided view of another kind). */
    public Tensor forward(Tensor q, Tensor k, Tensor v, AttentionOptions options) {
        Tensor out = newOutput(q, v);
        forward(q, k, v, options, out, null);
        return out;
    }

    /** {@code O} and the log-sum-exp of every query row; O in Q's layout. */
    public AttentionResult forwardWithLse(Tensor q, Tensor k, Tensor v, AttentionOptions options) {
        Tensor out = newOutput(q, v);
        float[] lse = new float[(int) Math.min(Integer.MAX_VALUE, (long) q.batch() * q.heads() * q.seq())];
        forward(q, k, v, options, out, lse);
        return new AttentionResult(out, lse);
    }

    /**
     * Writes {@code O} into {@code out} ({@code [B, Hq, Sq, Dv]}, any layout with unit last stride) and,
     * if {@code lse} is not null, the log-sum-exp of row {@code (b, h, i)} into {@code lse[(b·Hq + h)·Sq + i]}.
     */
    public void forward(Tensor q, Tensor k, Tensor v, AttentionOptions options, Tensor out, float[] lse) {
        AttentionProblem p = AttentionProblem.validate(q, k, v, options, out, lse);
        if (fewQueries(p)) {
            decode().forward(q, k, v, options, out, lse);
        } else {
            kernel.forward(p, pool);
        }
    }

    /**
     * Few queries with plain options, up to the fused kernel's {@link AttentionKernel#fewQueryLimit}, go to the
     * decode kernel (lanes over D, keys split across threads). The choice must not depend on the thread count:
     * the two kernels round differently, and results are bit-identical for any number of threads.
     */
    private boolean fewQueries(AttentionProblem p) {
        return p.sq <= kernel.fewQueryLimit() && p.mask == null && p.maskMod == null && !p.modifiesScores
                && !(p.softcap > 0f) && DecodeAttention.canRead(p.k, p.v);
    }

    /** Created on first use: a DecodeAttention holds an Attention of its own for chunked prefill. */
    private DecodeAttention decode() {
        DecodeAttention d = decode;
        if (d == null) {
            d = DecodeAttention.create(backend, pool);
            decode = d; // a benign race: instances are interchangeable
        }
        return d;
    }

    /**
     * The attention weights (softmax probabilities) of query rows {@code [from, to)} of batch {@code b}, head
     * {@code h}, as a row-major {@code [to − from, Sk]} array, recomputed from {@code lse} (as returned by
     * {@link #forwardWithLse} for the same inputs and options). Only the chosen rows are computed, in
     * O(rows·Sk·Dk); the forward pass itself stays fused. A fully masked row is all zeros.
     */
    public float[] explain(Tensor q, Tensor k, Tensor v, AttentionOptions options, float[] lse, int b, int h,
                           int from, int to) {
        AttentionProblem p = AttentionProblem.forInputs(q, k, v, options);
        long rows = (long) p.batch * p.heads * p.sq;
        require(lse != null && lse.length == rows, "lse must have B*Hq*Sq=" + rows + " elements but has "
                + (lse == null ? "none" : lse.length));
        require(b >= 0 && b < p.batch, "batch must be in [0, " + p.batch + ") but was " + b);
        require(h >= 0 && h < p.heads, "head must be in [0, " + p.heads + ") but was " + h);
        require(from >= 0 && from <= to && to <= p.sq, "query rows [from, to) must satisfy 0 <= from <= to <= Sq="
                + p.sq + " but were [" + from + ", " + to + ")");
        require((long) (to - from) * p.sk <= Integer.MAX_VALUE - 8, "explain output of " + (to - from) + " x " + p.sk
                + " weights does not fit an array: ask for fewer rows");
        return AttentionExplain.probabilities(p, lse, b, h, from, to);
    }

    /** {@link #explain(Tensor, Tensor, Tensor, AttentionOptions, float[], int, int, int, int)} after a forward pass. */
    public float[] explain(Tensor q, Tensor k, Tensor v, AttentionOptions options, int b, int h, int from, int to) {
        return explain(q, k, v, options, forwardWithLse(q, k, v, options).lse(), b, h, from, to);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Checks Q, K, V and options against each other exactly as every entry point does, throwing
     * IllegalArgumentException naming the offending argument; for other implementations (such as the
     * reference) that must accept exactly the same calls.
     */
    public static void checkInputs(Tensor q, Tensor k, Tensor v, AttentionOptions options) {
        AttentionProblem.validateInputs(q, k, v, options);
    }

    private static Tensor newOutput(Tensor q, Tensor v) {
        if (q == null || v == null) {
            throw new IllegalArgumentException((q == null ? "q" : "v") + " must not be null");
        }
        Layout layout = q.layout() == null ? Layout.BHSD : q.layout();
        return Tensor.zeros(layout, q.batch(), q.heads(), q.seq(), v.dim());
    }
}
