package dev.flashvec.decode;

import java.util.Arrays;

/**
 * One chunk of split-K decode attention: the online softmax over a range of cached positions for a block of
 * query rows that share one KV head (the GQA group's heads × the block's queries), producing a partial output
 * and LSE per row. The loop here is shared; the arithmetic (dot products, exp, P·V, conversion of reduced
 * precision K/V to fp32) is done by a vector or scalar subclass, each hook one flat loop over arrays so that
 * no vector crosses a call.
 *
 * <p>Keys stream in tiles of {@link DecodeProblem#tileKeys} contiguous storage rows (sized from the L2 cache);
 * every row of the block reads the same tile while it is in L2, so a KV head's cache is read from memory once
 * per chunk whatever the group size. Reduced-precision tiles are widened in L1-sized sub-blocks, just before
 * their dot products or P·V read them ({@link #storedScores}, {@link #storedSubBlock}; a subclass may
 * instead widen in registers).
 */
abstract class DecodeKernel {
    /** Most query rows (group heads × queries) one task carries. */
    static final int MAX_ROWS = 64;
    /** Tile and sub-block key counts are multiples of this (every float vector length divides it). */
    static final int KEY_ALIGN = 16;
    /** Stored bytes widened per sub-block; see {@link #subBlockKeys}. */
    static final int SUB_BLOCK_BYTES = 4096;
    /** Most keys per tile (bounds the score rows' stride). */
    static final int MAX_TILE_KEYS = 1024;

    /**
     * Keys per tile for rows of {@code dk} elements of {@code bytesPerElement}: a quarter of the L2 cache per
     * stream (K or V), at least {@link #KEY_ALIGN}. Why this large: the hardware prefetchers need long runs of
     * one stream; reading 64 KiB of keys, then 64 KiB of values, … halved the DRAM bandwidth reached (11 GB/s
     * against 22 GB/s for one sequential read on this machine kind), while 256 KiB runs reached it.
     */
    static int tileKeys(int dk, int bytesPerElement, long l2Bytes) {
        long keys = l2Bytes / 4 / ((long) dk * bytesPerElement);
        return (int) Math.max(KEY_ALIGN, Math.min(MAX_TILE_KEYS, keys / KEY_ALIGN * KEY_ALIGN));
    }

    /**
     * Keys per widening sub-block of a reduced-precision tile: about 4 KiB of stored rows, and no more fp32 rows
     * than fill half the L1 cache. Why small: widening a sub-block reads it from memory in one burst, and the
     * prefetchers hide bursts of a few KiB behind the arithmetic but not bursts of tens of KiB (fp16, D=128, one
     * thread: 16-key sub-blocks took ~44 ns per head and key, 32-key ones ~50).
     */
    static int subBlockKeys(int dim, int bytesPerElement, long l1Bytes) {
        long byL1 = l1Bytes / 2 / ((long) dim * Float.BYTES);
        long byBurst = SUB_BLOCK_BYTES / ((long) dim * bytesPerElement);
        return (int) Math.max(1, Math.min(MAX_TILE_KEYS, Math.min(byL1, byBurst)));
    }

    /** Per-worker buffers, grown to the largest problem seen and then reused. */
    static final class Scratch {
        float[] q = new float[0], s = new float[0], acc = new float[0], kt = new float[0], vt = new float[0];
        float[] m = new float[0], l = new float[0], alpha = new float[0], ones = new float[0];
        final float[] lanes = new float[64];

        Scratch fit(int rows, int dk, int dv, int tile, int sub) {
            if (q.length < rows * dk) {
                q = new float[rows * dk];
            }
            if (s.length < rows * tile) {
                s = new float[rows * tile];
            }
            if (m.length < rows) {
                m = new float[rows];
                l = new float[rows];
                alpha = new float[rows];
                ones = new float[rows];
                Arrays.fill(ones, 1f);
            }
            if (acc.length < rows * dv) {
                acc = new float[rows * dv];
            }
            if (kt.length < sub * dk) {
                kt = new float[sub * dk];
            }
            if (vt.length < sub * dv) {
                vt = new float[sub * dv];
            }
            return this;
        }
    }

    /**
     * {@code s[r·stride + sOff + j] = scale · (q[r·dk …] · k[kOff + j·kStride …])} for {@code r < rows},
     * {@code j < n}.
     */
    abstract void scores(float[] q, int rows, int dk, float[] k, int kOff, int kStride, int n, float scale, float[] s,
                         int sOff, int stride);

    /**
     * {@code s[off … off + count)} becomes {@code exp(s − max)}; returns its sum. {@code count} is a multiple of
     * {@link #KEY_ALIGN}; {@code lanes} is scratch.
     */
    abstract float expRow(float[] s, int off, int count, float max, float[] lanes);

    /**
     * {@code acc[r·dv + d] = alpha[r]·acc[r·dv + d] + Σ_{j<n} p[r·stride + pOff + j] · v[vOff + j·vStride + d]}
     * for every row.
     */
    abstract void accumulate(float[] p, int pOff, int stride, int rows, float[] v, int vOff, int vStride, int n,
                             int dv, float[] alpha, float[] acc);

    /** Storage rows {@code [row0, row0 + n)} of a store, as fp32 into {@code dst[dstOff … dstOff + n·dim)}. */
    abstract void convert(KvStore store, int row0, int n, float[] dst, int dstOff);

    /**
     * {@link #scores} of the block's rows against {@code n} rows of a reduced-precision store from {@code row0},
     * into {@code s.s[r·stride + j]}: by default each sub-block of {@code sub} rows is widened into {@code s.kt}
     * and the fp32 kernel reads it there.
     */
    void storedScores(Scratch s, int rows, int dk, KvStore keys, int row0, int n, int sub, float scale,
                      int stride) {
        for (int j = 0; j < n; j += sub) {
            int m = Math.min(sub, n - j);
            convert(keys, row0 + j, m, s.kt, 0);
            scores(s.q, rows, dk, s.kt, 0, dk, m, scale, s.s, j, stride);
        }
    }

    /**
     * {@link #accumulate} of the probabilities {@code s.s} (rows {@code stride} apart) against {@code n} rows of
     * a reduced-precision store from {@code row0}, rescaling by {@code s.alpha} first: by default each
     * sub-block of {@code sub} rows is widened into {@code s.vt} and the fp32 kernel reads it there.
     */
    void storedAccumulate(Scratch s, int rows, int dv, KvStore values, int row0, int n, int sub, int stride) {
        for (int j = 0; j < n; j += sub) {
            // The tile's rescale applies once, with its first sub-block.
            storedSubBlock(s, rows, dv, values, row0 + j, j, Math.min(sub, n - j), stride, j == 0 ? s.alpha : s.ones);
        }
    }

    /**
     * One sub-block of {@link #storedAccumulate}: stored rows {@code [row, row + m)} against the probabilities
     * from column {@code pOff}, rescaling by {@code alpha} first; by default widened into {@code s.vt}.
     */
    void storedSubBlock(Scratch s, int rows, int dv, KvStore values, int row, int pOff, int m, int stride,
                        float[] alpha) {
        convert(values, row, m, s.vt, 0);
        accumulate(s.s, pOff, stride, rows, s.vt, 0, dv, m, dv, alpha, s.acc);
    }

    /**
     * Attention of rows {@code (g, i)} ({@code g < group}, {@code i0 ≤ i < i0 + nq}) of sequence {@code b}, KV
     * head {@code kvh}, over positions {@code [pos0, pos1)}; partial output and LSE of row {@code (b, h, i)},
     * chunk {@code c}, go to {@code partOut[(row·maxChunks + c)·dv]} and {@code partLse[row·maxChunks + c]}.
     */
    final void chunk(DecodeProblem p, Scratch s, int b, int kvh, int i0, int nq, int pos0, int pos1, int c,
                     float[] partOut, float[] partLse) {
        int rows = p.group * nq, dk = p.dk, dv = p.dv, tile = p.tileKeys, sub = p.subBlockKeys;
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
            int n = Math.min(tile, Math.min(pos1 - pos, p.slots - slot)); // a tile never wraps around the ring
            int padded = (n + KEY_ALIGN - 1) / KEY_ALIGN * KEY_ALIGN;
            int row0 = (b * p.kvHeads + kvh) * p.slots + slot;
            if (keys.f32 != null) {
                scores(s.q, rows, dk, keys.f32, p.cache.keyIndex(b, kvh, slot), p.cache.keyStride(), n, p.scale, s.s,
                        0, tile);
            } else {
                storedScores(s, rows, dk, keys, row0, n, sub, p.scale, tile);
            }
            for (int r = 0; r < rows; r++) {
                int base = r * tile;
                Arrays.fill(s.s, base + n, base + padded, Float.NEGATIVE_INFINITY);
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
                    Arrays.fill(s.s, base, base + padded, 0f);
                    s.alpha[r] = 1f;
                    continue;
                }
                float alpha = (float) Math.exp(mOld - mNew);
                s.alpha[r] = alpha;
                s.l[r] = s.l[r] * alpha + expRow(s.s, base, padded, mNew, s.lanes);
                s.m[r] = mNew;
            }
            if (values.f32 != null) {
                accumulate(s.s, 0, tile, rows, values.f32, p.cache.valueIndex(b, kvh, slot), p.cache.valueStride(), n,
                        dv, s.alpha, s.acc);
            } else {
                storedAccumulate(s, rows, dv, values, row0, n, sub, tile);
            }
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
