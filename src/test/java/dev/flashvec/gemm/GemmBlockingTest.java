package dev.flashvec.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cache detection, block size derivation and the worker grid: the plan, without arithmetic. */
class GemmBlockingTest {
    @Test
    void parsesSysfsSizes() {
        assertEquals(32 * 1024, CacheSizes.parseSize("32K"));
        assertEquals(32L << 20, CacheSizes.parseSize("32M"));
        assertEquals(512, CacheSizes.parseSize("512"));
        assertEquals(-1, CacheSizes.parseSize("lots"));
        assertEquals(-1, CacheSizes.parseSize(""));
    }

    @Test
    void readsDataAndUnifiedCachesAndFallsBackForMissingLevels(@TempDir Path dir) throws IOException {
        cache(dir, 0, 1, "Data", "48K");
        cache(dir, 1, 1, "Instruction", "32K");
        cache(dir, 2, 2, "Unified", "2048K");
        assertEquals(new CacheSizes(48 * 1024, 2 << 20, CacheSizes.FALLBACK.l3()), CacheSizes.read(dir));
        assertEquals(CacheSizes.FALLBACK, CacheSizes.read(dir.resolve("missing")));
    }

    private static void cache(Path dir, int index, int level, String type, String size) throws IOException {
        Path p = Files.createDirectories(dir.resolve("index" + index));
        Files.writeString(p.resolve("level"), level + "\n");
        Files.writeString(p.resolve("type"), type + "\n");
        Files.writeString(p.resolve("size"), size + "\n");
    }

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
