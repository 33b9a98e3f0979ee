package dev.flashvec.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the cache sizes from sysfs, and the fallback for what cannot be read. */
class CacheSizesTest {
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
}
