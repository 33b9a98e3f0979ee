package dev.flashvec.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.simd.CacheSizes;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * KvCache and DecodeAttention reject invalid calls with messages naming the argument, what was expected and
 * what was given, and leave the cache (and outputs) exactly as they were.
 */
class KvCacheArgumentsTest {
    private static Tensor block(int batch, int heads, int n, int dim, float fill) {
        Tensor t = Tensor.zeros(Layout.BHSD, batch, heads, n, dim);
        Arrays.fill(t.array(), fill);
        return t;
    }

    /** A 2-sequence, 2-head cache of capacity 5 holding 3 positions in sequence 0 and 1 in sequence 1. */
    private static KvCache cache(KvType type) {
        KvCache c = KvCache.builder().type(type).batch(2).kvHeads(2).headDim(4).valueDim(3).capacity(5).build();
        c.append(0, block(1, 2, 3, 4, 1f), block(1, 2, 3, 3, 2f));
        c.append(1, block(1, 2, 1, 4, 3f), block(1, 2, 1, 3, 4f));
        return c;
    }

    /** Every stored key and value, for before/after comparisons. */
    private static float[] contents(KvCache c) {
        float[] out = new float[2 * 2 * 5 * 7];
        float[] k = new float[4], v = new float[3];
        int n = 0;
        for (int b = 0; b < c.batch(); b++) {
            for (int h = 0; h < c.kvHeads(); h++) {
                for (int p = c.firstStored(b); p < c.length(b); p++) {
                    c.readKey(b, h, p, k);
                    c.readValue(b, h, p, v);
                    for (float x : k) {
                        out[n++] = x;
                    }
                    for (float x : v) {
                        out[n++] = x;
                    }
                }
            }
        }
        return out;
    }

    private static void rejectsUnchanged(KvCache c, String fragment, Executable call) {
        int[] lengths = c.lengths();
        float[] before = contents(c);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should mention '" + fragment + "'");
        assertArrayEquals(lengths, c.lengths(), "lengths after a rejected call");
        assertArrayEquals(before, contents(c), 0f, "contents after a rejected call");
    }

    @Test
    void appendingPastCapacityIsRejectedForEverySequenceBeforeAnyIsWritten() {
        for (KvType type : KvType.values()) {
            KvCache c = cache(type);
            rejectsUnchanged(c, "appending 3 positions to sequence 0 of length 3 needs capacity 6 but the cache has"
                    + " capacity 5", () -> c.append(0, block(1, 2, 3, 4, 9f), block(1, 2, 3, 3, 9f)));
            // Sequence 1 would fit, sequence 0 would not: nothing may be written to either.
            rejectsUnchanged(c, "to sequence 0 of length 3 needs capacity 6",
                    () -> c.append(block(2, 2, 3, 4, 9f), block(2, 2, 3, 3, 9f)));
        }
    }

    @Test
    void mismatchedShapesAreRejected() {
        KvCache c = cache(KvType.FP16);
        rejectsUnchanged(c, "k has Hkv=3 but the cache has Hkv=2", () -> c.append(0, block(1, 3, 1, 4, 9f),
                block(1, 3, 1, 3, 9f)));
        rejectsUnchanged(c, "v has Hkv=1 but the cache has Hkv=2", () -> c.append(0, block(1, 2, 1, 4, 9f),
                block(1, 1, 1, 3, 9f)));
        rejectsUnchanged(c, "k has Dk=5 but the cache has Dk=4", () -> c.append(0, block(1, 2, 1, 5, 9f),
                block(1, 2, 1, 3, 9f)));
        rejectsUnchanged(c, "v has Dv=4 but the cache has Dv=3", () -> c.append(0, block(1, 2, 1, 4, 9f),
                block(1, 2, 1, 4, 9f)));
        rejectsUnchanged(c, "v has 2 positions but k has 1", () -> c.append(0, block(1, 2, 1, 4, 9f),
                block(1, 2, 2, 3, 9f)));
        rejectsUnchanged(c, "k has batch=1 but 2 was expected (the cache's batch)", () -> c.append(block(1, 2, 1, 4, 9f),
                block(1, 2, 1, 3, 9f)));
        rejectsUnchanged(c, "k has batch=2 but 1 was expected (one sequence)", () -> c.append(1, block(2, 2, 1, 4, 9f),
                block(2, 2, 1, 3, 9f)));
        rejectsUnchanged(c, "k must not be null", () -> c.append(0, null, block(1, 2, 1, 3, 9f)));
    }

    @Test
    void sequenceAndPositionIndicesOutOfRangeAreRejected() {
        KvCache c = cache(KvType.INT8);
        rejectsUnchanged(c, "seq must be in [0, 2) but was 2", () -> c.append(2, block(1, 2, 1, 4, 9f),
                block(1, 2, 1, 3, 9f)));
        rejectsUnchanged(c, "seq must be in [0, 2) but was -1", () -> c.reset(-1));
        rejectsUnchanged(c, "seq must be in [0, 2) but was 5", () -> c.length(5));
        rejectsUnchanged(c, "position must be in [0, 1) (the positions sequence 1 stores) but was 1",
                () -> c.readKey(1, 0, 1, new float[4]));
        rejectsUnchanged(c, "head must be in [0, 2) but was 2", () -> c.readValue(0, 2, 0, new float[3]));
        rejectsUnchanged(c, "dst must have at least 4 elements but has 3", () -> c.readKey(0, 0, 0, new float[3]));
    }

    @Test
    void badBuildsAreRejected() {
        assertEquals("kvHeads must be >= 1 but was 0", assertThrows(IllegalArgumentException.class,
                () -> KvCache.builder().kvHeads(0)).getMessage());
        assertEquals("set capacity (linear cache) or slidingWindow (ring cache)", assertThrows(
                IllegalArgumentException.class, () -> KvCache.builder().kvHeads(1).headDim(4).build()).getMessage());
        assertEquals("set either capacity (linear cache) or slidingWindow (ring cache), not both", assertThrows(
                IllegalArgumentException.class, () -> KvCache.builder().kvHeads(1).headDim(4).capacity(3)
                        .slidingWindow(2).build()).getMessage());
        assertEquals("kv type must be one of fp32, fp16, bf16, int8 but was fp8",
                assertThrows(IllegalArgumentException.class, () -> KvType.parse("fp8")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KvCache.builder().batch(1 << 16).kvHeads(64)
                .headDim(128).capacity(1 << 20).build()).getMessage().contains("more elements than a Java array"));
    }

    @Test
    void decodeSettingsAreRejectedWithTheArgumentNamed() {
        DecodeAttention a = DecodeAttention.create();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.withChunkKeys(0));
        assertTrue(e.getMessage().contains("chunkKeys must be >= 1 but was 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.withScale(Float.NaN));
        assertTrue(e.getMessage().contains("scale must be finite but was NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.withCacheSizes(null));
        assertTrue(e.getMessage().contains("caches must be non-null") && e.getMessage().endsWith("null"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.withCacheSizes(new CacheSizes(0, 1 << 20, 1 << 25)));
        assertTrue(e.getMessage().contains("positive L1d and L2 sizes but was CacheSizes[l1d=0"), e.getMessage());
    }

    @Test
    void decodeRejectsMismatchedQueriesAndLeavesOutputsUntouched() {
        KvCache c = cache(KvType.BF16);
        DecodeAttention a = DecodeAttention.create();
        Tensor out = block(2, 4, 1, 3, 7f);
        float[] lse = new float[8];
        Arrays.fill(lse, 7f);
        String[][] cases = {
            {"q has batch=1 but the cache has batch=2"},
            {"q has Dk=5 but the cache has Dk=4"},
            {"Q heads Hq=3 must be a multiple of the cache's K/V heads Hkv=2"},
            {"out must have shape [2, 4, 1, 3] [B, Hq, Sq, Dv] but has [2, 4, 1, 4]"},
            {"lse must have B*Hq*Sq=8 elements but has 7"},
        };
        Executable[] calls = {
            () -> a.forward(c, block(1, 4, 1, 4, 1f), out, lse),
            () -> a.forward(c, block(2, 4, 1, 5, 1f), out, lse),
            () -> a.forward(c, block(2, 3, 1, 4, 1f), out, lse),
            () -> a.forward(c, block(2, 4, 1, 4, 1f), block(2, 4, 1, 4, 7f), lse),
            () -> a.forward(c, block(2, 4, 1, 4, 1f), out, new float[7]),
        };
        for (int i = 0; i < calls.length; i++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, calls[i]);
            assertEquals(cases[i][0], e.getMessage());
            for (float x : out.array()) {
                assertEquals(7f, x, 0f);
            }
            for (float x : lse) {
                assertEquals(7f, x, 0f);
            }
        }
        KvCache ring = KvCache.builder().kvHeads(1).headDim(4).slidingWindow(8).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.forward(ring, block(1, 1, 17, 4, 1f)));
        assertEquals("q has Sq=17 queries but this ring cache supports at most maxQueries=16 per call", e.getMessage());
    }
}
