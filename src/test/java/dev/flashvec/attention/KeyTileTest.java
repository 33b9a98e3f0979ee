package dev.flashvec.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.simd.CacheSizes;
import dev.flashvec.simd.Simd;
import org.junit.jupiter.api.Test;

/** The fused kernel's key tile follows the L1 data cache: its score tile fills half of it, within bounds. */
class KeyTileTest {

    @Test
    void scoreTileFillsHalfOfL1() {
        if (!Simd.vectorAvailable()) {
            return;
        }
        for (long l1 : new long[] {16 << 10, 32 << 10, 48 << 10, 64 << 10, 1 << 20}) {
            int keys = VectorFlashAttention.keyTile(l1);
            assertEquals(0, keys % 4, "a multiple of the micro-kernel's 4 keys, for L1d=" + l1);
            assertTrue(keys >= 16 && keys <= 256, "within [16, 256] for L1d=" + l1 + ": " + keys);
            long tileBytes = (long) keys * VectorFlashAttention.BLOCK_ROWS * Float.BYTES;
            assertTrue(keys == 16 || tileBytes <= l1 / 2, "score tile " + tileBytes + " B within half of " + l1);
            assertTrue(keys == 256 || tileBytes + 4L * VectorFlashAttention.BLOCK_ROWS * Float.BYTES > l1 / 2,
                    "the largest such tile for L1d=" + l1 + ": " + keys);
        }
        assertEquals(VectorFlashAttention.keyTile(CacheSizes.detected().l1d()), VectorFlashAttention.KEY_TILE);
    }

    @Test
    void tinyOrMissingCachesFallBackToTheBounds() {
        if (!Simd.vectorAvailable()) {
            return;
        }
        assertEquals(16, VectorFlashAttention.keyTile(0));
        assertEquals(16, VectorFlashAttention.keyTile(1024));
        assertEquals(256, VectorFlashAttention.keyTile(Long.MAX_VALUE / 2));
    }
}
