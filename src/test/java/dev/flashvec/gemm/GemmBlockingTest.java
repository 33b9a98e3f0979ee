package dev.flashvec.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flashvec.simd.CacheSizes;
import org.junit.jupiter.api.Test;

/** Block size derivation and the worker grid: the plan, without arithmetic. */
class GemmBlockingTest {
    @Test
    void derivesBlocksFromCaches() {
        // Zen 4: 32 KiB L1d, 1 MiB L2, 32 MiB L3, 8×32 tile. A sliver 8×512 floats = half of L1.
        assertEquals(new BlockSizes(256, 512, 4096), BlockSizes.derive(8, 32, new CacheSizes(32 << 10, 1 << 20, 32 << 20)));
        // Tiny caches still give whole tiles and a usable depth.
        BlockSizes small = BlockSizes.derive(8, 16, new CacheSizes(4 << 10, 64 << 10, 256 << 10));
        assertEquals(64, small.kc());
        assertEquals(0, small.mc() % 8);
        assertEquals(0, small.nc() % 16);
        assertEquals(new BlockSizes(40, 7, 96), new BlockSizes(33, 7, 90).alignedTo(8, 32));
    }

    @Test
    void workerGridBalancesAndRespectsTileCounts() {
        // Square: either split is as balanced; the first found (columns) wins the tie on packing.
        assertArrayEquals(new int[] {1, 2}, BlockedGemm.grid(128, 32, 8, 32, 2));
        // One row tile (decode-like): split columns only.
        assertArrayEquals(new int[] {1, 3}, BlockedGemm.grid(1, 128, 8, 32, 3));
        // One column tile: split rows only.
        assertArrayEquals(new int[] {4, 1}, BlockedGemm.grid(512, 2, 8, 32, 4));
        // Fewer tiles than workers: use fewer workers.
        assertArrayEquals(new int[] {1, 2}, BlockedGemm.grid(1, 2, 8, 32, 3));
        assertArrayEquals(new int[] {1, 1}, BlockedGemm.grid(1, 1, 8, 32, 8));
    }
}
