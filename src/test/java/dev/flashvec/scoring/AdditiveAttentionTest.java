package dev.flashvec.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.AttentionResult;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.simd.Backend;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Tensor;
import dev.flashvec.testing.Gen;
import dev.flashvec.testing.Property;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The streaming additive kernel against {@code vᵀ·tanh(W_q·q + W_k·k)} written out in double precision. */
@Tag("kernels")
class AdditiveAttentionTest {
    private static final ComputePool ONE = ComputePool.create(1), THREE = ComputePool.create(3);

    @AfterAll
    static void close() {
        ONE.close();
        THREE.close();
    }

    private static float[] scaled(Random r, int n, double scale) {
        float[] a = Gen.normal(r, n);
        for (int i = 0; i < n; i++) {
            a[i] *= (float) scale;
        }
        return a;
    }

    static AdditiveWeights weights(Random r, ScoreCase c) {
        // Pre-activations O(1) so tanh is neither saturated nor linear; scores O(1).
        return new AdditiveWeights(scaled(r, c.da() * c.dq(), 1 / Math.sqrt(c.dq())),
                scaled(r, c.da() * c.dk(), 1 / Math.sqrt(c.dk())), scaled(r, c.da(), 1 / Math.sqrt(c.da())),
                c.da(), c.dq(), c.dk());
    }

    @Test
    void equalsTheFormulaWithEveryOption() {
        Property.check("additive attention equals vᵀtanh(Wq q + Wk k)", ScoreCase::any, c -> {
            Random r = c.random();
            Tensor q = c.tensor(r, c.heads(), c.sq(), c.dq()), k = c.tensor(r, c.kvHeads(), c.sk(), c.dk());
            Tensor v = c.tensor(r, c.kvHeads(), c.sk(), c.dv());
            AdditiveWeights w = weights(r, c);
            AttentionOptions o = c.options();
            AttentionResult got = AdditiveAttention.create(Simd.backend(), THREE).forwardWithLse(q, k, v, w, o);
            ScoreReference.Score s = (b, h, i, j) -> {
                double sum = 0;
                for (int a = 0; a < c.da(); a++) {
                    double x = 0;
                    for (int d = 0; d < c.dq(); d++) {
                        x += (double) w.wq()[a * c.dq() + d] * q.get(b, h, i, d);
                    }
                    for (int d = 0; d < c.dk(); d++) {
                        x += (double) w.wk()[a * c.dk() + d] * k.get(b, h / c.group(), j, d);
                    }
                    sum += w.v()[a] * Math.tanh(x);
                }
                return sum;
            };
            double scale = Float.isNaN(o.scale()) ? 1 : o.scale();
            ScoreReference.assertClose(ScoreReference.attention(s, v, o, c.batch(), c.heads(), c.sq(), scale), got);
        });
    }

    @Test
    void sameBitsForAnyThreadCount() {
        Property.check("additive attention is deterministic", 0.5, ScoreCase::any, c -> {
            Random r = c.random();
            Tensor q = c.tensor(r, c.heads(), c.sq(), c.dq()), k = c.tensor(r, c.kvHeads(), c.sk(), c.dk());
            Tensor v = c.tensor(r, c.kvHeads(), c.sk(), c.dv());
            AdditiveWeights w = weights(r, c);
            AttentionResult one = AdditiveAttention.create(Simd.backend(), ONE).forwardWithLse(q, k, v, w, c.options());
            AttentionResult three = AdditiveAttention.create(Simd.backend(), THREE).forwardWithLse(q, k, v, w, c.options());
            assertArrayEquals(one.output().toArray(), three.output().toArray());
            assertArrayEquals(one.lse(), three.lse());
        });
    }

    @Test
    void rejectsBadArgumentsNamingThem() {
        Tensor q = Tensor.zeros(1, 2, 3, 4), k = Tensor.zeros(1, 2, 5, 6), v = Tensor.zeros(1, 2, 5, 2);
        AdditiveWeights w = new AdditiveWeights(new float[8], new float[12], new float[2], 2, 4, 6);
        AdditiveAttention a = AdditiveAttention.create(Backend.SCALAR, ONE);
        var e = assertThrows(IllegalArgumentException.class,
                () -> a.forwardWithLse(q, Tensor.zeros(1, 2, 5, 5), v, w, AttentionOptions.defaults()));
        assertEquals("k has Dk=5 but additive wk is [2, 6]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AdditiveWeights(new float[8], new float[12],
                new float[3], 2, 4, 6));
        assertEquals("additive v must be [2] (2 elements) but has 3 elements", e.getMessage());
        // Shape relations between Q, K, V and options are checked exactly as by the fused kernel.
        assertThrows(IllegalArgumentException.class, () -> a.forwardWithLse(q, k, Tensor.zeros(1, 2, 4, 2), w,
                AttentionOptions.defaults()));
        assertThrows(IllegalArgumentException.class, () -> a.forwardWithLse(q, k, v, w,
                AttentionOptions.builder().kvLengths(new int[] {9}).build()));
    }
}
