package dev.flashvec.scoring;

import dev.flashvec.parallel.ComputePool;
import java.util.Arrays;

/**
 * The streaming additive-attention forward pass, shared by the vector and scalar twins: per query row, keys in
 * tiles of {@value #KEY_TILE} with an online softmax, so memory is O(tile·da) per worker and the
 * {@code Sq × Sk} score matrix never exists. Subclasses supply the two inner loops that cost
 * O(tile·da) and O(tile·Dv): scoring a tile of keys and adding a tile of weighted values.
 */
abstract class AdditiveKernel {
    /** Keys per tile: the granularity of the running max. A multiple of every vector length. */
    static final int KEY_TILE = 64;
    /** Query rows per parallel task. */
    static final int ROW_BLOCK = 16;

    /** Per-worker buffers. */
    static final class Scratch {
        final float[] hidden, tmp, scores = new float[KEY_TILE], acc;
        /** One vector's lanes, for reductions in a fixed order (512 bits = 16 floats at most). */
        final float[] lanes = new float[16];

        Scratch(int paddedDim, int dv) {
            hidden = new float[KEY_TILE * paddedDim];
            tmp = new float[KEY_TILE * paddedDim];
            acc = new float[dv];
        }
    }

    /** Lanes of this kernel's vectors (1 for scalar): projected rows are padded to a multiple of it. */
    abstract int lanes();

    /**
     * {@code scores[t] = Σ_a v[a]·tanh(q[qOff + a] + k[kOff + t·kStride + a])} for {@code t < n}, over
     * {@code paddedDim} hidden units (the padding has {@code v[a] = 0}).
     */
    abstract void scoreTile(float[] q, int qOff, float[] k, int kOff, int kStride, int n, float[] v, int paddedDim,
                            Scratch s);

    /** {@code acc[d] += Σ_t p[t]·val[vOff + t·vStride + d]} for {@code t < n}, {@code d < dv}. */
    abstract void accumulate(float[] p, int n, float[] val, int vOff, int vStride, int dv, float[] acc);

    final void forward(AdditiveProblem p, ComputePool pool) {
        int blocks = (p.sq + ROW_BLOCK - 1) / ROW_BLOCK;
        pool.parallelFor(p.batch * p.heads * blocks, () -> new Scratch(p.paddedDim, p.dv), (s, t) -> {
            int bh = t / blocks, b = bh / p.heads, h = bh % p.heads;
            int end = Math.min(p.sq, (t % blocks + 1) * ROW_BLOCK);
            for (int i = (t % blocks) * ROW_BLOCK; i < end; i++) {
                row(p, s, b, h, i);
            }
        });
    }

    private void row(AdditiveProblem p, Scratch s, int b, int h, int i) {
        int kvh = h / p.group;
        int lo = p.pairs.firstKey(b, i), hi = p.pairs.lastKey(b, i);
        float[] acc = s.acc, sc = s.scores;
        Arrays.fill(acc, 0f);
        float m = Float.NEGATIVE_INFINITY, l = 0f;
        int qOff = p.qa.index(b, h, i, 0);
        int kStride = p.ka.stride(2), vStride = p.v.stride(2);
        for (int j0 = lo; j0 <= hi; j0 += KEY_TILE) {
            int n = Math.min(KEY_TILE, hi - j0 + 1);
            scoreTile(p.qa.array(), qOff, p.ka.array(), p.ka.index(b, kvh, j0, 0), kStride, n, p.score, p.paddedDim, s);
            float tileMax = Float.NEGATIVE_INFINITY;
            for (int t = 0; t < n; t++) {
                float x = p.pairs.score(b, h, i, j0 + t, sc[t]);
                sc[t] = x;
                tileMax = Math.max(tileMax, x);
            }
            float mNew = Math.max(m, tileMax);
            if (mNew == Float.NEGATIVE_INFINITY) {
                continue; // every key so far disallowed
            }
            float alpha = (float) Math.exp(m - mNew);
            float sum = 0f;
            for (int t = 0; t < n; t++) {
                sc[t] = (float) Math.exp(sc[t] - mNew);
                sum += sc[t];
            }
            for (int d = 0; d < p.dv; d++) {
                acc[d] *= alpha;
            }
            accumulate(sc, n, p.v.array(), p.v.index(b, kvh, j0, 0), vStride, p.dv, acc);
            l = l * alpha + sum;
            m = mNew;
        }
        int oOff = p.out.index(b, h, i, 0);
        boolean empty = m == Float.NEGATIVE_INFINITY;
        float[] o = p.out.array();
        for (int d = 0; d < p.dv; d++) {
            o[oOff + d] = empty ? 0f : acc[d] / l;
        }
        if (p.lse != null) {
            p.lse[(b * p.heads + h) * p.sq + i] = empty ? Float.NEGATIVE_INFINITY : m + (float) Math.log(l);
        }
    }
}
