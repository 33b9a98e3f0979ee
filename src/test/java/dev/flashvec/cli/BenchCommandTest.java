package dev.flashvec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.attention.Attention;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.reference.SampledCheck;
import dev.flashvec.report.Json;
import dev.flashvec.report.JsonValue;
import dev.flashvec.simd.Backend;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tiny sizes and hundredths of seconds throughout: these tests check output and arguments, never speed. */
class BenchCommandTest {
    private static final String[] QUICK = {"--warmup-seconds", "0", "--seconds", "0.01", "--peak-seconds", "0.01"};

    private static String[] args(String... args) {
        return Stream.concat(Stream.of(args), Stream.of(QUICK)).toArray(String[]::new);
    }

    /** Every stdout line, parsed; fails unless stdout holds only JSON objects. */
    private static List<JsonValue.Obj> lines(Cli.Run run) {
        List<JsonValue.Obj> objects = new ArrayList<>();
        for (String line : run.out().split("\n")) {
            objects.add(assertInstanceOf(JsonValue.Obj.class, Json.parse(line), line));
        }
        return objects;
    }

    private static void assertMeasurement(JsonValue.Obj o, String impl, int threads) {
        assertEquals(impl, o.string("impl"));
        assertEquals(threads, o.number("threads"));
        double gflops = o.number("gflops"), peak = o.number("peakGflops");
        assertTrue(gflops > 0 && peak > 0 && o.number("ms") > 0 && o.number("msMin") > 0, o::toString);
        assertTrue(o.number("msMin") <= o.number("ms"), o::toString);
        assertEquals(gflops / peak, o.number("fractionOfPeak"), 0.01 * gflops / peak + 1e-9, o::toString);
        assertTrue(o.number("calls") >= 1, o::toString);
        assertEquals(Simd.backend().name(), o.string("backend"));
        assertEquals(Simd.vectorBits(), o.number("vectorBits"));
    }

    @Test
    void attentionPrintsOneJsonLinePerImplementation() {
        Cli.Run run = Cli.run(args("bench", "attention", "--batch", "2", "--heads", "4", "--kv-heads", "2", "--sq", "9",
                "--sk", "13", "--dim", "8", "--causal", "bottom-right", "--baseline", "materialized,reference",
                "--threads", "2"));
        assertEquals(Main.OK, run.code(), run::toString);
        List<JsonValue.Obj> lines = lines(run);
        assertEquals(3, lines.size(), run::toString);
        List<String> keys = List.of("bench", "B", "S", "L", "D", "H", "HKV", "causal", "alignment", "threads", "impl",
                "gflops", "peakGflops", "fractionOfPeak", "ms", "msMin", "calls", "backend", "vectorBits", "run");
        String[] impls = {"fused", "materialized", "reference"};
        for (int i = 0; i < 3; i++) {
            JsonValue.Obj o = lines.get(i);
            assertEquals(keys, List.copyOf(o.members().keySet()));
            assertEquals("attention", o.string("bench"));
            assertEquals(List.of(2.0, 9.0, 13.0, 8.0, 4.0, 2.0), Stream.of("B", "S", "L", "D", "H", "HKV")
                    .map(o::number).toList());
            assertEquals(new JsonValue.Bool(true), o.get("causal"));
            assertEquals("bottom-right", o.string("alignment"));
            assertEquals(1, o.number("run"));
            assertMeasurement(o, impls[i], 2);
            // GFLOP/s counts 4·B·H·S·L·D per call, from the median time.
            assertEquals(4.0 * 2 * 4 * 9 * 13 * 8 / (o.number("ms") * 1e6), o.number("gflops"),
                    0.002 * o.number("gflops"));
        }
        assertTrue(run.err().contains("bench: FMA peak on 2 threads"), run::toString);
        assertTrue(run.err().contains("bench: attention reference: one call, then a check"), run::toString);
    }

    @Test
    void attentionDefaultsAndCausalFlagAlone() {
        Cli.Run run = Cli.run(args("bench", "attention", "--heads", "2", "--sq", "5", "--dim", "4", "--causal"));
        assertEquals(Main.OK, run.code(), run::toString);
        JsonValue.Obj o = lines(run).get(0);
        assertEquals(List.of(1.0, 5.0, 5.0, 4.0, 2.0, 2.0), Stream.of("B", "S", "L", "D", "H", "HKV")
                .map(o::number).toList());
        assertEquals("top-left", o.string("alignment"));
        assertMeasurement(o, "fused", 1);
        Cli.Run plain = Cli.run(args("bench", "attention", "--heads", "1", "--sq", "3", "--dim", "2", "--repeat", "2"));
        List<JsonValue.Obj> two = lines(plain);
        assertEquals(2, two.size(), plain::toString);
        assertEquals(new JsonValue.Bool(false), two.get(0).get("causal"));
        assertTrue(!two.get(0).has("alignment"));
        assertEquals(List.of(1.0, 2.0), two.stream().map(x -> x.number("run")).toList());
    }

    @Test
    void gemmPrintsOneJsonLinePerImplementation() {
        Cli.Run run = Cli.run(args("bench", "gemm", "--m", "7", "--n", "5", "--k", "3", "--transpose-b",
                "--baseline", "scalar", "--baseline", "reference"));
        assertEquals(Main.OK, run.code(), run::toString);
        List<JsonValue.Obj> lines = lines(run);
        assertEquals(3, lines.size(), run::toString);
        String[] impls = {"blocked", "scalar", "reference"};
        for (int i = 0; i < 3; i++) {
            JsonValue.Obj o = lines.get(i);
            assertEquals(List.of("bench", "M", "N", "K", "transposeB", "threads", "impl", "gflops", "peakGflops",
                    "fractionOfPeak", "ms", "msMin", "calls", "backend", "vectorBits", "run"),
                    List.copyOf(o.members().keySet()));
            assertEquals("gemm", o.string("bench"));
            assertEquals(List.of(7.0, 5.0, 3.0), Stream.of("M", "N", "K").map(o::number).toList());
            assertEquals(new JsonValue.Bool(true), o.get("transposeB"));
            assertMeasurement(o, impls[i], 1);
            assertEquals(2.0 * 7 * 5 * 3 / (o.number("ms") * 1e6), o.number("gflops"), 0.002 * o.number("gflops"));
        }
        Cli.Run square = Cli.run(args("bench", "gemm", "--m", "4"));
        JsonValue.Obj o = lines(square).get(0);
        assertEquals(List.of(4.0, 4.0, 4.0), Stream.of("M", "N", "K").map(o::number).toList());
        assertEquals(new JsonValue.Bool(false), o.get("transposeB"));
    }

    @Test
    void peakPrintsOneLinePerRepeat() {
        Cli.Run run = Cli.run("bench", "peak", "--threads", "2", "--warmup-seconds", "0", "--seconds", "0.01",
                "--repeat", "2");
        assertEquals(Main.OK, run.code(), run::toString);
        List<JsonValue.Obj> lines = lines(run);
        assertEquals(2, lines.size());
        for (int i = 0; i < 2; i++) {
            JsonValue.Obj o = lines.get(i);
            assertEquals(List.of("bench", "threads", "gflops", "gflopsPerThread", "backend", "vectorBits", "seconds",
                    "run"), List.copyOf(o.members().keySet()));
            assertEquals("peak", o.string("bench"));
            assertEquals(2, o.number("threads"));
            assertEquals(o.number("gflops") / 2, o.number("gflopsPerThread"), 1e-3 * o.number("gflops"));
            assertEquals(Simd.backend().name(), o.string("backend"));
            assertEquals(i + 1, o.number("run"));
        }
    }

    static Stream<Arguments> userErrors() {
        return Stream.of(
                Arguments.of(new String[] {"bench"}, "flashvec: Missing required subcommand (see 'flashvec bench --help')"),
                Arguments.of(new String[] {"bench", "attention"},
                        "flashvec: Missing required option: '--sq=S' (see 'flashvec bench attention --help')"),
                Arguments.of(new String[] {"bench", "attention", "--sq", "0"}, "flashvec: --sq must be >= 1 but was 0"),
                Arguments.of(new String[] {"bench", "attention", "--sq", "4", "--sk", "-1"},
                        "flashvec: --sk must be >= 1 but was -1"),
                Arguments.of(new String[] {"bench", "attention", "--sq", "4", "--dim", "0"},
                        "flashvec: --dim must be >= 1 but was 0"),
                Arguments.of(new String[] {"bench", "attention", "--sq", "4", "--batch", "0"},
                        "flashvec: --batch must be >= 1 but was 0"),
                Arguments.of(new String[] {"bench", "attention", "--sq", "4", "--heads", "6", "--kv-heads", "4"},
                        "flashvec: --heads H=6 must be a multiple of --kv-heads HKV=4"),
                Arguments.of(new String[] {"bench", "attention", "--sq", "4", "--kv-heads", "0"},
                        "flashvec: --kv-heads must be >= 1 but was 0"),
                Arguments.of(new String[] {"bench", "attention", "--sq", "4", "--baseline", "naive"},
                        "flashvec: Invalid value for option '--baseline' (materialized|reference): an attention baseline"
                                + " must be materialized or reference but was 'naive' (see 'flashvec bench attention"
                                + " --help')"),
                Arguments.of(new String[] {"bench", "attention", "--sq", "4", "--causal", "diagonal"},
                        "flashvec: Invalid value for option '--causal': causal must be none,"
                                + " top-left or bottom-right but was 'diagonal' (see 'flashvec bench attention --help')"),
                Arguments.of(new String[] {"bench", "attention", "--sq", "4", "--threads", "0"},
                        "flashvec: --threads must be between 1 and 1024 but was 0"),
                Arguments.of(new String[] {"bench", "attention", "--sq", "4", "--seconds", "0"},
                        "flashvec: --seconds must be > 0 and at most 3600 but was 0.0"),
                Arguments.of(new String[] {"bench", "attention", "--sq", "4", "--seconds", "NaN"},
                        "flashvec: --seconds must be > 0 and at most 3600 but was NaN"),
                Arguments.of(new String[] {"bench", "attention", "--sq", "4", "--warmup-seconds", "-1"},
                        "flashvec: --warmup-seconds must be >= 0 and at most 3600 but was -1.0"),
                Arguments.of(new String[] {"bench", "attention", "--sq", "4", "--repeat", "0"},
                        "flashvec: --repeat must be >= 1 but was 0"),
                Arguments.of(new String[] {"bench", "attention", "--sq", "100000", "--sk", "100000", "--heads", "1",
                        "--dim", "1", "--baseline", "materialized"}, "flashvec: the materialized baseline's S×L score"
                        + " matrix (100000×100000) is more than a Java array can hold"),
                Arguments.of(new String[] {"bench", "attention", "--sq", "65536", "--heads", "64", "--dim", "1024"},
                        "flashvec: Q shape [1, 64, 65536, 1024] has more elements than a Java array can index (2147483639)"),
                Arguments.of(new String[] {"bench", "gemm"},
                        "flashvec: Missing required option: '--m=M' (see 'flashvec bench gemm --help')"),
                Arguments.of(new String[] {"bench", "gemm", "--m", "4", "--k", "0"}, "flashvec: --k must be >= 1 but was 0"),
                Arguments.of(new String[] {"bench", "gemm", "--m", "100000", "--n", "100000", "--k", "1"},
                        "flashvec: C would be 100000×100000 = 10000000000 floats, more than a Java array can hold"),
                Arguments.of(new String[] {"bench", "gemm", "--m", "4", "--baseline", "materialized"},
                        "flashvec: Invalid value for option '--baseline' (scalar|reference): a gemm baseline must be"
                                + " scalar or reference but was 'materialized' (see 'flashvec bench gemm --help')"),
                Arguments.of(new String[] {"bench", "gemm", "--m", "x"},
                        "flashvec: Invalid value for option '--m': 'x' is not an int (see 'flashvec bench gemm --help')"),
                Arguments.of(new String[] {"bench", "peak", "--threads", "2000"},
                        "flashvec: --threads must be between 1 and 1024 but was 2000"),
                Arguments.of(new String[] {"bench", "peak", "--baseline", "scalar"},
                        "flashvec: Unknown options: '--baseline', 'scalar' (see 'flashvec bench peak --help')"));
    }

    @ParameterizedTest
    @MethodSource("userErrors")
    void badArgumentsAreOneLineUserErrors(String[] args, String message) {
        Cli.Run run = Cli.run(args);
        assertEquals(Main.USER_ERROR, run.code(), run::toString);
        assertEquals("", run.out(), run::toString);
        assertEquals(message, run.err().strip(), run::toString);
        assertEquals(1, run.err().strip().lines().count(), run::toString);
    }

    @Test
    void tooLargeForTheHeapIsAUserError() {
        long floats = Runtime.getRuntime().maxMemory() / 4;
        int m = (int) Math.min(Integer.MAX_VALUE - 8, floats / 2 + 1);
        Cli.Run run = Cli.run("bench", "gemm", "--m", "1", "--n", String.valueOf(m), "--k", "1");
        assertEquals(Main.USER_ERROR, run.code(), run::toString);
        assertTrue(run.err().startsWith("flashvec: bench gemm needs about "), run::toString);
        assertTrue(run.err().strip().endsWith("use smaller sizes or give the JVM more with -Xmx"), run::toString);
    }

    @Test
    void helpOfEverySubcommand() {
        for (String sub : new String[] {"peak", "gemm", "attention"}) {
            Cli.Run help = Cli.run("bench", sub, "--help");
            assertEquals(Main.OK, help.code(), help::toString);
            assertTrue(help.out().startsWith("Usage: flashvec bench " + sub), help::toString);
            assertTrue(help.out().contains("--warmup-seconds"), help::toString);
            assertTrue(!help.out().contains("--peak-seconds"), "hidden option stays hidden");
        }
        Cli.Run top = Cli.run("--help");
        assertTrue(top.out().contains("bench") && top.out().contains("report"), top::toString);
    }

    @Test
    void sampledAttentionCheckCatchesAWrongElement() {
        Random r = new Random(3);
        Tensor q = tensor(r, 2, 3, 5, 4), k = tensor(r, 2, 1, 7, 4), v = tensor(r, 2, 1, 7, 4);
        for (CausalAlignment causal : CausalAlignment.values()) {
            AttentionOptions options = AttentionOptions.builder().causal(causal).build();
            Tensor o = Attention.create().forward(q, k, v, options);
            assertNull(SampledCheck.attention(q, k, v, options, o::get, new Random(1), 8), causal::toString);
            // The last row of the last head is always sampled.
            String problem = SampledCheck.attention(q, k, v, options,
                    (b, h, i, d) -> o.get(b, h, i, d) + (b == 1 && h == 2 && i == 4 && d == 3 ? 1e-3 : 0), new Random(1), 8);
            assertTrue(problem != null && problem.startsWith("O[1,2,4,3] = "), problem);
        }
        // Bottom-right with Sq > Sk leaves the first query rows without keys: they must be 0.
        Tensor longQ = tensor(r, 1, 1, 6, 4), shortK = tensor(r, 1, 1, 2, 4), shortV = tensor(r, 1, 1, 2, 4);
        AttentionOptions br = AttentionOptions.builder().causal(CausalAlignment.BOTTOM_RIGHT).build();
        Tensor o = Attention.create().forward(longQ, shortK, shortV, br);
        assertEquals(0f, o.get(0, 0, 3, 0));
        assertNull(SampledCheck.attention(longQ, shortK, shortV, br, o::get, new Random(2), 8));
        assertTrue(SampledCheck.attention(longQ, shortK, shortV, br, (b, h, i, d) -> 0.5, new Random(2), 8) != null);
    }

    @Test
    void sampledGemmCheckCatchesAWrongEntry() {
        Random r = new Random(4);
        int m = 5, n = 6, k = 7;
        float[] a = BenchGemmCommand.normal(r, m * k), b = BenchGemmCommand.normal(r, k * n), c = new float[m * n];
        for (boolean t : new boolean[] {false, true}) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += (double) a[i * k + p] * b[t ? j * k + p : p * n + j];
                    }
                    c[i * n + j] = (float) s;
                }
            }
            assertNull(SampledCheck.gemm(a, b, c, m, n, k, t, new Random(5), 64));
            c[m * n - 1] += 1e-3f;
            String problem = SampledCheck.gemm(a, b, c, m, n, k, t, new Random(5), 64);
            assertTrue(problem != null && problem.startsWith("C[4][5] = "), problem);
        }
    }

    @Test
    void scalarPeakIsAnEstimateSaidToBeScalar() {
        FmaPeak.Result r = FmaPeak.measure(Backend.SCALAR, 2, 0, 0.01);
        assertEquals(Backend.SCALAR, r.backend());
        assertEquals(0, r.vectorBits());
        assertEquals(2, r.threads());
        assertTrue(r.gflops() > 0 && Double.isFinite(r.gflops()), r::toString);
        assertEquals(2L * 16 * 4096, new FmaPeak.ScalarChains().flopsPerRun());
    }

    @Test
    void callTimerCountsCallsAndTakesTheMedian() {
        int[] calls = {0};
        CallTimer.Timing t = CallTimer.time(() -> calls[0]++, 0, 0.005);
        assertTrue(t.calls() >= 1 && t.samples() >= 1, t::toString);
        assertTrue(calls[0] > t.calls(), "warm-up calls are not counted");
        assertTrue(t.minNanos() <= t.medianNanos() && t.minNanos() > 0, t::toString);
        // A call slower than the measuring time still gives one sample.
        CallTimer.Timing slow = CallTimer.time(() -> sleep(3), 0, 0.001);
        assertEquals(1, slow.samples());
        assertEquals(1, slow.calls());
        assertTrue(slow.medianNanos() >= 2.5e6, slow::toString);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Tensor tensor(Random r, int b, int h, int s, int d) {
        return Tensor.wrap(BenchGemmCommand.normal(r, b * h * s * d), Layout.BHSD, b, h, s, d);
    }
}
