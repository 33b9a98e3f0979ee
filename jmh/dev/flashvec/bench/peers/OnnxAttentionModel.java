package dev.flashvec.bench.peers;

/**
 * The serialized ONNX model of one ONNX Runtime {@code com.microsoft.MultiHeadAttention} node: inputs
 * query, key, value as {@code [B, S, H·D]} fp32, output {@code [B, S, H·D]}.
 *
 * <p>Field numbers follow onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, ValueInfoProto,
 * TypeProto, TensorShapeProto). The dimensions are symbolic so one model serves every shape.
 */
final class OnnxAttentionModel {
    private static final int FLOAT = 1;
    private static final int INT32 = 6;
    private static final int ATTRIBUTE_INT = 2;
    private static final int ATTRIBUTE_FLOAT = 1;

    private OnnxAttentionModel() {}

    /** A model computing MultiHeadAttention with {@code heads} heads, scale 1/sqrt(D), causal if asked. */
    static byte[] multiHeadAttention(int heads, int dim, boolean causal) {
        Protobuf node = new Protobuf()
                .string(1, "query").string(1, "key").string(1, "value")
                .string(2, "output")
                .string(3, "attention")
                .string(4, "MultiHeadAttention")
                .string(7, "com.microsoft")
                .message(5, intAttribute("num_heads", heads))
                .message(5, scaleAttribute(dim));
        if (causal) {
            node.message(5, intAttribute("unidirectional", 1));
        }
        Protobuf graph = new Protobuf()
                .message(1, node)
                .string(2, "flashvec-peer")
                .message(11, tensor3d("query", "S"))
                .message(11, tensor3d("key", "L"))
                .message(11, tensor3d("value", "L"))
                .message(12, tensor3d("output", "S"));
        return model(graph);
    }

    /**
     * A model computing ONNX Runtime's causal {@code com.microsoft.GroupQueryAttention} (the kernel it uses
     * for causal decoder attention: blocks above the diagonal skipped) with no past cache: inputs query
     * {@code [B, S, H·D]}, key and value {@code [B, S, Hkv·D]}, {@code seqlens_k} ({@code [B]} int32, S − 1)
     * and {@code total_sequence_length} ({@code [1]} int32, S); output {@code [B, S, H·D]}.
     */
    static byte[] groupQueryAttention(int heads, int kvHeads, int dim) {
        Protobuf node = new Protobuf()
                .string(1, "query").string(1, "key").string(1, "value").string(1, "").string(1, "")
                .string(1, "seqlens_k").string(1, "total_sequence_length")
                .string(2, "output").string(2, "present_key").string(2, "present_value")
                .string(3, "attention")
                .string(4, "GroupQueryAttention")
                .string(7, "com.microsoft")
                .message(5, intAttribute("num_heads", heads))
                .message(5, intAttribute("kv_num_heads", kvHeads))
                .message(5, scaleAttribute(dim));
        Protobuf graph = new Protobuf()
                .message(1, node)
                .string(2, "flashvec-peer")
                .message(11, tensor3d("query", "S"))
                .message(11, tensor3d("key", "S"))
                .message(11, tensor3d("value", "S"))
                .message(11, tensor("seqlens_k", INT32, "B"))
                .message(11, tensor("total_sequence_length", INT32, "one"))
                .message(12, tensor3d("output", "S"));
        return model(graph);
    }

    private static Protobuf intAttribute(String name, long value) {
        return new Protobuf().string(1, name).varint(3, value).varint(20, ATTRIBUTE_INT);
    }

    /** The attention scale 1/sqrt(D), given explicitly so that both sides use the same value. */
    private static Protobuf scaleAttribute(int dim) {
        return new Protobuf().string(1, "scale").float32(2, (float) (1 / Math.sqrt(dim))).varint(20, ATTRIBUTE_FLOAT);
    }

    private static byte[] model(Protobuf graph) {
        return new Protobuf()
                .varint(1, 8) // ir_version
                .string(2, "flashvec")
                .message(8, new Protobuf().string(1, "").varint(2, 17))
                .message(8, new Protobuf().string(1, "com.microsoft").varint(2, 1))
                .message(7, graph)
                .toByteArray();
    }

    private static Protobuf tensor(String name, int elemType, String... dims) {
        Protobuf shape = new Protobuf();
        for (String d : dims) {
            shape.message(1, new Protobuf().string(2, d));
        }
        Protobuf tensorType = new Protobuf().varint(1, elemType).message(2, shape);
        return new Protobuf().string(1, name).message(2, new Protobuf().message(1, tensorType));
    }

    private static Protobuf tensor3d(String name, String seq) {
        return tensor(name, FLOAT, "B", seq, "HD");
    }
}
