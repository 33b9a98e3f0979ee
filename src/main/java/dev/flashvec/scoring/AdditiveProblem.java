package dev.flashvec.scoring;

import dev.flashvec.attention.PairScoring;
import dev.flashvec.tensor.Tensor;

/**
 * A validated additive-attention call as the kernels see it: the projected queries and keys (rows padded with
 * zeros to {@code paddedDim}, a multiple of the vector length, so kernels need no tail loop), the scoring
 * vector padded likewise, the values, the outputs and the pair scoring that applies the options.
 */
final class AdditiveProblem {
    final Tensor qa, ka, v, out;
    final float[] score;
    final float[] lse;
    final int paddedDim;
    final int batch, heads, group, sq, dv;
    /** The key intervals and every option's effect on a pair's score, as the fused kernel applies them. */
    final PairScoring pairs;

    AdditiveProblem(Tensor qa, Tensor ka, Tensor v, float[] score, int paddedDim, PairScoring pairs, Tensor out,
                    float[] lse) {
        this.qa = qa;
        this.ka = ka;
        this.v = v;
        this.out = out;
        this.score = score;
        this.lse = lse;
        this.paddedDim = paddedDim;
        this.pairs = pairs;
        this.batch = qa.batch();
        this.heads = qa.heads();
        this.group = qa.heads() / ka.heads();
        this.sq = qa.seq();
        this.dv = v.dim();
    }
}
