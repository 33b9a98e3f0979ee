package dev.flashvec.bench;

import dev.flashvec.attention.Attention;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.baseline.MaterializedAttention;
import dev.flashvec.gemm.Gemm;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.reference.ReferenceAttention;
import dev.flashvec.simd.Backend;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
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
 * Fused attention forward, B=1, H heads, S=L, in milliseconds per call.
 *
 * <p>{@code kvSeq} and {@code kvHeads} give cross-attention (L ≠ S) and GQA/MQA shapes.
 *
 * <p>GFLOP/s = 4·H·S·L·D / (ms·1e6), counted as the full square for causal runs too ("as if full"), the
 * convention of the peers' numbers this project compares with. {@code impl=reference} times the double-precision
 * reference (the literal SPEC, one thread, slow by design: use small S). {@code impl=materialized} times the classic
 * unfused baseline built from our own SGEMM (scores materialized, softmax, SGEMM) on the same inputs. Compare with {@code FmaPeakBenchmark} of the
 * same run for the fraction of peak. {@code @Setup} checks sampled output rows against a double-precision
 * computation, so a fast wrong kernel cannot report a number.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AttentionBenchmark {
    @Param({"4096"})
    public int seq;
    @Param({"64"})
    public int dim;
    @Param({"8"})
    public int heads;
    /** Keys per head; 0 means {@code seq} (self-attention). Cross-attention shapes set it apart. */
    @Param({"0"})
    public int kvSeq;
    /** K/V heads; 0 means {@code heads}. Fewer is GQA (e.g. 32 query heads over 8), 1 is MQA. */
    @Param({"0"})
    public int kvHeads;
    @Param({"false"})
    public boolean causal;
    @Param({"1"})
    public int threads;
    @Param({"VECTOR"})
    public Backend backend;
    @Param({"fused"})
    public String impl;

    private Tensor q, k, v, out;
    private AttentionOptions options;
    private Attention attention;
    private MaterializedAttention materialized;
    private ComputePool pool;

    @Setup(Level.Trial)
    public void setUp() {
        Random r = new Random(7);
        int keys = kvSeq == 0 ? seq : kvSeq, hkv = kvHeads == 0 ? heads : kvHeads;
        q = random(r, heads, seq);
        k = random(r, hkv, keys);
        v = random(r, hkv, keys);
        out = Tensor.zeros(1, heads, seq, dim);
        options = AttentionOptions.builder().causal(causal ? CausalAlignment.TOP_LEFT : CausalAlignment.NONE).build();
        pool = ComputePool.create(threads);
        attention = Attention.create(backend, pool);
        materialized = MaterializedAttention.create(Gemm.create(backend, pool));
        if (!impl.equals("fused") && !impl.equals("materialized") && !impl.equals("reference")) {
            throw new IllegalArgumentException("impl must be fused, materialized or reference but was " + impl);
        }
        Object first = forward();
        if (first instanceof ReferenceAttention.Result ref) {
            AttentionSamples.verify(q, k, v, causal, (h, i, d) -> (float) ref.output(0, h, i, d), r);
        } else {
            out = (Tensor) first;
            AttentionSamples.verify(q, k, v, causal, (h, i, d) -> out.get(0, h, i, d), r);
        }
        System.out.println("# " + Simd.description() + "; GFLOP/s = " + (4.0 * heads * seq * keys * dim / 1e6)
                + " / ms");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public Object forward() {
        if (impl.equals("materialized")) {
            return materialized.forward(q, k, v, options.causal());
        }
        if (impl.equals("reference")) {
            return ReferenceAttention.compute(q, k, v, options);
        }
        attention.forward(q, k, v, options, out, null);
        return out;
    }

    private Tensor random(Random r, int h, int s) {
        float[] a = new float[h * s * dim];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return Tensor.wrap(a, Layout.BHSD, 1, h, s, dim);
    }
}
