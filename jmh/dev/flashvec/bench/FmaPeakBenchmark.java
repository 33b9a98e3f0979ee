package dev.flashvec.bench;

import dev.flashvec.cli.VectorFmaChains;
import java.util.concurrent.TimeUnit;
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
 * <p>Each invocation runs {@link VectorFmaChains}: 16 independent accumulator chains ({@code c = c·x + y}, enough to hide the FMA
 * latency on two pipes) over 2^14 lanes each, in one flat loop with the vectors in
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
    /** Floating-point operations per invocation. */
    private static final int FLOPS = VectorFmaChains.FLOPS_PER_RUN;

    /** The loop the CLI's {@code bench peak} runs too: one definition of the peak. */
    private final VectorFmaChains chains = new VectorFmaChains();

    /** FMA peak of one thread. */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(FLOPS)
    public float peak1Thread() {
        return chains.run();
    }

    /** FMA peak of two threads together (JMH sums the threads' throughput). */
    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(FLOPS)
    public float peak2Threads() {
        return chains.run();
    }
}
