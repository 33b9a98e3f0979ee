package dev.flashvec.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.attention.Attention;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Tensor;
import dev.flashvec.testing.Gen;
import dev.flashvec.testing.Property;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Dot, bilinear and cosine scores through the fused kernel against their formulas in double precision. */
class ScoreFunctionTest {
    private static final ComputePool POOL = ComputePool.create(2);
    private static final Attention ATTENTION = Attention.create(Simd.backend(), POOL);

    @AfterAll
    static void close() {
        POOL.close();
    }

    private static double dot(Tensor a, int b, int h, int i, Tensor c, int hc, int j) {
        double s = 0;
        for (int d = 0; d < a.dim(); d++) {
            s += (double) a.get(b, h, i, d) * c.get(b, hc, j, d);
        }
        return s;
    }

    @Test
    void dotProductHasScaleOne() {
        Property.check("dot score equals q·k", ScoreCase::any, c -> {
            Random r = c.random();
            Tensor q = c.tensor(r, c.heads(), c.sq(), c.dk()), k = c.tensor(r, c.kvHeads(), c.sk(), c.dk());
            Tensor v = c.tensor(r, c.kvHeads(), c.sk(), c.dv());
            AttentionOptions o = c.options();
            var got = ScoreFunction.dot().forwardWithLse(ATTENTION, q, k, v, o);
            ScoreReference.assertClose(ScoreReference.attention((b, h, i, j) -> dot(q, b, h, i, k, h / c.group(), j),
                    v, o, c.batch(), c.heads(), c.sq(), 1.0), got);
        });
    }

    @Test
    void bilinearEqualsQTransposeWK() {
        Property.check("bilinear score equals qᵀWk", ScoreCase::any, c -> {
            Random r = c.random();
            Tensor q = c.tensor(r, c.heads(), c.sq(), c.dq()), k = c.tensor(r, c.kvHeads(), c.sk(), c.dk());
            Tensor v = c.tensor(r, c.kvHeads(), c.sk(), c.dv());
            float[] w = Gen.normal(r, c.dq() * c.dk());
            for (int i = 0; i < w.length; i++) {
                w[i] /= (float) Math.sqrt(c.dq() * c.dk()); // scores O(1): the tolerance then means one thing
            }
            AttentionOptions o = c.options();
            var got = ScoreFunction.bilinear(w, c.dq(), c.dk()).forwardWithLse(ATTENTION, q, k, v, o);
            ScoreReference.Score s = (b, h, i, j) -> {
                double sum = 0;
                for (int x = 0; x < c.dq(); x++) {
                    for (int y = 0; y < c.dk(); y++) {
                        sum += (double) q.get(b, h, i, x) * w[x * c.dk() + y] * k.get(b, h / c.group(), j, y);
                    }
                }
                return sum;
            };
            ScoreReference.assertClose(ScoreReference.attention(s, v, o, c.batch(), c.heads(), c.sq(), 1.0), got);
        });
    }

    @Test
    void cosineEqualsItsFormulaAndIsBoundedByOneOverTemperature() {
        Property.check("cosine score equals q·k/(|q||k|τ), |s| ≤ 1/τ", ScoreCase::any, c -> {
            Random r = c.random();
            Tensor q = c.tensor(r, c.heads(), c.sq(), c.dk()), k = c.tensor(r, c.kvHeads(), c.sk(), c.dk());
            Tensor v = c.tensor(r, c.kvHeads(), c.sk(), c.dv());
            float tau = 0.05f + r.nextFloat();
            AttentionOptions o = c.options();
            ScoreFunction cosine = ScoreFunction.cosine(tau);
            // The scores the kernel will see, from the prepared inputs, computed here in double.
            ScoreFunction.Prepared p = cosine.prepare(q, k, o);
            float scale = p.options().scale();
            assertEquals(1f / tau, scale);
            for (int b = 0; b < c.batch(); b++) {
                for (int h = 0; h < c.heads(); h++) {
                    for (int i = 0; i < c.sq(); i++) {
                        for (int j = 0; j < c.sk(); j++) {
                            double s = scale * dot(p.q(), b, h, i, p.k(), h / c.group(), j);
                            assertTrue(Math.abs(s) <= (1 + 1e-6) / tau, "score " + s + " above 1/τ = " + 1 / tau);
                        }
                    }
                }
            }
            var got = cosine.forwardWithLse(ATTENTION, q, k, v, o);
            ScoreReference.Score s = (b, h, i, j) -> dot(q, b, h, i, k, h / c.group(), j)
                    / Math.sqrt(dot(q, b, h, i, q, h, i) * dot(k, b, h / c.group(), j, k, h / c.group(), j));
            ScoreReference.assertClose(ScoreReference.attention(s, v, o, c.batch(), c.heads(), c.sq(), 1.0 / tau), got);
        });
    }

    @Test
    void cosineOfAZeroRowIsZeroNotNaN() {
        Tensor q = Tensor.zeros(1, 1, 2, 4), k = Tensor.wrap(Gen.normal(new Random(1), 12),
                dev.flashvec.tensor.Layout.BHSD, 1, 1, 3, 4);
        Tensor v = Tensor.wrap(new float[] {1, 2, 3}, dev.flashvec.tensor.Layout.BHSD, 1, 1, 3, 1);
        var got = ScoreFunction.cosine(0.5f).forwardWithLse(ATTENTION, q, k, v, AttentionOptions.defaults());
        assertEquals(2f, got.output().get(0, 0, 0, 0), 1e-6f); // all scores 0: the plain mean of the values
    }

    @Test
    void rejectsBadArguments() {
        var e = assertThrows(IllegalArgumentException.class, () -> ScoreFunction.cosine(0f));
        assertEquals("temperature must be finite and > 0 but was 0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScoreFunction.bilinear(new float[5], 2, 3));
        assertEquals("bilinear W must be [Dq, Dk] = [2, 3] (6 elements) but has 5 elements", e.getMessage());
        Tensor q = Tensor.zeros(1, 1, 2, 4);
        e = assertThrows(IllegalArgumentException.class,
                () -> ScoreFunction.bilinear(new float[6], 2, 3).prepare(q, q, AttentionOptions.defaults()));
        assertEquals("q has Dq=4 but bilinear W is [2, 3]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScoreFunction.dot().prepare(q, q,
                AttentionOptions.builder().scale(2f).build()));
        assertEquals("the dot-product score fixes the scale to 1.0 but options set scale=2.0", e.getMessage());
    }
}
