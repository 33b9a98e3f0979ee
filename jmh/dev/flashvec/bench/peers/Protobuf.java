package dev.flashvec.bench.peers;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal protocol-buffers writer: just the wire types an ONNX model needs (varint, length-delimited).
 *
 * <p>Enough to build a one-node ONNX graph for a peer benchmark without pulling in protobuf and the ONNX
 * schema classes. Each message is built bottom-up: nested messages are finished first and written as bytes.
 */
final class Protobuf {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Field {@code number} as a varint (int32, int64, enum). */
    Protobuf varint(int number, long value) {
        tag(number, 0);
        rawVarint(value);
        return this;
    }

    /** Field {@code number} as a UTF-8 string. */
    Protobuf string(int number, String value) {
        return bytes(number, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Field {@code number} as an embedded message. */
    Protobuf message(int number, Protobuf message) {
        return bytes(number, message.toByteArray());
    }

    /** Field {@code number} as a 32-bit float (wire type 5). */
    Protobuf float32(int number, float value) {
        tag(number, 5);
        int bits = Float.floatToIntBits(value);
        for (int i = 0; i < 4; i++) {
            out.write(bits >>> (8 * i));
        }
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private Protobuf bytes(int number, byte[] value) {
        tag(number, 2);
        rawVarint(value.length);
        out.writeBytes(value);
        return this;
    }

    private void tag(int number, int wireType) {
        rawVarint(((long) number << 3) | wireType);
    }

    private void rawVarint(long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
