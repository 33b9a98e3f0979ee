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
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Npy;
import dev.flashvec.tensor.NpyArray;
import dev.flashvec.tensor.Tensor;
import dev.flashvec.testing.Gen;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flashvec attention --alibi} and {@code --weights}: the explain pass on the command line. */
class AttentionWeightsCommandTest {
    private static final int B = 2, HQ = 4, HKV = 2, SQ = 5, SK = 7, DK = 16, DV = 8;

    @TempDir
    Path dir;
    private Tensor q, k, v;

    @BeforeEach
    void inputs() throws IOException {
        Random random = new Random(77);
        q = Tensor.wrap(Gen.normal(random, B * HQ * SQ * DK), Layout.BHSD, B, HQ, SQ, DK);
        k = Tensor.wrap(Gen.normal(random, B * HKV * SK * DK), Layout.BHSD, B, HKV, SK, DK);
        v = Tensor.wrap(Gen.normal(random, B * HKV * SK * DV), Layout.BHSD, B, HKV, SK, DV);
        Npy.write(dir.resolve("q.npy"), q, Layout.BHSD);
        Npy.write(dir.resolve("k.npy"), k, Layout.BHSD);
        Npy.write(dir.resolve("v.npy"), v, Layout.BHSD);
    }

    private Cli.Run run(String... extra) {
        String[] base = {"attention", "--q", p("q.npy"), "--k", p("k.npy"), "--v", p("v.npy"), "--out", p("o.npy"),
            "--threads", "1"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return Cli.run(all);
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void alibiAddsTheStandardSlopes() throws IOException {
        Cli.Run r = run("--alibi", "--causal", "bottom-right");
        assertEquals(Main.OK, r.code(), r::toString);
        AttentionOptions o = AttentionOptions.builder().alibi(HQ).causal(CausalAlignment.BOTTOM_RIGHT).build();
        try (ComputePool pool = ComputePool.create(1)) {
            Tensor want = Attention.create(Simd.backend(), pool).forward(q, k, v, o);
            assertArrayEquals(want.toArray(), Npy.read(dir.resolve("o.npy")).toTensor(Layout.BHSD).toArray());
        }
    }

    @Test
    void weightsOfEveryHeadAreTheExplainOutput() throws IOException {
        Cli.Run r = run("--alibi", "--causal", "top-left", "--weights", p("w.npy"));
        assertEquals(Main.OK, r.code(), r::toString);
        NpyArray w = Npy.read(dir.resolve("w.npy"));
        assertArrayEquals(new int[] {B, HQ, SQ, SK}, w.shape());
        float[] got = w.asFloats();
        AttentionOptions o = AttentionOptions.builder().alibi(HQ).causal(CausalAlignment.TOP_LEFT).build();
        try (ComputePool pool = ComputePool.create(1)) {
            Attention a = Attention.create(Simd.backend(), pool);
            AttentionResult res = a.forwardWithLse(q, k, v, o);
            for (int b = 0; b < B; b++) {
                for (int h = 0; h < HQ; h++) {
                    float[] want = a.explain(q, k, v, o, res.lse(), b, h, 0, SQ);
                    for (int t = 0; t < want.length; t++) {
                        assertEquals(want[t], got[(b * HQ + h) * SQ * SK + t], 0f, "b=" + b + " h=" + h + " at " + t);
                    }
                    for (int i = 0; i < SQ; i++) {
                        double sum = 0;
                        for (int j = 0; j < SK; j++) {
                            sum += want[i * SK + j];
                            if (j > i) {
                                assertEquals(0f, want[i * SK + j], 0f, "causal: key " + j + " after query " + i);
                            }
                        }
                        assertEquals(1, sum, 1e-5);
                    }
                }
            }
        }
    }

    @Test
    void weightsOfOneHead() throws IOException {
        Cli.Run r = run("--weights", p("w.npy"), "--weights-head", "3");
        assertEquals(Main.OK, r.code(), r::toString);
        assertArrayEquals(new int[] {B, SQ, SK}, Npy.read(dir.resolve("w.npy")).shape());
    }

    @Test
    void weightsOfAnotherScoreAreRefused() {
        Cli.Run r = run("--weights", p("w.npy"), "--score", "cosine");
        assertEquals(Main.USER_ERROR, r.code(), r::toString);
        assertTrue(r.err().contains("--weights explains the default scaled dot-product score only"), r::toString);
        assertFalse(Files.exists(dir.resolve("o.npy")));
        assertFalse(Files.exists(dir.resolve("w.npy")));
    }

    @Test
    void badWeightsArgumentsFailBeforeWritingAnything() {
        Cli.Run r = run("--weights", p("w.npy"), "--weights-head", "4");
        assertEquals(Main.USER_ERROR, r.code(), r::toString);
        assertTrue(r.err().contains("--weights-head must be in [0, 4) but was 4"), r::toString);
        assertFalse(Files.exists(dir.resolve("o.npy")));
        assertFalse(Files.exists(dir.resolve("w.npy")));
        r = run("--weights-head", "1");
        assertEquals(Main.USER_ERROR, r.code(), r::toString);
        assertTrue(r.err().contains("--weights-head needs --weights"), r::toString);
        r = run("--weights", p("o.npy"));
        assertEquals(Main.USER_ERROR, r.code(), r::toString);
        assertTrue(r.err().contains("same file"), r::toString);
        assertFalse(Files.exists(dir.resolve("o.npy")));
    }
}
