package dev.flashvec.scoring;

import dev.flashvec.attention.Attention;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.PairScoring;
import dev.flashvec.attention.AttentionResult;
import dev.flashvec.gemm.Gemm;
import dev.flashvec.gemm.Transpose;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.simd.Backend;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import java.util.Arrays;

/**
 * Additive (Bahdanau) attention, {@code score(i, j) = vᵀ·tanh(W_q·q_i + W_k·k_j)}, streamed like the fused
 * kernel: the projections {@code W_q·q} and {@code W_k·k} are computed once (O(n·da) memory, one SGEMM each),
 * then every query row walks the keys in tiles with an online softmax. Compute is O(Sq·Sk·da), memory O(n):
 * the score matrix is never allocated.
 *
 * <p>The score then follows docs/SEMANTICS.md exactly as a dot-product score would: multiplied by the
 * options' scale (default 1 here, as Bahdanau has no {@code 1/√d}), then every other option through
 * {@link PairScoring}, the fused kernel's own definition: softcap, position bias (ALiBi, relative), score
 * modifier, additive mask, and key lengths, causal masks, windows, boolean masks and mask predicates. Q, K and V have the usual shapes except
 * that Q and K may have different head dimensions ({@code Dq}, {@code Dk}); GQA/MQA head counts work as in
 * {@link Attention}. Immutable and thread-safe.
 */
public final class AdditiveAttention {
    private static final String VECTOR_KERNEL = "dev.flashvec.scoring.VectorAdditiveKernel";

    private final ComputePool pool;
    private final Gemm gemm;
    private final AdditiveKernel kernel;

    private AdditiveAttention(Backend backend, ComputePool pool) {
        this.pool = pool;
        this.gemm = Gemm.create(backend, pool);
        this.kernel = Simd.select(backend, AdditiveKernel.class, VECTOR_KERNEL, ScalarAdditiveKernel::new);
    }

    /** On this JVM's backend and the shared pool. */
    public static AdditiveAttention create() {
        return new AdditiveAttention(Simd.backend(), ComputePool.shared());
    }

    /** On the given backend and pool. */
    public static AdditiveAttention create(Backend backend, ComputePool pool) {
        if (backend == null || pool == null) {
            throw new IllegalArgumentException((backend == null ? "backend" : "pool") + " must not be null");
        }
        return new AdditiveAttention(backend, pool);
    }

    /** {@code O} ({@code [B, Hq, Sq, Dv]}, in Q's layout or BHSD) and the log-sum-exp of every row. */
    public AttentionResult forwardWithLse(Tensor q, Tensor k, Tensor v, AdditiveWeights w, AttentionOptions options) {
        if (q == null || k == null || v == null || w == null || options == null) {
            throw new IllegalArgumentException("q, k, v, weights and options must not be null");
        }
        if (q.dim() != w.queryDim()) {
            throw new IllegalArgumentException("q has Dq=" + q.dim() + " but additive wq is [" + w.hiddenDim() + ", "
                    + w.queryDim() + "]");
        }
        if (k.dim() != w.keyDim()) {
            throw new IllegalArgumentException("k has Dk=" + k.dim() + " but additive wk is [" + w.hiddenDim() + ", "
                    + w.keyDim() + "]");
        }
        Layout layout = q.layout() == null ? Layout.BHSD : q.layout();
        Tensor out = Tensor.zeros(layout, q.batch(), q.heads(), q.seq(), v.dim());
        float[] lse = new float[q.batch() * q.heads() * q.seq()];
        // Everything but the head dimensions is checked exactly as the fused kernel checks it, before any work,
        // on width-1 views of Q and K (their dims may differ here, and are checked above). Bahdanau's score has
        // no 1/sqrt(d) factor: scale 1 unless the caller sets one.
        AttentionOptions o = Float.isNaN(options.scale()) ? options.toBuilder().scale(1f).build() : options;
        PairScoring pairs = PairScoring.of(firstColumn(q), firstColumn(k), v, o, out, lse);
        int da = w.hiddenDim(), lanes = kernel.lanes();
        int padded = (da + lanes - 1) / lanes * lanes;
        Tensor qa = RowProjection.project(gemm, q, w.wq(), Transpose.YES, da, padded);
        Tensor ka = RowProjection.project(gemm, k, w.wk(), Transpose.YES, da, padded);
        float[] score = Arrays.copyOf(w.v(), padded); // zero weight on padding units: they add tanh(0)·0 = 0
        kernel.forward(new AdditiveProblem(qa, ka, v, score, padded, pairs, out, lse), pool);
        return new AttentionResult(out, lse);
    }

    private static Tensor firstColumn(Tensor t) {
        int[] strides = {t.stride(0), t.stride(1), t.stride(2), 1};
        return Tensor.view(t.array(), t.offset(), new int[] {t.batch(), t.heads(), t.seq(), 1}, strides);
    }
}
