package dev.flashvec.attention;

import dev.flashvec.parallel.ComputePool;
import dev.flashvec.tensor.Tensor;

/**
 * The scalar twin of the vector flash kernel: the same tiled online softmax in plain Java loops, one query
 * row at a time. Runs when the Vector API is unavailable and serves as a second opinion in tests.
 */
final class ScalarFlashAttention implements AttentionKernel {
    /** Keys per tile: the granularity at which the running max is updated and the accumulator rescaled. */
    static final int KEY_TILE = 64;
    /** Query rows per parallel task. */
    static final int ROW_BLOCK = 32;

    /** Per-worker buffers, reused across tasks. */
    private static final class Scratch {
        final float[] scores = new float[KEY_TILE];
        final float[] acc;

        Scratch(int dv) {
            acc = new float[dv];
        }
    }

    @Override
    public void forward(AttentionProblem p, ComputePool pool) {
        int blocks = (p.sq + ROW_BLOCK - 1) / ROW_BLOCK;
        int tasks = p.batch * p.heads * blocks;
        pool.parallelFor(tasks, () -> new Scratch(p.dv), (s, t) -> {
            int blk = t % blocks;
            int bh = t / blocks;
            int b = bh / p.heads, h = bh % p.heads;
            int end = Math.min(p.sq, (blk + 1) * ROW_BLOCK);
            for (int i = blk * ROW_BLOCK; i < end; i++) {
                row(p, s, b, h, i);
            }
        });
    }

    private static void row(AttentionProblem p, Scratch s, int b, int h, int i) {
        Tensor q = p.q, k = p.k, v = p.v;
        int kvh = h / p.group;
        float[] qa = q.array(), ka = k.array(), va = v.array(), oa = p.out.array();
        int qBase = q.index(b, h, i, 0);
        int lo = p.firstKey(b, i), hi = p.lastKey(b, i);
        float[] acc = s.acc, sc = s.scores;
        java.util.Arrays.fill(acc, 0f);
        float m = Float.NEGATIVE_INFINITY, l = 0f;
        for (int j0 = lo; j0 <= hi; j0 += KEY_TILE) {
            int n = Math.min(KEY_TILE, hi - j0 + 1);
            // The same tile classification as the vector kernel, on a one-row rectangle.
            TileClass tile = p.maskMod == null ? TileClass.FULL : p.maskMod.classify(b, h, i, i + 1, j0, j0 + n);
            if (tile == TileClass.EMPTY) {
                continue;
            }
            float tileMax = Float.NEGATIVE_INFINITY;
            for (int jj = 0; jj < n; jj++) {
                int kBase = k.index(b, kvh, j0 + jj, 0);
                float dot = 0f;
                for (int d = 0; d < p.dk; d++) {
                    dot += qa[qBase + d] * ka[kBase + d];
                }
                float sv = PairScores.score(p, b, h, i, j0 + jj, dot, tile == TileClass.PARTIAL);
                sc[jj] = sv;
                tileMax = Math.max(tileMax, sv);
            }
            float mNew = Math.max(m, tileMax);
            if (mNew == Float.NEGATIVE_INFINITY) {
                continue;
            }
            float alpha = (float) Math.exp(m - mNew);
            float sum = 0f;
            for (int d = 0; d < p.dv; d++) {
                acc[d] *= alpha;
            }
            for (int jj = 0; jj < n; jj++) {
                float pj = (float) Math.exp(sc[jj] - mNew);
                sum += pj;
                int vBase = v.index(b, kvh, j0 + jj, 0);
                for (int d = 0; d < p.dv; d++) {
                    acc[d] += pj * va[vBase + d];
                }
            }
            l = l * alpha + sum;
            m = mNew;
        }
        int oBase = p.out.index(b, h, i, 0);
        boolean empty = m == Float.NEGATIVE_INFINITY;
        for (int d = 0; d < p.dv; d++) {
            oa[oBase + d] = empty ? 0f : acc[d] / l;
        }
        if (p.lse != null) {
            p.lse[(b * p.heads + h) * p.sq + i] = empty ? Float.NEGATIVE_INFINITY : m + (float) Math.log(l);
        }
    }
}
