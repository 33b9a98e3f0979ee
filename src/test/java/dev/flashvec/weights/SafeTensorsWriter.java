package dev.flashvec.weights;

import dev.flashvec.report.Json;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Builds {@code .safetensors} bytes for tests (the library only reads the format). */
final class SafeTensorsWriter {
    private final Map<String, String> header = new LinkedHashMap<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    /** Adds a tensor of {@code values} stored as {@code dtype} (F32, F16 or BF16, BF16 truncated). */
    SafeTensorsWriter add(String name, String dtype, int[] shape, float[] values) {
        int item = dtype.equals("F32") ? 4 : 2;
        ByteBuffer b = ByteBuffer.allocate(values.length * item).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            switch (dtype) {
                case "F32" -> b.putFloat(v);
                case "F16" -> b.putShort(Float.floatToFloat16(v));
                default -> b.putShort((short) (Float.floatToIntBits(v) >>> 16));
            }
        }
        return raw(name, dtype, shape, b.array());
    }

    /** Adds a header entry with any bytes (for malformed files). */
    SafeTensorsWriter raw(String name, String dtype, int[] shape, byte[] bytes) {
        int begin = data.size();
        data.writeBytes(bytes);
        String dims = Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(","));
        header.put(name, "{\"dtype\":\"" + dtype + "\",\"shape\":[" + dims + "],\"data_offsets\":[" + begin + ","
                + data.size() + "]}");
        return this;
    }

    byte[] bytes() {
        String json = header.entrySet().stream().map(e -> Json.quote(e.getKey()) + ":" + e.getValue())
                .collect(Collectors.joining(",", "{\"__metadata__\":{\"format\":\"pt\"},", "}"));
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + data.size()).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(data.toByteArray());
        return out.array();
    }
}
