package dev.flashvec.cli;

import dev.flashvec.gemm.Gemm;
import dev.flashvec.gemm.Transpose;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.reference.SampledCheck;
import dev.flashvec.report.JsonLine;
import dev.flashvec.simd.Backend;
import dev.flashvec.simd.Simd;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code flashvec bench gemm}: SGEMM {@code C = A·B} (or {@code A·Bᵀ}) GFLOP/s against the FMA peak. */
@Command(name = "gemm", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Times SGEMM C = A·B (A is M×K, B is K×N, or N×K with --transpose-b) on random N(0,1) inputs.",
            "impl \"blocked\" is flashvec's Gemm on this JVM's backend. Baselines: \"scalar\" is the same Gemm on the"
                    + " scalar backend; \"reference\" is a naive triple loop (rows split over the threads), only"
                    + " sensible for small sizes. GFLOP/s counts 2·M·N·K per call.",
            "Output, one line per implementation and repeat: {\"bench\":\"gemm\",\"M\":…,\"N\":…,\"K\":…,"
                    + "\"transposeB\":…,\"threads\":…,\"impl\":…,\"gflops\":…,\"peakGflops\":…,\"fractionOfPeak\":…,"
                    + "\"ms\":…,\"msMin\":…,\"calls\":…,\"backend\":…,\"vectorBits\":…,\"run\":…}"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Main.EXIT_0, BenchCommand.EXIT_1, Main.EXIT_2,
            Main.EXIT_3})
final class BenchGemmCommand implements Callable<Integer> {
    /** What {@code --baseline} may name. */
    enum Baseline { SCALAR, REFERENCE }

    @Spec
    private CommandSpec spec;

    @Option(names = "--m", required = true, paramLabel = "M", description = "Rows of A and C.")
    private int m;

    @Option(names = "--n", paramLabel = "N", description = "Columns of B and C (default: M).")
    private Integer n;

    @Option(names = "--k", paramLabel = "K", description = "Columns of A, rows of B (default: M).")
    private Integer k;

    @Option(names = "--transpose-b", description = "B is stored N×K and C = A·Bᵀ (as K is in attention).")
    private boolean transposeB;

    @Option(names = "--baseline", paramLabel = "scalar|reference", split = ",", converter = BaselineConverter.class,
            description = "Also time a baseline the same way: scalar (Gemm on the scalar backend) or reference (a"
                    + " naive loop); repeatable or comma-separated.")
    private List<Baseline> baselines = new ArrayList<>();

    @Mixin
    private BenchOptions bench;

    @Override
    public Integer call() {
        bench.validate();
        int cols = n != null ? n : m, depth = k != null ? k : m;
        BenchOptions.positive("--m", m);
        BenchOptions.positive("--n", cols);
        BenchOptions.positive("--k", depth);
        long aSize = count("A", m, depth), bSize = count("B", depth, cols), cSize = count("C", m, cols);
        // C per implementation, so a baseline's result does not overwrite the one being checked.
        BenchOptions.checkHeap("bench gemm", 4.0 * (aSize + bSize + cSize * (1 + baselines.size())));
        Random random = new Random(1234);
        float[] a = normal(random, (int) aSize), b = normal(random, (int) bSize);
        Transpose tb = transposeB ? Transpose.YES : Transpose.NO;
        int ldb = transposeB ? depth : cols;
        try (ComputePool pool = ComputePool.create(bench.threads)) {
            List<BenchRunner.Subject> subjects = new ArrayList<>();
            subjects.add(blocked("blocked", Gemm.create(Simd.backend(), pool), tb, cols, depth, a, b, ldb, random));
            for (Baseline baseline : baselines.stream().distinct().toList()) {
                subjects.add(switch (baseline) {
                    case SCALAR -> blocked("scalar", Gemm.create(Backend.SCALAR, pool), tb, cols, depth, a, b, ldb,
                            random);
                    case REFERENCE -> reference(pool, cols, depth, a, b, random);
                });
            }
            BenchRunner runner = new BenchRunner(bench, spec.commandLine().getOut(), spec.commandLine().getErr());
            return runner.run("gemm", 2.0 * m * cols * depth, subjects, () -> new JsonLine().add("bench", "gemm")
                    .add("M", m).add("N", cols).add("K", depth).add("transposeB", transposeB));
        }
    }

    private BenchRunner.Subject blocked(String impl, Gemm gemm, Transpose tb, int cols, int depth, float[] a, float[] b,
                                        int ldb, Random random) {
        float[] c = new float[m * cols];
        return new BenchRunner.Subject(impl,
                () -> gemm.multiply(Transpose.NO, tb, m, cols, depth, 1f, a, 0, depth, b, 0, ldb, 0f, c, 0, cols),
                () -> SampledCheck.gemm(a, b, c, m, cols, depth, transposeB, random, 64));
    }

    /** The naive triple loop, rows split over the pool's threads. */
    private BenchRunner.Subject reference(ComputePool pool, int cols, int depth, float[] a, float[] b, Random random) {
        float[] c = new float[m * cols];
        boolean t = transposeB;
        return new BenchRunner.Subject("reference", () -> pool.parallelFor(m, i -> {
            for (int j = 0; j < cols; j++) {
                float sum = 0;
                for (int p = 0; p < depth; p++) {
                    sum += a[i * depth + p] * b[t ? j * depth + p : p * cols + j];
                }
                c[i * cols + j] = sum;
            }
        }), () -> SampledCheck.gemm(a, b, c, m, cols, depth, transposeB, random, 64));
    }

    private static long count(String name, int rows, int cols) {
        long count = (long) rows * cols;
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(name + " would be " + rows + "×" + cols + " = " + count
                    + " floats, more than a Java array can hold");
        }
        return count;
    }

    static float[] normal(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /** {@code scalar} or {@code reference}. */
    static final class BaselineConverter implements CommandLine.ITypeConverter<Baseline> {
        @Override
        public Baseline convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "scalar" -> Baseline.SCALAR;
                case "reference" -> Baseline.REFERENCE;
                default -> throw new CommandLine.TypeConversionException("a gemm baseline must be scalar or reference"
                        + " but was '" + value + "'");
            };
        }
    }
}
