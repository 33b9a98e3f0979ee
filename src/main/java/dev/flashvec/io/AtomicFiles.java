package dev.flashvec.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes output files atomically: each goes to a temporary file beside its target, and only when every one
 * is complete are they moved into place, so a reader (or a crash) never sees half a file and a failed run
 * leaves no partial output.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the contents of one file to the path it is given (a temporary file). */
    @FunctionalInterface
    public interface Contents {
        void writeTo(Path temp) throws IOException;
    }

    /** Writes {@code text} as UTF-8 to {@code file}, replacing it if it exists. */
    public static void writeString(Path file, String text) throws IOException {
        writeAll(Map.of(file, temp -> Files.writeString(temp, text, StandardCharsets.UTF_8)));
    }

    /**
     * Writes several files as one unit. On failure every temporary file is deleted, as is any target already
     * moved in this call, so an error leaves none of the targets (a target that existed before is then gone
     * too, as its replacement had begun).
     */
    public static void writeAll(Map<Path, Contents> files) throws IOException {
        Map<Path, Path> temps = new LinkedHashMap<>();
        List<Path> moved = new ArrayList<>();
        boolean done = false;
        try {
            for (Map.Entry<Path, Contents> e : files.entrySet()) {
                Path target = e.getKey().toAbsolutePath();
                Path dir = target.getParent();
                if (dir == null || !Files.isDirectory(dir)) {
                    throw new NoSuchFileException(e.getKey().toString(), null, "directory " + dir + " does not exist");
                }
                if (Files.isDirectory(target)) {
                    throw new IOException("cannot write " + e.getKey() + ": it is a directory");
                }
                Path temp = newTempFile(dir, target);
                temps.put(target, temp);
                e.getValue().writeTo(temp);
            }
            for (Map.Entry<Path, Path> e : temps.entrySet()) {
                Files.move(e.getValue(), e.getKey(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                moved.add(e.getKey());
            }
            done = true;
        } finally {
            if (!done) {
                for (Path p : temps.values()) {
                    Files.deleteIfExists(p);
                }
                for (Path p : moved) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * A new empty file beside {@code target}. Not {@link Files#createTempFile}: that makes files readable by
     * their owner only, and the output would keep those permissions after the move; this one gets the umask's.
     */
    private static Path newTempFile(Path dir, Path target) throws IOException {
        for (int attempt = 0; ; attempt++) {
            String suffix = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            try {
                return Files.createFile(dir.resolve("." + target.getFileName() + "." + suffix + ".tmp"));
            } catch (FileAlreadyExistsException e) {
                if (attempt == 100) {
                    throw e;
                }
            }
        }
    }
}
