package dev.flashvec.attention;

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
        kernel.forward(p, pool);
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
