package dev.flashvec.bench;

import dev.flashvec.cli.VectorReadLoop;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's DRAM read bandwidth as reached from Java with full-width vector loads: the ceiling of decode.
 *
 * <p>How to read it: one JMH "operation" is one byte read and the mode is throughput, so the score is bytes/s
 * (divide by 10⁹ for GB/s). Each thread sums its own 128 MiB float array ({@link VectorReadLoop}, the loop of
 * {@code flashvec bench bandwidth}); {@code read2Threads} runs two JMH threads and JMH sums their throughput.
 * 128 MiB per thread is 4× this machine kind's 32 MiB L3, so the reads come from DRAM. {@code @Setup} checks
 * the loop's sum once.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
@State(Scope.Thread)
public class BandwidthBenchmark {
    private static final int FLOATS = 32 << 20;
    private static final int BYTES = FLOATS * Float.BYTES;

    private final VectorReadLoop loop = new VectorReadLoop();
    private float[] data;

    @Setup(Level.Trial)
    public void setUp() {
        data = new float[FLOATS];
        Arrays.fill(data, 0.25f); // sums stay exact in float up to 2^24 · 0.25 per lane
        float sum = loop.sum(data, 0, data.length);
        if (sum != 0.25f * FLOATS) {
            throw new IllegalStateException("read loop sums to " + sum + " but " + 0.25f * FLOATS + " was expected");
        }
    }

    /** Read bandwidth of one thread. */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BYTES)
    public float read1Thread() {
        return loop.sum(data, 0, data.length);
    }

    /** Read bandwidth of two threads together. */
    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BYTES)
    public float read2Threads() {
        return loop.sum(data, 0, data.length);
    }
}
