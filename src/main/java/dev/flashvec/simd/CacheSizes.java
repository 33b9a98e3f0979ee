package dev.flashvec.simd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Per-core data cache sizes in bytes, read once from Linux sysfs with conservative fallbacks.
 *
 * <p>Only block and tile sizes (GEMM blocking, attention and decode tiles) depend on these numbers, never a
 * result; a wrong guess costs speed, not correctness, which is why a missing or unreadable sysfs silently falls
 * back to typical server values.
 */
public record CacheSizes(int l1d, int l2, int l3) {
    /** Typical sizes of current x86 and ARM server cores, used for any level that cannot be read. */
    public static final CacheSizes FALLBACK = new CacheSizes(32 * 1024, 512 * 1024, 8 * 1024 * 1024);

    private static final Path SYSFS = Path.of("/sys/devices/system/cpu/cpu0/cache");

    private static final class Holder {
        static final CacheSizes DETECTED = read(SYSFS);
    }

    /** The sizes of this machine (read once per JVM). */
    public static CacheSizes detected() {
        return Holder.DETECTED;
    }

    /** Reads {@code index*} entries under a sysfs cache directory; any level not found keeps its fallback. */
    static CacheSizes read(Path dir) {
        int l1 = -1, l2 = -1, l3 = -1;
        for (int i = 0; i < 8; i++) {
            Path index = dir.resolve("index" + i);
            if (!Files.isDirectory(index)) {
                continue;
            }
            String type = readTrimmed(index.resolve("type"));
            int level = parseInt(readTrimmed(index.resolve("level")));
            long size = parseSize(readTrimmed(index.resolve("size")));
            if (size <= 0 || size > Integer.MAX_VALUE || "Instruction".equals(type)) {
                continue;
            }
            switch (level) {
                case 1 -> l1 = (int) size;
                case 2 -> l2 = (int) size;
                case 3 -> l3 = (int) size;
                default -> { }
            }
        }
        return new CacheSizes(l1 > 0 ? l1 : FALLBACK.l1d, l2 > 0 ? l2 : FALLBACK.l2, l3 > 0 ? l3 : FALLBACK.l3);
    }

    /** Parses sysfs sizes such as {@code 32K}, {@code 1024K}, {@code 32M} or plain bytes; -1 if unparsable. */
    static long parseSize(String s) {
        if (s == null || s.isEmpty()) {
            return -1;
        }
        String t = s.toUpperCase(Locale.ROOT);
        long unit = 1;
        char last = t.charAt(t.length() - 1);
        if (last == 'K' || last == 'M' || last == 'G') {
            unit = last == 'K' ? 1L << 10 : last == 'M' ? 1L << 20 : 1L << 30;
            t = t.substring(0, t.length() - 1);
        }
        long v = parseInt(t);
        return v < 0 ? -1 : v * unit;
    }

    private static int parseInt(String s) {
        try {
            return s == null ? -1 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String readTrimmed(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
