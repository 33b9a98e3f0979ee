package dev.flashvec.decode;

import java.util.Arrays;

/**
 * One chunk of split-K decode attention: the online softmax over a range of cached positions for a block of
 * query rows that share one KV head (the GQA group's heads × the block's queries), producing a partial output
 * and LSE per row. The loop here is shared; the arithmetic (dot products, exp, P·V, conversion of reduced
 * precision K/V to fp32) is done by a vector or scalar subclass, each hook one flat loop over arrays so that
 * no vector crosses a call.
 *
 * <p>Keys stream in tiles of {@link #TILE} contiguous storage rows; every row of the block reads the same
 * tile while it is in cache (L1/L2), so a KV head's cache is read from memory once per chunk whatever the group
 * size.
 */
abstract class DecodeKernel {
    /** Keys per tile (a multiple of every vector length, 4 to 16 floats). */
    static final int TILE = 128;
    /** Most query rows (group heads × queries) one task carries. */
    static final int MAX_ROWS = 64;

    /** Per-worker buffers, grown to the largest problem seen and then reused. */
    static final class Scratch {
        float[] q = new float[0], s = new float[0], acc = new float[0], kt = new float[0], vt = new float[0];
        float[] m = new float[0], l = new float[0], alpha = new float[0];
        final float[] lanes = new float[64];
        /** The software prefetch of the next tile. */
        final Touch touch = new Touch();

        Scratch fit(int rows, int dk, int dv) {
            if (q.length < rows * dk) {
                q = new float[rows * dk];
            }
            if (s.length < rows * TILE) {
                s = new float[rows * TILE];
                m = new float[rows];
                l = new float[rows];
                alpha = new float[rows];
            }
            if (acc.length < rows * dv) {
                acc = new float[rows * dv];
            }
            if (kt.length < TILE * dk) {
                kt = new float[TILE * dk];
            }
            if (vt.length < TILE * dv) {
                vt = new float[TILE * dv];
            }
            return this;
        }
    }

    /**
     * {@code s[r·TILE + j] = scale · (q[r·dk …] · k[kOff + j·dk …])} for {@code r < rows}, {@code j < n}.
     */
    abstract void scores(float[] q, int rows, int dk, float[] k, int kOff, int n, float scale, float[] s);

    /**
     * Row {@code r} of {@code s} (TILE entries) becomes {@code exp(s − max)}; returns the row's sum. {@code lanes}
     * is scratch.
     */
    abstract float expRow(float[] s, int r, float max, float[] lanes);

    /**
     * {@code acc[r·dv + d] = alpha[r]·acc[r·dv + d] + Σ_{j<n} p[r·TILE + j] · v[vOff + j·dv + d]} for every row,
     * calling {@link Touch#next} along the way (once per key is the intent) so that the next tile's lines
     * arrive while this tile's FMAs run.
     */
    abstract void accumulate(float[] p, int rows, float[] v, int vOff, int n, int dv, float[] alpha, float[] acc,
                             Touch touch);

    /** Storage rows {@code [row0, row0 + n)} of a reduced-precision store, as fp32 into {@code dst[0 … n·dim)}. */
    abstract void convert(KvStore store, int row0, int n, float[] dst);

    /**
     * Attention of rows {@code (g, i)} ({@code g < group}, {@code i0 ≤ i < i0 + nq}) of sequence {@code b}, KV
     * head {@code kvh}, over positions {@code [pos0, pos1)}; partial output and LSE of row {@code (b, h, i)},
     * chunk {@code c}, go to {@code partOut[(row·maxChunks + c)·dv]} and {@code partLse[row·maxChunks + c]}.
     */
    final void chunk(DecodeProblem p, Scratch s, int b, int kvh, int i0, int nq, int pos0, int pos1, int c,
                     float[] partOut, float[] partLse) {
        int rows = p.group * nq, dk = p.dk, dv = p.dv;
        float[] qa = p.q.array();
        for (int r = 0; r < rows; r++) {
            int h = kvh * p.group + r / nq, i = i0 + r % nq;
            System.arraycopy(qa, p.q.index(b, h, i, 0), s.q, r * dk, dk);
        }
        Arrays.fill(s.acc, 0, rows * dv, 0f);
        Arrays.fill(s.m, 0, rows, Float.NEGATIVE_INFINITY);
        Arrays.fill(s.l, 0, rows, 0f);
        // Rows whose interval covers the whole chunk need no per-key mask (always so for Sq = 1).
        boolean masked = false;
        for (int qi = 0; qi < nq; qi++) {
            masked |= p.lo(b, i0 + qi) > pos0 || p.hi(b, i0 + qi) < pos1 - 1;
        }
        KvStore keys = p.cache.keys, values = p.cache.values;
        for (int pos = pos0; pos < pos1; ) {
            int slot = pos % p.slots;
            int n = Math.min(TILE, Math.min(pos1 - pos, p.slots - slot)); // a tile never wraps around the ring
            int row0 = (b * p.kvHeads + kvh) * p.slots + slot;
            int next = pos + n;
            if (next < pos1) {
                int nextRow = (b * p.kvHeads + kvh) * p.slots + next % p.slots;
                int m = Math.min(TILE, Math.min(pos1 - next, p.slots - next % p.slots));
                s.touch.set(keys, values, nextRow, m);
            } else {
                s.touch.clear();
            }
            float[] ka = keys.f32;
            int kOff = row0 * dk;
            if (ka == null) {
                convert(keys, row0, n, s.kt);
                ka = s.kt;
                kOff = 0;
            }
            scores(s.q, rows, dk, ka, kOff, n, p.scale, s.s);
            for (int r = 0; r < rows; r++) {
                int base = r * TILE;
                Arrays.fill(s.s, base + n, base + TILE, Float.NEGATIVE_INFINITY);
                if (masked) {
                    int i = i0 + r % nq, lo = p.lo(b, i), hi = p.hi(b, i);
                    for (int j = 0; j < n; j++) {
                        if (pos + j < lo || pos + j > hi) {
                            s.s[base + j] = Float.NEGATIVE_INFINITY;
                        }
                    }
                }
                float tileMax = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    tileMax = Math.max(tileMax, s.s[base + j]);
                }
                float mOld = s.m[r], mNew = Math.max(mOld, tileMax);
                if (mNew == Float.NEGATIVE_INFINITY) { // nothing allowed yet: weights 0, accumulator stays 0
                    Arrays.fill(s.s, base, base + TILE, 0f);
                    s.alpha[r] = 1f;
                    continue;
                }
                float alpha = (float) Math.exp(mOld - mNew);
                s.alpha[r] = alpha;
                s.l[r] = s.l[r] * alpha + expRow(s.s, r, mNew, s.lanes);
                s.m[r] = mNew;
            }
            float[] va = values.f32;
            int vOff = row0 * dv;
            if (va == null) {
                convert(values, row0, n, s.vt);
                va = s.vt;
                vOff = 0;
            }
            accumulate(s.s, rows, va, vOff, n, dv, s.alpha, s.acc, s.touch);
            s.touch.rest();
            pos += n;
        }
        for (int r = 0; r < rows; r++) {
            int h = kvh * p.group + r / nq, i = i0 + r % nq;
            int part = p.row(b, h, i) * p.maxChunks + c;
            boolean empty = s.m[r] == Float.NEGATIVE_INFINITY;
            float l = s.l[r];
            for (int d = 0; d < dv; d++) {
                partOut[part * dv + d] = empty ? 0f : s.acc[r * dv + d] / l;
            }
            partLse[part] = empty ? Float.NEGATIVE_INFINITY : s.m[r] + (float) Math.log(s.l[r]);
        }
    }
}
