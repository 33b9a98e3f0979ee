package dev.flashvec.weights;

import dev.flashvec.report.Json;
import dev.flashvec.report.JsonException;
import dev.flashvec.report.JsonValue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A reader of the {@code .safetensors} format: an 8-byte little-endian header length {@code N}, then {@code N}
 * bytes of JSON mapping each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets
 * relative to the byte after the header), then the data, little-endian and row-major. F32, F16 and BF16 tensors
 * are read (converted to float32); other dtypes are reported by name. The header is checked completely on open:
 * every tensor's byte range must match its dtype and shape and lie inside the file.
 */
public final class SafeTensors implements WeightStore {
    /** Headers larger than this are rejected as corrupt rather than read into memory (the format's own limit). */
    static final long MAX_HEADER = 100L << 20;

    private record Entry(String dtype, int[] shape, long begin, long end) {}

    private final Path file;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafeTensors(Path file, long dataStart, Map<String, Entry> entries, Map<String, String> metadata) {
        this.file = file;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens {@code file} and checks its header; tensor data are read on {@link #get}. */
    public static SafeTensors open(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw bad(file, "expected at least 8 bytes (the header length) but the file has " + size);
            }
            ByteBuffer len = read(ch, 0, 8).order(ByteOrder.LITTLE_ENDIAN);
            long n = len.getLong();
            if (n < 2 || n > MAX_HEADER || n > size - 8) {
                throw bad(file, "header length is " + Long.toUnsignedString(n) + " but must be between 2 and "
                        + Math.min(MAX_HEADER, size - 8) + " (file size " + size + " bytes)");
            }
            String text = StandardCharsets.UTF_8.decode(read(ch, 8, (int) n)).toString();
            JsonValue root;
            try {
                root = Json.parse(text);
            } catch (JsonException e) {
                throw bad(file, "header is not valid JSON: " + e.getMessage());
            }
            if (!(root instanceof JsonValue.Obj obj)) {
                throw bad(file, "header must be a JSON object but is " + root.typeName());
            }
            long dataSize = size - 8 - n;
            Map<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<String, JsonValue> e : obj.members().entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    if (e.getValue() instanceof JsonValue.Obj m) {
                        m.members().forEach((k, v) -> metadata.put(k, v instanceof JsonValue.Str s ? s.value() : v.toString()));
                    }
                    continue;
                }
                entries.put(e.getKey(), entry(file, e.getKey(), e.getValue(), dataSize));
            }
            return new SafeTensors(file, 8 + n, Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata));
        }
    }

    private static Entry entry(Path file, String name, JsonValue v, long dataSize) throws IOException {
        String where = "tensor \"" + name + "\"";
        try {
            if (!(v instanceof JsonValue.Obj o)) {
                throw new JsonException("must be an object but is " + v.typeName());
            }
            String dtype = o.string("dtype");
            List<JsonValue> dims = o.array("shape").elements();
            List<JsonValue> offsets = o.array("data_offsets").elements();
            int[] shape = new int[dims.size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                double d = dims.get(i) instanceof JsonValue.Num num ? num.value() : -1;
                if (d < 0 || d != Math.rint(d) || d > Integer.MAX_VALUE) {
                    throw new JsonException("shape must hold non-negative integers but element " + i + " is "
                            + (dims.get(i) instanceof JsonValue.Num num ? num.text() : dims.get(i).typeName()));
                }
                shape[i] = (int) d;
                count *= shape[i];
                if (count > Integer.MAX_VALUE - 8) {
                    throw new JsonException("shape has more elements than a Java array can hold");
                }
            }
            if (offsets.size() != 2 || !(offsets.get(0) instanceof JsonValue.Num b) || !(offsets.get(1) instanceof JsonValue.Num en)) {
                throw new JsonException("data_offsets must be two numbers [begin, end] but has " + offsets.size()
                        + " elements or a non-number");
            }
            long begin = (long) b.value(), end = (long) en.value();
            if (begin < 0 || end < begin || end > dataSize) {
                throw new JsonException("data_offsets [" + begin + ", " + end + "] must lie within the " + dataSize
                        + " data bytes");
            }
            int item = itemSize(dtype);
            if (item > 0 && end - begin != count * item) {
                throw new JsonException("is " + dtype + " of shape " + Arrays.toString(shape) + ", so " + count * item
                        + " bytes are expected, but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
            }
            return new Entry(dtype, shape, begin, end);
        } catch (JsonException e) {
            throw bad(file, where + ": " + e.getMessage());
        }
    }

    /** Bytes per element of the dtypes this reader converts; 0 for the others (reported when read). */
    private static int itemSize(String dtype) {
        return switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> 0;
        };
    }

    @Override
    public Set<String> names() {
        return entries.keySet();
    }

    /** The {@code __metadata__} strings of the header. */
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public WeightTensor get(String name) throws IOException {
        Entry e = entries.get(name);
        if (e == null) {
            throw WeightStore.missing(source(), name, names());
        }
        if (itemSize(e.dtype()) == 0) {
            throw new IllegalArgumentException(file + ": tensor \"" + name + "\" has dtype " + e.dtype()
                    + " but only F32, F16 and BF16 can be read");
        }
        ByteBuffer buf;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            buf = read(ch, dataStart + e.begin(), (int) (e.end() - e.begin())).order(ByteOrder.LITTLE_ENDIAN);
        }
        float[] out = new float[(int) ((e.end() - e.begin()) / itemSize(e.dtype()))];
        switch (e.dtype()) {
            case "F32" -> buf.asFloatBuffer().get(out);
            case "F16" -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.float16ToFloat(buf.getShort());
                }
            }
            default -> { // BF16: the top half of a float32
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat((buf.getShort() & 0xFFFF) << 16);
                }
            }
        }
        return new WeightTensor(name, e.shape().clone(), out, file.toString());
    }

    @Override
    public String source() {
        return file.toString();
    }

    private static ByteBuffer read(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new IOException("unexpected end of file at byte " + (position + b.position()));
            }
        }
        return b.flip();
    }

    private static IOException bad(Path file, String what) {
        return new IOException(file + ": not a valid .safetensors file: " + what);
    }
}
