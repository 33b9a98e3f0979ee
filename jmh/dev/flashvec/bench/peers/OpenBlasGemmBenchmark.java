package dev.flashvec.bench.peers;

import dev.flashvec.bench.FlopCounter;
import dev.flashvec.bench.GemmSamples;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * OpenBLAS's {@code cblas_sgemm} on the same shapes and with the same counters as {@code GemmBenchmark}, called
 * through the JDK's foreign-function API on the Java arrays themselves (critical downcalls: no copies).
 *
 * <p>Needs an OpenBLAS shared library ({@code library}, default {@code libopenblas.so.0}, e.g. Debian's
 * libopenblas0-pthread); setup fails with a clear message when it cannot be loaded. Unset
 * {@code OPENBLAS_CORETYPE} when the environment forces an older kernel (see docs/PERFORMANCE.md). Threads
 * are set with {@code openblas_set_num_threads}. Sampled entries are checked once in setup.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class OpenBlasGemmBenchmark {
    private static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

    @Param({"1024", "64x4096x64", "4096x64x4096", "1x4096x4096"})
    public String size;
    @Param({"NN", "NT"})
    public String op;
    @Param({"1", "2"})
    public int threads;
    @Param({"libopenblas.so.0"})
    public String library;

    private int m, n, k, ldb;
    private boolean transB;
    private float[] a, b, c;
    private MethodHandle sgemm;

    @Setup(Level.Trial)
    public void setUp() throws Throwable {
        String[] dims = size.split("x");
        m = Integer.parseInt(dims[0]);
        n = Integer.parseInt(dims[dims.length == 3 ? 1 : 0]);
        k = Integer.parseInt(dims[dims.length == 3 ? 2 : 0]);
        transB = switch (op) {
            case "NN" -> false;
            case "NT" -> true;
            default -> throw new IllegalArgumentException("op must be NN or NT but was " + op);
        };
        ldb = transB ? k : n;
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup(library, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot load OpenBLAS from '" + library + "' (install Debian's"
                    + " libopenblas0-pthread or pass -p library=/path/to/libopenblas.so)", e);
        }
        Linker linker = Linker.nativeLinker();
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT;
        sgemm = linker.downcallHandle(lib.find("cblas_sgemm").orElseThrow(),
                FunctionDescriptor.ofVoid(i, i, i, i, i, i, f, ValueLayout.ADDRESS, i, ValueLayout.ADDRESS, i, f,
                        ValueLayout.ADDRESS, i),
                Linker.Option.critical(true));
        MethodHandle setThreads = linker.downcallHandle(lib.find("openblas_set_num_threads").orElseThrow(),
                FunctionDescriptor.ofVoid(i));
        setThreads.invokeExact(threads);
        MethodHandle coreName = linker.downcallHandle(lib.find("openblas_get_corename").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS));
        String core = ((MemorySegment) coreName.invokeExact()).reinterpret(64).getString(0);
        Random r = new Random(1234);
        a = random(r, m * k);
        b = random(r, k * n);
        c = new float[m * n];
        run();
        GemmSamples.verify("OpenBLAS", a, b, c, m, n, k, transB, r);
        System.out.println("# OpenBLAS from " + library + ", kernel core " + core + ", OPENBLAS_CORETYPE="
                + System.getenv().getOrDefault("OPENBLAS_CORETYPE", "(unset)"));
    }

    /** One multiplication {@code C = A·op(B)}. */
    @Benchmark
    public float[] multiply(FlopCounter counter) throws Throwable {
        run();
        counter.flops += 2L * m * n * k;
        return c;
    }

    private void run() throws Throwable {
        sgemm.invokeExact(ROW_MAJOR, NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, 1f, MemorySegment.ofArray(a), k,
                MemorySegment.ofArray(b), ldb, 0f, MemorySegment.ofArray(c), n);
    }

    private static float[] random(Random r, int count) {
        float[] x = new float[count];
        for (int idx = 0; idx < count; idx++) {
            x[idx] = (float) r.nextGaussian();
        }
        return x;
    }
}
