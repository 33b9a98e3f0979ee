package dev.flashvec.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.parallel.ComputePool;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every 16-bit pattern of an fp16 or bf16 cache reads back exactly through decode, on whichever path the kernel
 * takes: single-row blocks widen in registers by bit operations (exact only for finite fp16, so a store holding
 * an infinity or NaN must take the buffered path). Each (sequence, head) holds one key, so its softmax weight is
 * exactly 1: the output is that key's value row as stored, and the LSE is the scaled score, which a one-hot
 * query makes a single stored key element.
 */
@Tag("kernels")
class SixteenBitWideningTest {
    private static final int HEADS = 16;
    private static final ComputePool POOL = ComputePool.create(2);
    private static final DecodeAttention DECODE = DecodeAttention.create(Simd.backend(), POOL);

    @AfterAll
    static void close() {
        POOL.close();
    }

    /** 64: whole two- and four-vector steps at every width; 72: also the one-vector steps and scalar tails. */
    private static final int[] DIMS = {64, 72};

    @Test
    void everyFiniteFp16PatternReadsExactly() {
        for (int dim : DIMS) {
            checkPatterns(KvType.FP16, true, dim);
        }
    }

    @Test
    void fp16InfinitiesAndNaNStayNonFinite() {
        for (int dim : DIMS) {
            checkPatterns(KvType.FP16, false, dim);
        }
    }

    @Test
    void everyBf16PatternReadsExactly() {
        for (int dim : DIMS) {
            checkPatterns(KvType.BF16, false, dim);
        }
    }

    /** A group that held an infinity is computed exactly again once its sequence is reset. */
    @Test
    void resetForgetsASequencesNonFiniteRows() {
        KvCache cache = KvCache.builder().type(KvType.FP16).batch(2).kvHeads(1).headDim(8).capacity(4).build();
        float[] row = new float[16];
        row[3] = Float.POSITIVE_INFINITY; // sequence 0 only
        cache.append(Tensor.wrap(row, Layout.BHSD, 2, 1, 1, 8), Tensor.wrap(row, Layout.BHSD, 2, 1, 1, 8));
        assertTrue(cache.keys.mayHoldNonFinite(0));
        assertFalse(cache.keys.mayHoldNonFinite(cache.slots()), "sequence 1's group");
        cache.reset(0);
        assertFalse(cache.keys.mayHoldNonFinite(0));
        assertFalse(cache.values.mayHoldNonFinite(0));
    }

    /**
     * The key rows of (b, h), then separately its value rows, hold {@code dim} consecutive patterns (the other
     * tensor is zero, so that a non-finite key cannot turn the weights into NaN; rows past the last pattern are
     * zero); with {@code finiteOnly} fp16 infinities and NaN are replaced by zero, so that every group takes the
     * in-register path.
     */
    private static void checkPatterns(KvType type, boolean finiteOnly, int dim) {
        int batch = (65536 + dim * HEADS - 1) / (dim * HEADS);
        float[] data = new float[batch * HEADS * dim];
        for (int bits = 0; bits < 65536; bits++) {
            float x = widen(type, (short) bits);
            data[bits] = finiteOnly && !Float.isFinite(x) ? 0f : x;
        }
        Tensor patterns = bhsd(data, batch, dim), zeros = bhsd(new float[data.length], batch, dim);
        float scale = (float) (1.0 / Math.sqrt(dim)); // the default; one nonzero product, so one rounding

        KvCache keys = cache(type, patterns, zeros, batch, dim);
        if (type == KvType.FP16) {
            int infinityRow = 0x7c00 / dim; // the (b, h) whose key row holds +inf (one key per group)
            assertEquals(!finiteOnly, keys.keys.mayHoldNonFinite(infinityRow), "the non-finite flag of its group");
            assertFalse(keys.keys.mayHoldNonFinite(0), "the flag of a group with finite rows only");
        }
        for (int shift = 0; shift < dim; shift++) {
            float[] lse = DECODE.forward(keys, oneHotQueries(shift, batch, dim)).lse();
            for (int row = 0; row < batch * HEADS; row++) {
                float key = data[row * dim + (row + shift) % dim], got = lse[row];
                if (allFinite(data, row * dim, dim)) {
                    assertEquals(key * scale, got, 0f, () -> type + " key " + key + " read through q·k");
                } else { // 0 × ±inf or NaN is NaN, whichever element the query picks
                    assertFalse(Float.isFinite(got), () -> type + " a non-finite key row gave the finite LSE " + got);
                }
            }
        }

        KvCache values = cache(type, zeros, patterns, batch, dim);
        float[] out = DECODE.forward(values, oneHotQueries(0, batch, dim)).output().toArray();
        for (int i = 0; i < data.length; i++) {
            float want = data[i], got = out[i];
            int at = i;
            if (Float.isNaN(want)) {
                assertTrue(Float.isNaN(got), () -> type + " NaN value at " + at + " read as " + got);
            } else {
                assertEquals(want, got, 0f, () -> type + " value at " + at + " read through P·V");
            }
        }
    }

    private static KvCache cache(KvType type, Tensor k, Tensor v, int batch, int dim) {
        KvCache cache = KvCache.builder().type(type).batch(batch).kvHeads(HEADS).headDim(dim).capacity(1).build();
        cache.append(k, v);
        return cache;
    }

    /** Query (b, h) is the unit vector along {@code (b·H + h + shift) mod dim}. */
    private static Tensor oneHotQueries(int shift, int batch, int dim) {
        float[] q = new float[batch * HEADS * dim];
        for (int row = 0; row < batch * HEADS; row++) {
            q[row * dim + (row + shift) % dim] = 1f;
        }
        return bhsd(q, batch, dim);
    }

    private static boolean allFinite(float[] a, int from, int dim) {
        for (int d = 0; d < dim; d++) {
            if (!Float.isFinite(a[from + d])) {
                return false;
            }
        }
        return true;
    }

    private static Tensor bhsd(float[] data, int batch, int dim) {
        return Tensor.wrap(data, Layout.BHSD, batch, HEADS, 1, dim);
    }

    private static float widen(KvType type, short bits) {
        return type == KvType.FP16 ? Float.float16ToFloat(bits) : Float.intBitsToFloat(bits << 16);
    }
}
