package dev.flashvec.scoring;

import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.gemm.Gemm;
import dev.flashvec.gemm.Transpose;
import dev.flashvec.tensor.Tensor;

/** The bilinear score {@code qᵀ·W·k}, computed as {@code (q·W)·k}: one SGEMM over all query rows, then the fused kernel. */
final class BilinearScore implements ScoreFunction {
    private final Gemm gemm;
    private final float[] w;
    private final int dq, dk;

    BilinearScore(Gemm gemm, float[] w, int dq, int dk) {
        if (gemm == null) {
            throw new IllegalArgumentException("gemm must not be null");
        }
        if (dq < 1 || dk < 1) {
            throw new IllegalArgumentException("bilinear W must be at least 1×1 but is " + dq + "×" + dk);
        }
        if (w == null || w.length != (long) dq * dk) {
            throw new IllegalArgumentException("bilinear W must be [Dq, Dk] = [" + dq + ", " + dk + "] ("
                    + (long) dq * dk + " elements) but has " + (w == null ? "none (null)" : w.length + " elements"));
        }
        this.gemm = gemm;
        this.w = w;
        this.dq = dq;
        this.dk = dk;
    }

    @Override
    public Prepared prepare(Tensor q, Tensor k, AttentionOptions options) {
        if (q == null || k == null) {
            throw new IllegalArgumentException((q == null ? "q" : "k") + " must not be null");
        }
        if (q.dim() != dq) {
            throw new IllegalArgumentException("q has Dq=" + q.dim() + " but bilinear W is [" + dq + ", " + dk + "]");
        }
        if (k.dim() != dk) {
            throw new IllegalArgumentException("k has Dk=" + k.dim() + " but bilinear W is [" + dq + ", " + dk + "]");
        }
        AttentionOptions o = ScoreOptions.defaultScaleOne(options);
        return new Prepared(RowProjection.project(gemm, q, w, Transpose.NO, dk, dk), k, o);
    }
}
