package dev.flashvec.tensor;

import dev.flashvec.io.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes NumPy {@code .npy} files: the interchange format between flashvec and Python.
 *
 * <p>Reading accepts format versions 1.0, 2.0 and 3.0, C order only, and the types of {@link NpyDtype} in
 * either byte order; float16 and float64 are converted to float. The file must be exactly as long as its
 * header says: a shorter file is truncated, a longer one has a header that lies about its contents, and both
 * are errors. Every problem is an {@link IOException} whose message names the file.
 *
 * <p>Writing produces little-endian, C-order, version 1.0 files (2.0 only for enormous headers) padded the way
 * NumPy pads them, and is atomic: data goes to a temporary file beside the target, which is then moved over
 * the target in one step, so a reader never sees a half-written file and a failure leaves no partial target.
 */
public final class Npy {
    /** Data moves through a buffer of this size, so converting needs no second copy of a large array. */
    private static final int CHUNK = 1 << 20;

    private Npy() {}

    /** Reads the whole array stored in {@code file}; the array is {@linkplain NpyArray#name() named} after the file. */
    public static NpyArray read(Path file) throws IOException {
        String name = file.toString();
        if (Files.isDirectory(file)) {
            throw new NpyFormatException(name, "is a directory, not an NPY file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            NpyHeader h = readHeader(ch, name);
            long expected = ch.position() + h.dataBytes();
            long size = ch.size();
            if (size < expected) {
                throw new NpyFormatException(name, "truncated: header says " + h.dtype() + " "
                        + NpyHeader.formatShape(h.shape()) + " (" + h.dataBytes() + " data bytes) but the file holds only "
                        + (size - ch.position()) + " data bytes");
            }
            if (size > expected) {
                throw new NpyFormatException(name, "header says " + h.dtype() + " " + NpyHeader.formatShape(h.shape())
                        + " (" + h.dataBytes() + " data bytes) but the file holds " + (size - ch.position())
                        + " data bytes; the header does not describe the data");
            }
            Object data = readData(ch, h, name);
            return new NpyArray(name, h.shape(), h.dtype(), data);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(name, null, "no such file");
        }
    }

    /** Writes {@code array} to {@code file} atomically, replacing any existing file. */
    public static void write(Path file, NpyArray array) throws IOException {
        writeAll(Map.of(file, array));
    }

    /** Writes {@code tensor}'s logical elements as a float32 array in {@code layout}'s order, atomically. */
    public static void write(Path file, Tensor tensor, Layout layout) throws IOException {
        write(file, NpyArray.fromTensor(tensor, layout));
    }

    /**
     * Writes several files as one unit ({@link AtomicFiles#writeAll}): an error leaves none of the targets.
     */
    public static void writeAll(Map<Path, NpyArray> files) throws IOException {
        Map<Path, AtomicFiles.Contents> contents = new LinkedHashMap<>();
        for (Map.Entry<Path, NpyArray> e : files.entrySet()) {
            NpyArray array = e.getValue();
            contents.put(e.getKey(), temp -> writeData(temp, array));
        }
        AtomicFiles.writeAll(contents);
    }

    private static NpyHeader readHeader(FileChannel ch, String name) throws IOException {
        ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, pre.limit(8), name, "file is too short to be an NPY file");
        for (int i = 0; i < NpyHeader.MAGIC.length; i++) {
            if (pre.get(i) != NpyHeader.MAGIC[i]) {
                throw new NpyFormatException(name, "not an NPY file (it does not start with \\x93NUMPY)");
            }
        }
        int major = pre.get(6) & 0xFF, minor = pre.get(7) & 0xFF;
        if (minor != 0 || major < 1 || major > 3) {
            throw new NpyFormatException(name, "unsupported NPY format version " + major + "." + minor
                    + " (1.0, 2.0 and 3.0 are supported)");
        }
        long length;
        if (major == 1) {
            readFully(ch, pre.limit(10), name, "truncated header");
            length = pre.getShort(8) & 0xFFFF;
        } else {
            readFully(ch, pre.limit(12), name, "truncated header");
            length = pre.getInt(8) & 0xFFFFFFFFL;
        }
        if (length > ch.size() - ch.position()) {
            throw new NpyFormatException(name, "truncated header: it should be " + length + " bytes long but the file"
                    + " ends after " + (ch.size() - ch.position()));
        }
        ByteBuffer text = ByteBuffer.allocate((int) length);
        readFully(ch, text, name, "truncated header");
        // Versions 1 and 2 store the dict as Latin-1, version 3 as UTF-8 (for structured field names).
        String dict = new String(text.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return NpyHeader.parse(dict, name);
    }

    private static Object readData(FileChannel ch, NpyHeader h, String name) throws IOException {
        int n = h.count();
        Object data = switch (h.dtype()) {
            case FLOAT16, FLOAT32, FLOAT64 -> new float[n];
            case BOOL -> new boolean[n];
            case INT32 -> new int[n];
            case INT64 -> new long[n];
        };
        int item = h.dtype().itemSize();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(item, h.dataBytes()))).order(h.order());
        for (int done = 0; done < n; ) {
            int m = Math.min(n - done, buf.capacity() / item);
            buf.clear().limit(m * item);
            readFully(ch, buf, name, "truncated data");
            buf.flip();
            decode(buf, h.dtype(), data, done, m);
            done += m;
        }
        return data;
    }

    private static void decode(ByteBuffer buf, NpyDtype dtype, Object data, int at, int m) {
        switch (dtype) {
            case FLOAT32 -> buf.asFloatBuffer().get((float[]) data, at, m);
            case INT32 -> buf.asIntBuffer().get((int[]) data, at, m);
            case INT64 -> buf.asLongBuffer().get((long[]) data, at, m);
            case FLOAT16 -> {
                float[] f = (float[]) data;
                for (int i = 0; i < m; i++) {
                    f[at + i] = Float.float16ToFloat(buf.getShort());
                }
            }
            case FLOAT64 -> {
                float[] f = (float[]) data;
                for (int i = 0; i < m; i++) {
                    f[at + i] = (float) buf.getDouble();
                }
            }
            case BOOL -> {
                boolean[] z = (boolean[]) data;
                for (int i = 0; i < m; i++) {
                    z[at + i] = buf.get() != 0;
                }
            }
        }
    }

    private static void writeData(Path file, NpyArray a) throws IOException {
        NpyDtype dtype = a.dtype();
        Object data = switch (dtype) {
            case FLOAT16, FLOAT32, FLOAT64 -> a.asFloats();
            case BOOL -> a.asBooleans();
            case INT32 -> a.asInts();
            case INT64 -> a.asLongs();
        };
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, ByteBuffer.wrap(NpyHeader.format(dtype, a.shape())));
            int n = a.size();
            int item = dtype.itemSize();
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(item, (long) n * item)))
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (int done = 0; done < n; ) {
                int m = Math.min(n - done, buf.capacity() / item);
                buf.clear();
                encode(buf, dtype, data, done, m);
                buf.position(0).limit(m * item);
                writeFully(ch, buf);
                done += m;
            }
            ch.force(true);
        }
    }

    /** Puts {@code m} elements from {@code at} into {@code buf}; the caller sets position and limit afterwards. */
    private static void encode(ByteBuffer buf, NpyDtype dtype, Object data, int at, int m) {
        switch (dtype) {
            case FLOAT32 -> buf.asFloatBuffer().put((float[]) data, at, m);
            case INT32 -> buf.asIntBuffer().put((int[]) data, at, m);
            case INT64 -> buf.asLongBuffer().put((long[]) data, at, m);
            case FLOAT16 -> {
                float[] f = (float[]) data;
                for (int i = 0; i < m; i++) {
                    buf.putShort(Float.floatToFloat16(f[at + i]));
                }
            }
            case FLOAT64 -> {
                float[] f = (float[]) data;
                for (int i = 0; i < m; i++) {
                    buf.putDouble(f[at + i]);
                }
            }
            case BOOL -> {
                boolean[] z = (boolean[]) data;
                for (int i = 0; i < m; i++) {
                    buf.put((byte) (z[at + i] ? 1 : 0));
                }
            }
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, String name, String problem) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new NpyFormatException(name, problem);
            }
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
