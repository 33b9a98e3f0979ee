package dev.flashvec.scoring;

import dev.flashvec.attention.AttentionMask;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.tensor.Tensor;

/**
 * A validated additive-attention call as the kernels see it: the projected queries and keys (rows padded with
 * zeros to {@code paddedDim}, a multiple of the vector length, so kernels need no tail loop), the scoring
 * vector padded likewise, the values, the outputs and the options that decide which keys each row sees.
 */
final class AdditiveProblem {
    final Tensor qa, ka, v, out;
    final float[] score;
    final float[] lse;
    final int paddedDim;
    final int batch, heads, group, sq, sk, dv;
    final float scale, softcap;
    final AttentionMask mask;
    final CausalAlignment causal;
    final int windowLeft, windowRight;
    final int[] kvLen;

    AdditiveProblem(Tensor qa, Tensor ka, Tensor v, float[] score, int paddedDim, AttentionOptions o, Tensor out,
                    float[] lse) {
        this.qa = qa;
        this.ka = ka;
        this.v = v;
        this.out = out;
        this.score = score;
        this.lse = lse;
        this.paddedDim = paddedDim;
        this.batch = qa.batch();
        this.heads = qa.heads();
        this.group = qa.heads() / ka.heads();
        this.sq = qa.seq();
        this.sk = ka.seq();
        this.dv = v.dim();
        // Bahdanau's score has no 1/sqrt(d) factor: scale 1 unless the caller sets one.
        this.scale = Float.isNaN(o.scale()) ? 1f : o.scale();
        this.softcap = o.softcap();
        this.mask = o.mask();
        this.causal = o.causal();
        this.windowLeft = o.windowLeft();
        this.windowRight = o.windowRight();
        this.kvLen = new int[batch];
        for (int b = 0; b < batch; b++) {
            kvLen[b] = o.kvLength(b, sk);
        }
    }

    /** Causal/window offset of batch {@code b}, as in docs/SEMANTICS.md. */
    private long offset(int b) {
        return causal == CausalAlignment.BOTTOM_RIGHT ? (long) kvLen[b] - sq : 0;
    }

    /** First key query {@code i} may see by window (before the explicit mask). */
    int firstKey(int b, int i) {
        if (windowLeft == AttentionOptions.UNBOUNDED) {
            return 0;
        }
        return (int) Math.max(0, Math.min(i + offset(b) - windowLeft, Integer.MAX_VALUE));
    }

    /** Last key (inclusive) query {@code i} may see by key length, causal mask and window; may be < 0. */
    int lastKey(int b, int i) {
        long hi = kvLen[b] - 1L, diag = i + offset(b);
        if (causal != CausalAlignment.NONE) {
            hi = Math.min(hi, diag);
        } else if (windowRight != AttentionOptions.UNBOUNDED) {
            hi = Math.min(hi, diag + windowRight);
        }
        return (int) Math.max(-1, hi);
    }
}
