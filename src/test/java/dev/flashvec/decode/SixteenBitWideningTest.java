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
    private static final int DIM = 64, HEADS = 16, BATCH = 65536 / (DIM * HEADS);
    private static final ComputePool POOL = ComputePool.create(2);
    private static final DecodeAttention DECODE = DecodeAttention.create(Simd.backend(), POOL);

    @AfterAll
    static void close() {
        POOL.close();
    }

    @Test
    void everyFiniteFp16PatternReadsExactly() {
        checkPatterns(KvType.FP16, true);
    }

    @Test
    void fp16InfinitiesAndNaNStayNonFinite() {
        checkPatterns(KvType.FP16, false);
    }

    @Test
    void everyBf16PatternReadsExactly() {
        checkPatterns(KvType.BF16, false);
    }

    /**
     * The key rows of (b, h), then separately its value rows, hold 64 consecutive patterns (the other tensor is
     * zero, so that a non-finite key cannot turn the weights into NaN); with {@code finiteOnly} fp16 infinities
     * and NaN are replaced by zero, so that the store takes the in-register path.
     */
    private static void checkPatterns(KvType type, boolean finiteOnly) {
        float[] data = new float[65536];
        for (int bits = 0; bits < 65536; bits++) {
            float x = widen(type, (short) bits);
            data[bits] = finiteOnly && !Float.isFinite(x) ? 0f : x;
        }
        Tensor patterns = bhsd(data), zeros = bhsd(new float[data.length]);
        float scale = 1f / 8f; // 1/sqrt(64): a power of two, so scaled scores are exact

        KvCache keys = cache(type, patterns, zeros);
        if (type == KvType.FP16) {
            assertEquals(!finiteOnly, keys.keys.nonFinite, "the key store's non-finite flag");
        }
        for (int shift = 0; shift < DIM; shift++) {
            float[] lse = DECODE.forward(keys, oneHotQueries(shift)).lse();
            for (int row = 0; row < BATCH * HEADS; row++) {
                float key = data[row * DIM + (row + shift) % DIM], got = lse[row];
                if (allFinite(data, row * DIM)) {
                    assertEquals(key * scale, got, 0f, () -> type + " key " + key + " read through q·k");
                } else { // 0 × ±inf or NaN is NaN, whichever element the query picks
                    assertFalse(Float.isFinite(got), () -> type + " a non-finite key row gave the finite LSE " + got);
                }
            }
        }

        KvCache values = cache(type, zeros, patterns);
        float[] out = DECODE.forward(values, oneHotQueries(0)).output().toArray();
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

    private static KvCache cache(KvType type, Tensor k, Tensor v) {
        KvCache cache = KvCache.builder().type(type).batch(BATCH).kvHeads(HEADS).headDim(DIM).capacity(1).build();
        cache.append(k, v);
        return cache;
    }

    /** Query (b, h) is the unit vector along {@code (b·H + h + shift) mod D}. */
    private static Tensor oneHotQueries(int shift) {
        float[] q = new float[BATCH * HEADS * DIM];
        for (int row = 0; row < BATCH * HEADS; row++) {
            q[row * DIM + (row + shift) % DIM] = 1f;
        }
        return bhsd(q);
    }

    private static boolean allFinite(float[] a, int from) {
        for (int d = 0; d < DIM; d++) {
            if (!Float.isFinite(a[from + d])) {
                return false;
            }
        }
        return true;
    }

    private static Tensor bhsd(float[] data) {
        return Tensor.wrap(data, Layout.BHSD, BATCH, HEADS, 1, DIM);
    }

    private static float widen(KvType type, short bits) {
        return type == KvType.FP16 ? Float.float16ToFloat(bits) : Float.intBitsToFloat(bits << 16);
    }
}
