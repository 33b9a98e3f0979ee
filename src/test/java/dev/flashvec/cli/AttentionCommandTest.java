package dev.flashvec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.attention.Attention;
import dev.flashvec.attention.AttentionMask;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.AttentionResult;
import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Npy;
import dev.flashvec.tensor.NpyArray;
import dev.flashvec.tensor.NpyDtype;
import dev.flashvec.tensor.Tensor;
import dev.flashvec.testing.Gen;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AttentionCommandTest {
    private static final int B = 2, HQ = 4, HKV = 2, SQ = 5, SK = 7, DK = 16, DV = 8;

    @TempDir
    Path dir;
    private final Random random = new Random(2024);
    private Tensor q, k, v;

    @BeforeEach
    void inputs() throws IOException {
        q = write("q.npy", Layout.BHSD, B, HQ, SQ, DK);
        k = write("k.npy", Layout.BHSD, B, HKV, SK, DK);
        v = write("v.npy", Layout.BHSD, B, HKV, SK, DV);
    }

    private Tensor write(String name, Layout layout, int b, int h, int s, int d) throws IOException {
        Tensor t = Tensor.wrap(Gen.normal(random, b * h * s * d), layout, b, h, s, d);
        Npy.write(dir.resolve(name), t, layout);
        return t;
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    private List<String> args(String... extra) {
        List<String> a = new ArrayList<>(List.of("attention", "--q", p("q.npy"), "--k", p("k.npy"), "--v", p("v.npy"),
                "--out", p("o.npy"), "--lse", p("lse.npy"), "--threads", "2"));
        a.addAll(List.of(extra));
        return a;
    }

    private static AttentionResult direct(Tensor q, Tensor k, Tensor v, AttentionOptions options) {
        try (ComputePool pool = ComputePool.create(1)) {
            return Attention.create(Simd.backend(), pool).forwardWithLse(q, k, v, options);
        }
    }

    /** Runs the command and checks that O and LSE are exactly what the engine gives for {@code options}. */
    private void assertMatchesEngine(List<String> args, Layout layout, AttentionOptions options) throws IOException {
        Cli.Run run = Cli.run(args.toArray(String[]::new));
        assertEquals(Main.OK, run.code(), run::toString);
        assertEquals("", run.err());
        AttentionResult want = direct(q, k, v, options);
        NpyArray o = Npy.read(dir.resolve("o.npy"));
        assertEquals(NpyDtype.FLOAT32, o.dtype());
        Tensor got = o.toTensor(layout);
        assertArrayEquals(want.output().shape(), got.shape());
        // Same engine, same inputs: SPEC requires bit-identical results for any thread count.
        assertArrayEquals(want.output().toArray(), got.toArray());
        NpyArray lse = Npy.read(dir.resolve("lse.npy"));
        assertArrayEquals(new int[] {q.batch(), q.heads(), q.seq()}, lse.shape());
        assertArrayEquals(want.lse(), lse.asFloats());
    }

    @Test
    void computesBhsdAttentionLikeTheEngine() throws IOException {
        assertMatchesEngine(args(), Layout.BHSD, AttentionOptions.defaults());
        assertArrayEquals(new int[] {B, HQ, SQ, DV}, Npy.read(dir.resolve("o.npy")).shape());
    }

    @Test
    void readsAndWritesBshd() throws IOException {
        q = write("q.npy", Layout.BSHD, B, HQ, SQ, DK);
        k = write("k.npy", Layout.BSHD, B, HKV, SK, DK);
        v = write("v.npy", Layout.BSHD, B, HKV, SK, DV);
        assertMatchesEngine(args("--layout", "bshd"), Layout.BSHD, AttentionOptions.defaults());
        assertArrayEquals(new int[] {B, SQ, HQ, DV}, Npy.read(dir.resolve("o.npy")).shape());
    }

    @Test
    void passesScaleSoftcapCausalAndWindow() throws IOException {
        AttentionOptions o = AttentionOptions.builder().scale(0.3f).softcap(2.5f).causal(CausalAlignment.BOTTOM_RIGHT)
                .window(2, AttentionOptions.UNBOUNDED).build();
        assertMatchesEngine(args("--scale", "0.3", "--softcap", "2.5", "--causal", "bottom-right", "--window", "2,-1"),
                Layout.BHSD, o);
        AttentionOptions topLeft = AttentionOptions.builder().causal(CausalAlignment.TOP_LEFT).window(1, 0).build();
        assertMatchesEngine(args("--causal", "top-left", "--window", "1,0"), Layout.BHSD, topLeft);
    }

    @Test
    void appliesBooleanMasksTwoAndFourDimensional() throws IOException {
        boolean[] allowed = new boolean[SQ * SK];
        for (int i = 0; i < allowed.length; i++) {
            allowed[i] = random.nextInt(3) > 0;
        }
        Npy.write(dir.resolve("m.npy"), NpyArray.ofBooleans(new int[] {SQ, SK}, allowed));
        assertMatchesEngine(args("--mask", p("m.npy")), Layout.BHSD,
                AttentionOptions.builder().mask(AttentionMask.allowed(allowed, 1, 1, SQ, SK)).build());

        boolean[] perHead = new boolean[HQ * SQ * SK];
        for (int i = 0; i < perHead.length; i++) {
            perHead[i] = random.nextBoolean();
        }
        Npy.write(dir.resolve("m.npy"), NpyArray.ofBooleans(new int[] {1, HQ, SQ, SK}, perHead));
        assertMatchesEngine(args("--mask", p("m.npy")), Layout.BHSD,
                AttentionOptions.builder().mask(AttentionMask.allowed(perHead, 1, HQ, SQ, SK)).build());
    }

    @Test
    void appliesAdditiveFloatMasks() throws IOException {
        float[] bias = Gen.normal(random, B * SQ * SK);
        bias[3] = Float.NEGATIVE_INFINITY;
        Npy.write(dir.resolve("m.npy"), NpyArray.ofFloats(new int[] {B, 1, SQ, SK}, bias));
        AttentionMask mask = AttentionMask.additive(Tensor.wrap(bias, Layout.BHSD, B, 1, SQ, SK));
        assertMatchesEngine(args("--mask", p("m.npy")), Layout.BHSD, AttentionOptions.builder().mask(mask).build());
    }

    @Test
    void appliesKeyLengthsFromInt32AndInt64() throws IOException {
        AttentionOptions o = AttentionOptions.builder().kvLengths(new int[] {3, 0}).build();
        Npy.write(dir.resolve("len.npy"), NpyArray.ofInts(new int[] {B}, new int[] {3, 0}));
        assertMatchesEngine(args("--kv-lengths", p("len.npy")), Layout.BHSD, o);
        Npy.write(dir.resolve("len.npy"), NpyArray.ofLongs(new int[] {B}, new long[] {3, 0}));
        assertMatchesEngine(args("--kv-lengths", p("len.npy")), Layout.BHSD, o);
        // Batch 1 has no valid key: its rows are zero with LSE -inf, never NaN.
        float[] lse = Npy.read(dir.resolve("lse.npy")).asFloats();
        assertEquals(Float.NEGATIVE_INFINITY, lse[lse.length - 1]);
    }

    @Test
    void acceptsFloat16AndFloat64InputsAndThreeDimensionalArrays() throws IOException {
        float[] halves = q.toArray();
        for (int i = 0; i < halves.length; i++) {
            halves[i] = Float.float16ToFloat(Float.floatToFloat16(halves[i]));
        }
        Npy.write(dir.resolve("q.npy"), NpyArray.ofFloats(NpyDtype.FLOAT16, new int[] {B, HQ, SQ, DK}, halves));
        Npy.write(dir.resolve("k.npy"), NpyArray.ofFloats(NpyDtype.FLOAT64, new int[] {B, HKV, SK, DK}, k.toArray()));
        q = Tensor.wrap(halves, Layout.BHSD, B, HQ, SQ, DK);
        assertMatchesEngine(args(), Layout.BHSD, AttentionOptions.defaults());

        q = write("q.npy", Layout.BHSD, B, 1, SQ, DK);
        k = write("k.npy", Layout.BHSD, B, 1, SK, DK);
        v = write("v.npy", Layout.BHSD, B, 1, SK, DV);
        for (String name : List.of("q.npy", "k.npy", "v.npy")) {
            NpyArray a = Npy.read(dir.resolve(name));
            Npy.write(dir.resolve(name), NpyArray.ofFloats(new int[] {a.dim(0), a.dim(2), a.dim(3)}, a.asFloats()));
        }
        assertMatchesEngine(args(), Layout.BHSD, AttentionOptions.defaults());
        assertArrayEquals(new int[] {B, 1, SQ, DV}, Npy.read(dir.resolve("o.npy")).shape());
    }

    @Test
    void writesOnlyTheOutputWhenNoLseIsRequested() throws IOException {
        Cli.Run run = Cli.run("attention", "--q", p("q.npy"), "--k", p("k.npy"), "--v", p("v.npy"), "--out", p("o.npy"));
        assertEquals(Main.OK, run.code(), run::toString);
        assertTrue(run.out().startsWith("wrote " + p("o.npy")), run.out());
        assertFalse(Files.exists(dir.resolve("lse.npy")));
    }

    // ---------------------------------------------------------------- user errors

    static Stream<Arguments> userErrors() {
        // name of a setup step, extra arguments, expected message (after "flashvec: "), or a fragment of it
        return Stream.of(
                Arguments.of("kdim", List.of(), "K has Dk=8 but Q has Dk=16"),
                Arguments.of("", List.of("--q", "@missing.npy"), "@missing.npy: no such file"),
                Arguments.of("garbage", List.of("--q", "@bad.npy"), "@bad.npy: not an NPY file"),
                Arguments.of("truncated", List.of("--q", "@bad.npy"), "@bad.npy: truncated"),
                Arguments.of("fortran", List.of("--q", "@bad.npy"), "Fortran"),
                Arguments.of("q2d", List.of("--q", "@bad.npy"), "@bad.npy has shape (5, 16) but a 4-D"),
                Arguments.of("qint", List.of("--q", "@bad.npy"), "@bad.npy has dtype int32 (<i4) but a float array"),
                Arguments.of("", List.of("--frobnicate"), "Unknown option: '--frobnicate' (see 'flashvec attention --help')"),
                Arguments.of("", List.of("--layout", "bsdh"), "layout must be bhsd or bshd but was 'bsdh'"),
                Arguments.of("", List.of("--causal", "left"), "causal must be none, top-left or bottom-right"),
                Arguments.of("", List.of("--window", "4"), "window must be two integers L,R"),
                Arguments.of("", List.of("--window", "-3,1"), "window sides must be >= 0 or -1"),
                Arguments.of("", List.of("--threads", "0"), "threads must be >= 1 but was 0"),
                Arguments.of("", List.of("--threads", "many"), "'many' is not an int"),
                Arguments.of("", List.of("--softcap", "-1"), "softcap must be finite and >= 0"),
                Arguments.of("", List.of("--scale", "Infinity"), "scale must be finite"),
                Arguments.of("maskint", List.of("--mask", "@m.npy"), "@m.npy has dtype int32 (<i4) but a mask must be bool"),
                Arguments.of("mask3d", List.of("--mask", "@m.npy"), "@m.npy has shape (1, 5, 7) but a mask must be 2-D"),
                Arguments.of("maskcols", List.of("--mask", "@m.npy"), "mask must have Sk=7 columns but has 6"),
                Arguments.of("maskheads", List.of("--mask", "@m.npy"), "mask heads must be 1 or Hq=4 but was 2"),
                Arguments.of("len2d", List.of("--kv-lengths", "@len.npy"), "@len.npy has shape (2, 1) but key lengths must be 1-D"),
                Arguments.of("lenfloat", List.of("--kv-lengths", "@len.npy"), "@len.npy has dtype float32 (<f4) but an integer"),
                Arguments.of("lenlong", List.of("--kv-lengths", "@len.npy"), "@len.npy: element 1 is 4294967296"),
                Arguments.of("lenbig", List.of("--kv-lengths", "@len.npy"), "kvLengths[1] must be <= Sk=7 but was 8"),
                Arguments.of("lencount", List.of("--kv-lengths", "@len.npy"), "kvLengths must have one entry per batch (2)"),
                Arguments.of("", List.of("--out", "@nodir/o.npy"), "directory"),
                Arguments.of("", List.of("--lse", "@o.npy"), "--out and --lse name the same file"));
    }

    @ParameterizedTest
    @MethodSource("userErrors")
    void userErrorsPrintOneLineExitTwoAndWriteNothing(String setup, List<String> extra, String message) throws IOException {
        setUp(setup);
        Files.write(dir.resolve("lse.npy"), new byte[] {42}); // an existing output must survive a failed run
        List<String> a = args();
        for (int i = 0; i < extra.size(); i++) {
            String e = extra.get(i);
            String value = i + 1 < extra.size() ? extra.get(i + 1) : null;
            if (value != null && !value.startsWith("--")) {
                i++;
                value = value.startsWith("@") ? p(value.substring(1)) : value;
            } else {
                value = null;
            }
            int at = a.indexOf(e);
            if (at >= 0 && value != null) {
                a.set(at + 1, value); // replace an option the defaults already give
            } else {
                a.add(e);
                if (value != null) {
                    a.add(value);
                }
            }
        }
        Cli.Run run = Cli.run(a.toArray(String[]::new));
        assertEquals(Main.USER_ERROR, run.code(), run::toString);
        String expected = message.replace("@", dir + "/");
        assertTrue(run.err().startsWith("flashvec: "), run::toString);
        assertTrue(run.err().contains(expected), () -> "expected '" + expected + "' in\n" + run);
        assertEquals(1, run.err().lines().count(), run::toString);
        assertEquals("", run.out());
        assertFalse(Files.exists(dir.resolve("o.npy")), "no output file");
        assertArrayEquals(new byte[] {42}, Files.readAllBytes(dir.resolve("lse.npy")), "existing output untouched");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList());
        }
    }

    private void setUp(String setup) throws IOException {
        Path bad = dir.resolve("bad.npy"), m = dir.resolve("m.npy"), len = dir.resolve("len.npy");
        switch (setup) {
            case "" -> { }
            case "kdim" -> write("k.npy", Layout.BHSD, B, HKV, SK, 8);
            case "garbage" -> Files.writeString(bad, "x,y\n1,2\n");
            case "truncated" -> {
                byte[] good = Files.readAllBytes(dir.resolve("q.npy"));
                Files.write(bad, Arrays.copyOf(good, good.length - 3));
            }
            case "fortran" -> {
                String text = Files.readString(dir.resolve("q.npy"), java.nio.charset.StandardCharsets.ISO_8859_1);
                Files.writeString(bad, text.replace("'fortran_order': False", "'fortran_order': True "),
                        java.nio.charset.StandardCharsets.ISO_8859_1);
            }
            case "q2d" -> Npy.write(bad, NpyArray.ofFloats(new int[] {SQ, DK}, new float[SQ * DK]));
            case "qint" -> Npy.write(bad, NpyArray.ofInts(new int[] {B, HQ, SQ, DK}, new int[B * HQ * SQ * DK]));
            case "maskint" -> Npy.write(m, NpyArray.ofInts(new int[] {SQ, SK}, new int[SQ * SK]));
            case "mask3d" -> Npy.write(m, NpyArray.ofBooleans(new int[] {1, SQ, SK}, new boolean[SQ * SK]));
            case "maskcols" -> Npy.write(m, NpyArray.ofBooleans(new int[] {SQ, SK - 1}, new boolean[SQ * (SK - 1)]));
            case "maskheads" -> Npy.write(m, NpyArray.ofFloats(new int[] {1, 2, SQ, SK}, new float[2 * SQ * SK]));
            case "len2d" -> Npy.write(len, NpyArray.ofInts(new int[] {B, 1}, new int[] {1, 1}));
            case "lenfloat" -> Npy.write(len, NpyArray.ofFloats(new int[] {B}, new float[] {1, 1}));
            case "lenlong" -> Npy.write(len, NpyArray.ofLongs(new int[] {B}, new long[] {1, 1L << 32}));
            case "lenbig" -> Npy.write(len, NpyArray.ofInts(new int[] {B}, new int[] {1, SK + 1}));
            case "lencount" -> Npy.write(len, NpyArray.ofInts(new int[] {3}, new int[] {1, 1, 1}));
            default -> throw new IllegalArgumentException(setup);
        }
    }

    @Test
    void missingRequiredOptionIsAUserError() {
        Cli.Run run = Cli.run("attention", "--q", p("q.npy"), "--k", p("k.npy"), "--v", p("v.npy"));
        assertEquals(Main.USER_ERROR, run.code());
        assertEquals("flashvec: Missing required option: '--out=O.npy' (see 'flashvec attention --help')", run.err().strip());
    }

    @Test
    void helpDescribesTheCommand() {
        Cli.Run run = Cli.run("attention", "--help");
        assertEquals(Main.OK, run.code());
        for (String option : List.of("--q", "--k", "--v", "--out", "--lse", "--layout", "--scale", "--softcap", "--causal",
                "--window", "--mask", "--kv-lengths", "--threads")) {
            assertTrue(run.out().contains(option), option);
        }
    }
}
