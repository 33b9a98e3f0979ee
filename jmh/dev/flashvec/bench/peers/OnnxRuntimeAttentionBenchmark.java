package dev.flashvec.bench.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.flashvec.bench.AttentionSamples;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ONNX Runtime's CPU MultiHeadAttention (its tiled flash kernel; GroupQueryAttention for causal runs, as
 * ONNX Runtime's causal decoders use) on the same shapes and the same GFLOP/s
 * convention as {@code AttentionBenchmark}, so the two can be compared in one JMH run.
 *
 * <p>{@code kvSeq} gives cross-attention shapes (query {@code [1, S, H·D]}, key and value {@code [1, L, H·D]};
 * non-causal only).
 *
 * <p>Inputs are {@code [1, S, H·D]} fp32 in direct buffers (ONNX Runtime reads them without copying); the
 * output is allocated by ONNX Runtime on each call, as a user of its Java API would see it. Threads are
 * set with the session's intra-op thread count. {@code @Setup} checks sampled rows of its output against a
 * double-precision computation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class OnnxRuntimeAttentionBenchmark {
    @Param({"4096"})
    public int seq;
    @Param({"64"})
    public int dim;
    @Param({"8"})
    public int heads;
    /** Keys per head; 0 means {@code seq}. Cross-attention shapes (non-causal only) set it apart. */
    @Param({"0"})
    public int kvSeq;
    @Param({"false"})
    public boolean causal;
    @Param({"1"})
    public int threads;

    private OrtEnvironment env;
    private OrtSession session;
    private Map<String, OnnxTensor> inputs;

    @Setup(Level.Trial)
    public void setUp() throws OrtException {
        Random r = new Random(7);
        int keys = kvSeq == 0 ? seq : kvSeq;
        if (causal && keys != seq) {
            throw new IllegalArgumentException("causal runs (GroupQueryAttention) need kvSeq = seq but kvSeq="
                    + kvSeq);
        }
        Tensor q = random(r, seq), k = random(r, keys), v = random(r, keys);
        env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        long[] shape = {1, seq, (long) heads * dim};
        Map<String, OnnxTensor> in = new HashMap<>();
        in.put("query", OnnxTensor.createTensor(env, direct(q), shape));
        long[] kvShape = {1, keys, (long) heads * dim};
        in.put("key", OnnxTensor.createTensor(env, direct(k), kvShape));
        in.put("value", OnnxTensor.createTensor(env, direct(v), kvShape));
        if (causal) {
            // Causal runs use GroupQueryAttention, the kernel ONNX Runtime uses for causal decoders.
            session = env.createSession(OnnxAttentionModel.groupQueryAttention(heads, heads, dim), options);
            in.put("seqlens_k", OnnxTensor.createTensor(env, IntBuffer.wrap(new int[] {seq - 1}), new long[] {1}));
            in.put("total_sequence_length", OnnxTensor.createTensor(env, IntBuffer.wrap(new int[] {seq}),
                    new long[] {1}));
        } else {
            session = env.createSession(OnnxAttentionModel.multiHeadAttention(heads, dim, false), options);
        }
        inputs = Map.copyOf(in);
        try (OrtSession.Result result = session.run(inputs)) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            AttentionSamples.verify(q, k, v, causal, (h, i, d) -> out.get((i * heads + h) * dim + d), r);
        }
        System.out.println("# ONNX Runtime " + env.getVersion() + "; GFLOP/s = "
                + (4.0 * heads * seq * keys * dim / 1e6) + " / ms");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        for (OnnxTensor t : inputs.values()) {
            t.close();
        }
        session.close();
    }

    @Benchmark
    public int forward() throws OrtException {
        // The output is not read back: getFloatBuffer() would copy it, a cost that is not the kernel's.
        try (OrtSession.Result result = session.run(inputs)) {
            return result.size();
        }
    }

    private Tensor random(Random r, int length) {
        float[] a = new float[heads * length * dim];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return Tensor.wrap(a, Layout.BSHD, 1, heads, length, dim);
    }

    private static FloatBuffer direct(Tensor t) {
        float[] a = t.array();
        FloatBuffer b = ByteBuffer.allocateDirect(a.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        b.put(a).flip();
        return b;
    }
}
