package dev.flashvec.bench;

import dev.flashvec.gemm.Gemm;
import dev.flashvec.gemm.Transpose;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.simd.Backend;
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
 * SGEMM throughput of {@link Gemm} for square and attention-shaped problems, reported in FLOP/s.
 *
 * <p>How to read it: the primary score is multiplications per second; the secondary score
 * {@code multiply:flops} counts {@code 2·m·n·k} per multiplication, so it is FLOP/s (divide by 10⁹ for
 * GFLOP/s). Compare it with {@link FmaPeakBenchmark} at the same thread count.
 *
 * <p>{@code size} is either {@code s} (an s×s×s square) or {@code MxNxK}: the skinny shapes are those of
 * attention with 64-wide heads: {@code 64x4096x64} is S = Q·Kᵀ for a 64-query tile over 4096 keys,
 * {@code 4096x64x4096} is O = P·V, and {@code 1x4096x4096} is a decode step (matrix-vector).
 * {@code op} is NN (C = A·B) or NT (C = A·Bᵀ, B stored n×k as K is in attention). {@code threads} is the
 * size of the {@link ComputePool} the GEMM splits its work over. The result is checked once in setup
 * against a double-precision dot product on sampled entries, so a wrong kernel cannot report a number.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class GemmBenchmark {
    @Param({"256", "512", "1024", "2048", "64x4096x64", "4096x64x4096", "1x4096x4096"})
    public String size;

    @Param({"NN", "NT"})
    public String op;

    @Param({"1", "2"})
    public int threads;

    @Param({"VECTOR", "SCALAR"})
    public String backend;

    private int m, n, k, ldb;
    private Transpose tb;
    private float[] a, b, c;
    private ComputePool pool;
    private Gemm gemm;

    /** Builds the operands, then multiplies once and checks sampled entries against double precision. */
    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = size.split("x");
        m = Integer.parseInt(dims[0]);
        n = Integer.parseInt(dims[dims.length == 3 ? 1 : 0]);
        k = Integer.parseInt(dims[dims.length == 3 ? 2 : 0]);
        tb = switch (op) {
            case "NN" -> Transpose.NO;
            case "NT" -> Transpose.YES;
            default -> throw new IllegalArgumentException("op must be NN or NT but was " + op);
        };
        ldb = tb == Transpose.NO ? n : k;
        Random r = new Random(1234);
        a = random(r, m * k);
        b = random(r, k * n);
        c = new float[m * n];
        pool = ComputePool.create(threads);
        gemm = Gemm.create(Backend.valueOf(backend), pool);
        run();
        GemmSamples.verify(gemm.toString(), a, b, c, m, n, k, tb == Transpose.YES, r);
    }

    /** Closes the pool. */
    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    /** One multiplication {@code C = A·op(B)}. */
    @Benchmark
    public float[] multiply(FlopCounter counter) {
        run();
        counter.flops += 2L * m * n * k;
        return c;
    }

    private void run() {
        gemm.multiply(Transpose.NO, tb, m, n, k, 1f, a, 0, k, b, 0, ldb, 0f, c, 0, n);
    }

    private static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }
}
