package dev.flashvec.bench;

import dev.flashvec.simd.VectorProbe;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's FP32 fused-multiply-add peak as reached from Java through the Vector API: the ceiling against
 * which GEMM and attention kernels are judged.
 *
 * <p>How to read it: one JMH "operation" is one floating-point operation (an FMA counts 2), and the mode is
 * throughput in ops/s, so the score is FLOP/s; divide by 10⁹ for GFLOP/s (a score of {@code 2.3e11 ops/s}
 * is 230 GFLOP/s). {@code peak1Thread} is one core; {@code peak2Threads} runs two JMH threads and JMH sums
 * their throughput, so it is the total of two cores.
 *
 * <p>Each invocation runs 16 independent accumulator chains ({@code c = c·x + y}, enough to hide the FMA
 * latency on two pipes) over {@value #FLOATS_PER_CHAIN} lanes each, in one flat loop with the vectors in
 * locals. The operation count does not depend on the vector width because the loop runs
 * {@code FLOATS_PER_CHAIN / lanes} times. The chains converge to 1 (x &lt; 1), so no denormals or infinities
 * slow the loop, and their sum is returned so the JIT cannot remove it. The width is the one the kernels use
 * ({@code -Dflashvec.vectorBits} narrows it).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Thread)
public class FmaPeakBenchmark {
    private static final VectorSpecies<Float> S = VectorProbe.floatSpecies();
    private static final int CHAINS = 16;
    private static final int FLOATS_PER_CHAIN = 1 << 14;
    /** Floating-point operations per invocation: 16 chains × lanes × 2 per FMA. */
    private static final int FLOPS = CHAINS * FLOATS_PER_CHAIN * 2;

    /** Fields, not constants, so that the JIT cannot fold the arithmetic. */
    private float x = 0.999f, y = 0.001f, start = 0.5f;

    /** FMA peak of one thread. */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(FLOPS)
    public float peak1Thread() {
        return chains();
    }

    /** FMA peak of two threads together (JMH sums the threads' throughput). */
    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(FLOPS)
    public float peak2Threads() {
        return chains();
    }

    private float chains() {
        FloatVector xv = FloatVector.broadcast(S, x), yv = FloatVector.broadcast(S, y);
        FloatVector c0 = FloatVector.broadcast(S, start), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        FloatVector c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
        for (int i = 0, n = FLOATS_PER_CHAIN / S.length(); i < n; i++) {
            c0 = c0.fma(xv, yv);
            c1 = c1.fma(xv, yv);
            c2 = c2.fma(xv, yv);
            c3 = c3.fma(xv, yv);
            c4 = c4.fma(xv, yv);
            c5 = c5.fma(xv, yv);
            c6 = c6.fma(xv, yv);
            c7 = c7.fma(xv, yv);
            c8 = c8.fma(xv, yv);
            c9 = c9.fma(xv, yv);
            c10 = c10.fma(xv, yv);
            c11 = c11.fma(xv, yv);
            c12 = c12.fma(xv, yv);
            c13 = c13.fma(xv, yv);
            c14 = c14.fma(xv, yv);
            c15 = c15.fma(xv, yv);
        }
        FloatVector sum = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7)
                .add(c8).add(c9).add(c10).add(c11).add(c12).add(c13).add(c14).add(c15);
        return sum.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
