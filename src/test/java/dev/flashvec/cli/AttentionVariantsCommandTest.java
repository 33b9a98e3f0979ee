package dev.flashvec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.attention.Attention;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.AttentionResult;
import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.position.RotaryEmbedding;
import dev.flashvec.position.RotaryStyle;
import dev.flashvec.scoring.AdditiveAttention;
import dev.flashvec.scoring.AdditiveWeights;
import dev.flashvec.scoring.ScoreFunction;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Npy;
import dev.flashvec.tensor.NpyArray;
import dev.flashvec.tensor.Tensor;
import dev.flashvec.testing.Gen;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code attention --rope/--score}: the files hold exactly what the library computes for the same variant. */
class AttentionVariantsCommandTest {
    private static final int B = 1, H = 2, SQ = 5, SK = 7, D = 8, DV = 3, DA = 5;

    @TempDir
    Path dir;
    private final Random random = new Random(5);
    private Tensor q, k, v;

    @BeforeEach
    void inputs() throws IOException {
        q = write("q.npy", SQ, D);
        k = write("k.npy", SK, D);
        v = write("v.npy", SK, DV);
    }

    private Tensor write(String name, int s, int d) throws IOException {
        Tensor t = Tensor.wrap(Gen.normal(random, B * H * s * d), Layout.BHSD, B, H, s, d);
        Npy.write(dir.resolve(name), t, Layout.BHSD);
        return t;
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    private Cli.Run run(String... extra) {
        List<String> a = new ArrayList<>(List.of("attention", "--q", p("q.npy"), "--k", p("k.npy"), "--v", p("v.npy"),
                "--out", p("o.npy"), "--lse", p("lse.npy"), "--threads", "1", "--causal", "bottom-right"));
        a.addAll(List.of(extra));
        return Cli.run(a.toArray(String[]::new));
    }

    private void assertFilesHold(AttentionResult want) throws IOException {
        assertArrayEquals(want.output().toArray(), Npy.read(dir.resolve("o.npy")).asFloats());
        assertArrayEquals(want.lse(), Npy.read(dir.resolve("lse.npy")).asFloats());
    }

    private AttentionResult direct(Function<Attention, AttentionResult> f) {
        try (ComputePool pool = ComputePool.create(1)) {
            return f.apply(Attention.create(Simd.backend(), pool));
        }
    }

    private static final AttentionOptions CAUSAL = AttentionOptions.builder().causal(CausalAlignment.BOTTOM_RIGHT).build();

    @Test
    void ropeRotatesQueriesAtTheOffsetAndKeysFromZero() throws IOException {
        Cli.Run r = run("--rope", "half", "--rope-offset", "2");
        assertEquals(Main.OK, r.code(), r::toString);
        RotaryEmbedding rope = RotaryEmbedding.of(D, RotaryStyle.HALF_SPLIT);
        assertFilesHold(direct(a -> a.forwardWithLse(rope.apply(q, 2), rope.apply(k, 0), v, CAUSAL)));
    }

    @Test
    void dotCosineAndBilinearScores() throws IOException {
        assertEquals(Main.OK, run("--score", "dot").code());
        assertFilesHold(direct(a -> ScoreFunction.dot().forwardWithLse(a, q, k, v, CAUSAL)));
        assertEquals(Main.OK, run("--score", "cosine", "--temperature", "0.25").code());
        assertFilesHold(direct(a -> ScoreFunction.cosine(0.25f).forwardWithLse(a, q, k, v, CAUSAL)));
        float[] w = Gen.normal(random, D * D);
        Npy.write(dir.resolve("w.npy"), NpyArray.ofFloats(new int[] {D, D}, w));
        Cli.Run r = run("--score", "bilinear", "--bilinear-weight", p("w.npy"));
        assertEquals(Main.OK, r.code(), r::toString);
        assertFilesHold(direct(a -> ScoreFunction.bilinear(w, D, D).forwardWithLse(a, q, k, v, CAUSAL)));
    }

    @Test
    void additiveScore() throws IOException {
        float[] wq = Gen.normal(random, DA * D), wk = Gen.normal(random, DA * D), av = Gen.normal(random, DA);
        Npy.write(dir.resolve("wq.npy"), NpyArray.ofFloats(new int[] {DA, D}, wq));
        Npy.write(dir.resolve("wk.npy"), NpyArray.ofFloats(new int[] {DA, D}, wk));
        Npy.write(dir.resolve("av.npy"), NpyArray.ofFloats(new int[] {DA}, av));
        Cli.Run r = run("--score", "additive", "--additive-wq", p("wq.npy"), "--additive-wk", p("wk.npy"),
                "--additive-v", p("av.npy"));
        assertEquals(Main.OK, r.code(), r::toString);
        try (ComputePool pool = ComputePool.create(1)) {
            assertFilesHold(AdditiveAttention.create(Simd.backend(), pool).forwardWithLse(q, k, v,
                    new AdditiveWeights(wq, wk, av, DA, D, D), CAUSAL));
        }
    }

    @Test
    void inconsistentVariantFlagsAreOneLineUserErrors() throws IOException {
        Npy.write(dir.resolve("w3.npy"), NpyArray.ofFloats(new int[] {2, 2, 2}, new float[8]));
        String[][] cases = {
            {"--score", "bilinear"},
            {"--temperature", "2"},
            {"--score", "additive", "--additive-wq", p("q.npy")},
            {"--score", "dot", "--scale", "0.5"},
            {"--score", "bilinear", "--bilinear-weight", p("w3.npy")},
            {"--rope", "sideways"},
            {"--score", "cosine", "--temperature", "0"},
        };
        String[] expected = {
            "--score bilinear needs --bilinear-weight",
            "--temperature applies only to --score cosine",
            "--score additive needs all of --additive-wq, --additive-wk and --additive-v",
            "the dot-product score fixes the scale to 1.0 but options set scale=0.5",
            "but a bilinear W must be 2-D [Dq, Dk]",
            "expected interleaved or half but was 'sideways'",
            "temperature must be finite and > 0 but was 0.0",
        };
        for (int c = 0; c < cases.length; c++) {
            Cli.Run r = run(cases[c]);
            assertEquals(Main.USER_ERROR, r.code(), r::toString);
            assertEquals(1, r.err().lines().count(), r::toString);
            assertTrue(r.err().contains(expected[c]), r::toString);
            assertFalse(Files.exists(dir.resolve("o.npy")), "no output after a failed run");
        }
    }
}
