package dev.flashvec.bench;

import dev.flashvec.attention.Attention;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.parallel.ComputePool;
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
 * <p>GFLOP/s = 4·H·S·L·D / (ms·1e6), counted as the full square for causal runs too ("as if full"), the
 * convention of the peers' numbers this project compares with. Compare with {@code FmaPeakBenchmark} of the
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
    @Param({"false"})
    public boolean causal;
    @Param({"1"})
    public int threads;
    @Param({"VECTOR"})
    public Backend backend;

    private Tensor q, k, v, out;
    private AttentionOptions options;
    private Attention attention;
    private ComputePool pool;

    @Setup(Level.Trial)
    public void setUp() {
        Random r = new Random(7);
        q = random(r);
        k = random(r);
        v = random(r);
        out = Tensor.zeros(1, heads, seq, dim);
        options = AttentionOptions.builder().causal(causal ? CausalAlignment.TOP_LEFT : CausalAlignment.NONE).build();
        pool = ComputePool.create(threads);
        attention = Attention.create(backend, pool);
        attention.forward(q, k, v, options, out, null);
        verifySampledRows(r);
        System.out.println("# " + Simd.description() + "; GFLOP/s = " + (4.0 * heads * seq * seq * dim / 1e6)
                + " / ms");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public Tensor forward() {
        attention.forward(q, k, v, options, out, null);
        return out;
    }

    private Tensor random(Random r) {
        float[] a = new float[heads * seq * dim];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return Tensor.wrap(a, Layout.BHSD, 1, heads, seq, dim);
    }

    private void verifySampledRows(Random r) {
        double scale = 1 / Math.sqrt(dim);
        for (int sample = 0; sample < 8; sample++) {
            int h = r.nextInt(heads), i = sample == 0 ? seq - 1 : r.nextInt(seq);
            int last = causal ? i : seq - 1;
            double[] s = new double[last + 1];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j <= last; j++) {
                double dot = 0;
                for (int d = 0; d < dim; d++) {
                    dot += (double) q.get(0, h, i, d) * k.get(0, h, j, d);
                }
                s[j] = dot * scale;
                max = Math.max(max, s[j]);
            }
            double sum = 0;
            for (int j = 0; j <= last; j++) {
                s[j] = Math.exp(s[j] - max);
                sum += s[j];
            }
            for (int d = 0; d < dim; d++) {
                double want = 0;
                for (int j = 0; j <= last; j++) {
                    want += s[j] * v.get(0, h, j, d);
                }
                want /= sum;
                float got = out.get(0, h, i, d);
                if (!(Math.abs(got - want) <= 1e-5 + 1e-4 * Math.abs(want))) {
                    throw new IllegalStateException("wrong result at head " + h + " row " + i + " dim " + d + ": " + got
                            + " instead of " + want);
                }
            }
        }
    }
}
