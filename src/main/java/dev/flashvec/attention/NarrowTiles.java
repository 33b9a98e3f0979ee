package dev.flashvec.attention;

import dev.flashvec.simd.VectorProbe;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fused kernel's score and P·V micro-kernels for one query vector of a block, for blocks with few live
 * queries (cross-attention with Sq ≤ 2·VL, or the last block of a short sequence).
 *
 * <p>{@link VectorFlashAttention}'s register tile is 4 keys (or dims) × 4 query vectors. A block of 16 queries
 * fills one of those vectors, so three quarters of every FMA would be spent on padding. Here the register tile
 * is {@value #WIDTH} keys (or dims) × one query vector, one broadcast load per FMA. Measured with K/V in cache
 * (H=1, L=1024, D=128, one thread), a 16-query call runs at 0.57 of the FMA peak this way, against 0.83–0.90
 * for a full 64-query block on the wide kernel; with the wide kernel it would be under a quarter of that.
 *
 * <p>Both kernels use the same layouts as the wide ones ({@code qt[d][r]}, {@code st[jj][r]}, {@code ot[d][r]},
 * rows {@code BLOCK_ROWS} apart) and add in the same order for every lane: the same blocks of
 * {@link VectorFlashAttention#DOT_BLOCK} dims for scores, one sum per key tile from zero for P·V. A query row
 * therefore gets the same bits whichever kernel ran its block (tested).
 */
final class NarrowTiles {
    private static final VectorSpecies<Float> F = VectorProbe.floatSpecies();
    /** Keys (scores) or dims (P·V) per register tile: 8 independent FMA chains hide the FMA latency. */
    static final int WIDTH = 8;

    private NarrowTiles() {
    }

    /**
     * {@code st[jj][co + lane] = Σ_d qt[d][co + lane] · k[kBase + jj·kStride + d]} for {@code jj < nk}, and the
     * per-lane max into {@code tileMax[co + lane]}, which the caller has filled with {@code -inf}.
     */
    static void scores(float[] qt, int co, float[] ka, int kBase, int kStride, int dk, int nk, float[] st,
                       float[] tileMax) {
        final int br = VectorFlashAttention.BLOCK_ROWS;
        final int dot = VectorFlashAttention.DOT_BLOCK;
        int jj = 0;
        for (; jj + WIDTH <= nk; jj += WIDTH) {
            int k0 = kBase + jj * kStride, k1 = k0 + kStride, k2 = k1 + kStride, k3 = k2 + kStride;
            int k4 = k3 + kStride, k5 = k4 + kStride, k6 = k5 + kStride, k7 = k6 + kStride;
            int o = jj * br + co;
            for (int d0 = 0; d0 < dk; d0 += dot) {
                int d1 = Math.min(dk, d0 + dot);
                FloatVector a0 = F.zero().reinterpretAsFloats(), a1 = a0, a2 = a0, a3 = a0;
                FloatVector a4 = a0, a5 = a0, a6 = a0, a7 = a0;
                for (int d = d0, qo = d0 * br + co; d < d1; d++, qo += br) {
                    FloatVector q = FloatVector.fromArray(F, qt, qo);
                    a0 = q.fma(FloatVector.broadcast(F, ka[k0 + d]), a0);
                    a1 = q.fma(FloatVector.broadcast(F, ka[k1 + d]), a1);
                    a2 = q.fma(FloatVector.broadcast(F, ka[k2 + d]), a2);
                    a3 = q.fma(FloatVector.broadcast(F, ka[k3 + d]), a3);
                    a4 = q.fma(FloatVector.broadcast(F, ka[k4 + d]), a4);
                    a5 = q.fma(FloatVector.broadcast(F, ka[k5 + d]), a5);
                    a6 = q.fma(FloatVector.broadcast(F, ka[k6 + d]), a6);
                    a7 = q.fma(FloatVector.broadcast(F, ka[k7 + d]), a7);
                }
                if (d0 > 0) { // add the earlier blocks' partial sums
                    a0 = a0.add(FloatVector.fromArray(F, st, o));
                    a1 = a1.add(FloatVector.fromArray(F, st, o + br));
                    a2 = a2.add(FloatVector.fromArray(F, st, o + 2 * br));
                    a3 = a3.add(FloatVector.fromArray(F, st, o + 3 * br));
                    a4 = a4.add(FloatVector.fromArray(F, st, o + 4 * br));
                    a5 = a5.add(FloatVector.fromArray(F, st, o + 5 * br));
                    a6 = a6.add(FloatVector.fromArray(F, st, o + 6 * br));
                    a7 = a7.add(FloatVector.fromArray(F, st, o + 7 * br));
                }
                a0.intoArray(st, o);
                a1.intoArray(st, o + br);
                a2.intoArray(st, o + 2 * br);
                a3.intoArray(st, o + 3 * br);
                a4.intoArray(st, o + 4 * br);
                a5.intoArray(st, o + 5 * br);
                a6.intoArray(st, o + 6 * br);
                a7.intoArray(st, o + 7 * br);
                if (d1 == dk) { // the sums are complete: fold them into the tile max
                    FloatVector m = FloatVector.fromArray(F, tileMax, co);
                    m = m.blend(a0, m.lt(a0));
                    m = m.blend(a1, m.lt(a1));
                    m = m.blend(a2, m.lt(a2));
                    m = m.blend(a3, m.lt(a3));
                    m = m.blend(a4, m.lt(a4));
                    m = m.blend(a5, m.lt(a5));
                    m = m.blend(a6, m.lt(a6));
                    m.blend(a7, m.lt(a7)).intoArray(tileMax, co);
                }
            }
        }
        for (; jj < nk; jj++) {
            int k0 = kBase + jj * kStride;
            int o = jj * br + co;
            for (int d0 = 0; d0 < dk; d0 += dot) {
                int d1 = Math.min(dk, d0 + dot);
                FloatVector a0 = F.zero().reinterpretAsFloats();
                for (int d = d0, qo = d0 * br + co; d < d1; d++, qo += br) {
                    a0 = FloatVector.fromArray(F, qt, qo).fma(FloatVector.broadcast(F, ka[k0 + d]), a0);
                }
                if (d0 > 0) {
                    a0 = a0.add(FloatVector.fromArray(F, st, o));
                }
                a0.intoArray(st, o);
                if (d1 == dk) {
                    FloatVector m = FloatVector.fromArray(F, tileMax, co);
                    m.blend(a0, m.lt(a0)).intoArray(tileMax, co);
                }
            }
        }
    }

    /**
     * {@code ot[d][co + lane] = alpha[co + lane] · ot[d][co + lane] + Σ_jj st[jj][co + lane] · v[vBase + jj·vStride
     * + d]}.
     */
    static void accumulate(float[] st, int co, int nk, float[] va, int vBase, int vStride, int dv, float[] ot,
                           float[] alpha) {
        final int br = VectorFlashAttention.BLOCK_ROWS;
        FloatVector al = FloatVector.fromArray(F, alpha, co);
        int d = 0;
        for (; d + WIDTH <= dv; d += WIDTH) {
            FloatVector a0 = F.zero().reinterpretAsFloats(), a1 = a0, a2 = a0, a3 = a0;
            FloatVector a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int jj = 0, po = co, vo = vBase + d; jj < nk; jj++, po += br, vo += vStride) {
                FloatVector p = FloatVector.fromArray(F, st, po);
                a0 = p.fma(FloatVector.broadcast(F, va[vo]), a0);
                a1 = p.fma(FloatVector.broadcast(F, va[vo + 1]), a1);
                a2 = p.fma(FloatVector.broadcast(F, va[vo + 2]), a2);
                a3 = p.fma(FloatVector.broadcast(F, va[vo + 3]), a3);
                a4 = p.fma(FloatVector.broadcast(F, va[vo + 4]), a4);
                a5 = p.fma(FloatVector.broadcast(F, va[vo + 5]), a5);
                a6 = p.fma(FloatVector.broadcast(F, va[vo + 6]), a6);
                a7 = p.fma(FloatVector.broadcast(F, va[vo + 7]), a7);
            }
            int o = d * br + co;
            FloatVector.fromArray(F, ot, o).fma(al, a0).intoArray(ot, o);
            FloatVector.fromArray(F, ot, o + br).fma(al, a1).intoArray(ot, o + br);
            FloatVector.fromArray(F, ot, o + 2 * br).fma(al, a2).intoArray(ot, o + 2 * br);
            FloatVector.fromArray(F, ot, o + 3 * br).fma(al, a3).intoArray(ot, o + 3 * br);
            FloatVector.fromArray(F, ot, o + 4 * br).fma(al, a4).intoArray(ot, o + 4 * br);
            FloatVector.fromArray(F, ot, o + 5 * br).fma(al, a5).intoArray(ot, o + 5 * br);
            FloatVector.fromArray(F, ot, o + 6 * br).fma(al, a6).intoArray(ot, o + 6 * br);
            FloatVector.fromArray(F, ot, o + 7 * br).fma(al, a7).intoArray(ot, o + 7 * br);
        }
        for (; d < dv; d++) {
            FloatVector a0 = F.zero().reinterpretAsFloats();
            for (int jj = 0, po = co, vo = vBase + d; jj < nk; jj++, po += br, vo += vStride) {
                a0 = FloatVector.fromArray(F, st, po).fma(FloatVector.broadcast(F, va[vo]), a0);
            }
            int o = d * br + co;
            FloatVector.fromArray(F, ot, o).fma(al, a0).intoArray(ot, o);
        }
    }
}
