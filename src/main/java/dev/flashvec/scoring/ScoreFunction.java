package dev.flashvec.scoring;

import dev.flashvec.attention.Attention;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.AttentionResult;
import dev.flashvec.gemm.Gemm;
import dev.flashvec.tensor.Tensor;

/**
 * A score function that the fused dot-product kernel computes after transforming its inputs: dot product,
 * scaled dot product, bilinear ({@code qᵀ·W·k = (qW)·k}) and cosine similarity with a temperature. Each
 * prepares Q, K and the options once (O(n·d) work) and leaves the O(Sq·Sk·d) part to {@link Attention}, so
 * every mask, causal alignment, window and key length works unchanged. (Additive attention does not factor
 * this way; see {@link AdditiveAttention}.)
 */
public interface ScoreFunction {
    /** What the fused kernel receives in place of the caller's Q, K and options. */
    record Prepared(Tensor q, Tensor k, AttentionOptions options) {}

    /** Transforms Q, K and the options; the returned tensors are new or the given ones, never modified. */
    Prepared prepare(Tensor q, Tensor k, AttentionOptions options);

    /** Runs attention with this score. */
    default AttentionResult forwardWithLse(Attention attention, Tensor q, Tensor k, Tensor v, AttentionOptions options) {
        if (attention == null) {
            throw new IllegalArgumentException("attention must not be null");
        }
        Prepared p = prepare(q, k, options);
        return attention.forwardWithLse(p.q(), p.k(), v, p.options());
    }

    /** {@code s = q·k} (scale 1; setting a scale in the options is an error). */
    static ScoreFunction dot() {
        return (q, k, o) -> new Prepared(q, k, ScoreOptions.withScale(o, 1f, "dot-product"));
    }

    /** {@code s = q·k / √Dk} or the options' scale: the fused kernel's own score, unchanged. */
    static ScoreFunction scaled() {
        return (q, k, o) -> new Prepared(q, k, ScoreOptions.requireNonNull(o));
    }

    /**
     * Luong's "general" score {@code s = qᵀ·W·k} with {@code W [Dq, Dk]} row-major, shared by all heads: Q is
     * replaced by {@code Q·W} (one SGEMM) and the kernel takes the dot product with K. Scale 1 unless the
     * options set one.
     */
    static ScoreFunction bilinear(float[] w, int dq, int dk) {
        return new BilinearScore(Gemm.create(), w, dq, dk);
    }

    /** As {@link #bilinear(float[], int, int)}, projecting on the given SGEMM. */
    static ScoreFunction bilinear(Gemm gemm, float[] w, int dq, int dk) {
        return new BilinearScore(gemm, w, dq, dk);
    }

    /**
     * Cosine similarity with temperature {@code τ}: {@code s = (q·k) / (|q|·|k|·τ)}, so {@code |s| ≤ 1/τ}. Q and K
     * rows are normalised (a zero row stays zero) and the scale is {@code 1/τ}; setting a scale is an error.
     */
    static ScoreFunction cosine(float temperature) {
        if (!(temperature > 0) || !Float.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and > 0 but was " + temperature);
        }
        return (q, k, o) -> new Prepared(RowNormalizer.normalize(q, "q"), RowNormalizer.normalize(k, "k"),
                ScoreOptions.withScale(o, 1f / temperature, "cosine"));
    }
}
