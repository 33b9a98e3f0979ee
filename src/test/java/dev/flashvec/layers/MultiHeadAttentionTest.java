package dev.flashvec.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.position.RotaryEmbedding;
import dev.flashvec.position.RotaryStyle;
import dev.flashvec.testing.Gen;
import dev.flashvec.testing.Property;
import dev.flashvec.testing.Shrinkable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The layer against {@link ReferenceMultiHeadAttention}: every head layout, input kind and option. */
class MultiHeadAttentionTest {
    private static final ComputePool POOL = ComputePool.create(2);

    @AfterAll
    static void close() {
        POOL.close();
    }

    /** One random layer and input. */
    record Case(long seed, int batch, int kvHeads, int group, int headDim, int valueHeadDim, int embedDim, int keyDim,
                int valueDim, int outDim, int sq, int sk, boolean cross, boolean fused, boolean bias, RotaryStyle rope,
                CausalAlignment causal, boolean kvLengths, boolean padding) implements Shrinkable<Case> {
        static Case any(Random r) {
            boolean cross = r.nextBoolean();
            int e = Gen.size(r, 40), dk = Gen.size(r, 24);
            int sq = Gen.size(r, 20);
            RotaryStyle rope = r.nextInt(3) == 0 ? null : RotaryStyle.values()[r.nextInt(2)];
            if (rope != null && dk % 2 == 1) {
                dk++;
            }
            return new Case(r.nextLong(), 1 + r.nextInt(2), 1 + r.nextInt(3), 1 + r.nextInt(3), dk,
                    r.nextBoolean() ? dk : Gen.size(r, 24), e, cross ? Gen.size(r, 40) : e, cross ? Gen.size(r, 40) : e,
                    r.nextBoolean() ? e : Gen.size(r, 40), sq, cross ? Gen.size(r, 20) : sq, cross,
                    !cross && r.nextBoolean(), r.nextBoolean(), rope, CausalAlignment.values()[r.nextInt(3)],
                    r.nextInt(3) == 0, r.nextInt(3) == 0);
        }

        int heads() {
            return kvHeads * group;
        }

        Case withSeq(int newSq, int newSk) {
            return new Case(seed, batch, kvHeads, group, headDim, valueHeadDim, embedDim, keyDim, valueDim, outDim,
                    newSq, cross ? newSk : newSq, cross, fused, bias, rope, causal, kvLengths, padding);
        }

        @Override
        public List<Case> shrink() {
            List<Case> out = new ArrayList<>();
            for (int s : Gen.smaller(sq)) {
                out.add(withSeq(s, sk));
            }
            if (cross) {
                for (int s : Gen.smaller(sk)) {
                    out.add(withSeq(sq, s));
                }
            }
            if (batch > 1) {
                out.add(new Case(seed, 1, kvHeads, group, headDim, valueHeadDim, embedDim, keyDim, valueDim, outDim,
                        sq, sk, cross, fused, bias, rope, causal, kvLengths, padding));
            }
            return out;
        }
    }

    private static float[] weight(Random r, int out, int in) {
        float[] w = Gen.normal(r, out * in);
        float s = (float) (1 / Math.sqrt(in)); // keeps activations O(1), so the tolerance means the same everywhere
        for (int i = 0; i < w.length; i++) {
            w[i] *= s;
        }
        return w;
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    void equalsTheLiteralReference() {
        Property.check("MHA equals project-split-attend-concat-project", Case::any, c -> {
            Random r = new Random(c.seed());
            int hq = c.heads(), dk = c.headDim(), dv = c.valueHeadDim();
            var w = new ReferenceMultiHeadAttention.Weights(
                    weight(r, hq * dk, c.embedDim()), c.bias() ? Gen.normal(r, hq * dk) : null,
                    weight(r, c.kvHeads() * dk, c.keyDim()), c.bias() ? Gen.normal(r, c.kvHeads() * dk) : null,
                    weight(r, c.kvHeads() * dv, c.valueDim()), c.bias() ? Gen.normal(r, c.kvHeads() * dv) : null,
                    weight(r, c.outDim(), hq * dv), c.bias() ? Gen.normal(r, c.outDim()) : null);
            MultiHeadAttention.Builder b = MultiHeadAttention.builder(c.embedDim(), hq).kvHeads(c.kvHeads())
                    .headDim(dk).valueHeadDim(dv).keyDim(c.keyDim()).valueDim(c.valueDim()).outDim(c.outDim())
                    .output(w.wo(), w.bo()).pool(POOL);
            if (c.fused()) {
                b.fusedQkv(concat(w.wq(), w.wk(), w.wv()), c.bias() ? concat(w.bq(), w.bk(), w.bv()) : null);
            } else {
                b.query(w.wq(), w.bq()).key(w.wk(), w.bk()).value(w.wv(), w.bv());
            }
            if (c.rope() != null) {
                b.rope(RotaryEmbedding.of(dk, c.rope()));
            }
            MultiHeadAttention mha = b.build();
            float[] query = Gen.normal(r, c.batch() * c.sq() * c.embedDim());
            float[] key = c.cross() ? Gen.normal(r, c.batch() * c.sk() * c.keyDim()) : query;
            float[] value = c.cross() ? Gen.normal(r, c.batch() * c.sk() * c.valueDim()) : query;
            AttentionOptions.Builder ob = AttentionOptions.builder().causal(c.causal());
            // Options the layer only passes through: a window and a softcap now and then.
            if (r.nextInt(4) == 0) {
                ob.window(r.nextInt(6), r.nextInt(6));
            }
            if (r.nextInt(4) == 0) {
                ob.softcap(1f + 4 * r.nextFloat());
            }
            if (c.kvLengths()) {
                int[] len = new int[c.batch()];
                for (int i = 0; i < len.length; i++) {
                    len[i] = r.nextInt(c.sk() + 1);
                }
                ob.kvLengths(len);
            }
            AttentionOptions options = ob.build();
            if (c.padding()) {
                boolean[] pad = new boolean[c.batch() * c.sk()];
                for (int i = 0; i < pad.length; i++) {
                    pad[i] = r.nextInt(4) == 0;
                }
                options = KeyPadding.apply(options, pad, c.batch(), c.sq(), c.sk());
            }
            float[] got = c.cross() ? mha.forward(query, key, value, c.batch(), c.sq(), c.sk(), options)
                    : mha.selfAttention(query, c.batch(), c.sq(), options);
            double[] want = ReferenceMultiHeadAttention.forward(mha.shape(), w, query, key, value, c.batch(), c.sq(),
                    c.sk(), options, c.rope());
            assertClose(want, got);
        });
    }

    /** fp32 projections and attention against double: a few ulps of O(1) values, far below any real bug. */
    static void assertClose(double[] want, float[] got) {
        assertEquals(want.length, got.length, "output length");
        for (int i = 0; i < want.length; i++) {
            double tol = 2e-5 + 1e-4 * Math.abs(want[i]);
            if (!(Math.abs(got[i] - want[i]) <= tol)) {
                throw new AssertionError("y[" + i + "] = " + got[i] + " but the reference gives " + want[i]);
            }
        }
    }

    @Test
    void crossAttentionWithDistinctArraysEqualsSelfAttention() {
        Random r = new Random(7);
        int e = 12, heads = 3, seq = 9;
        MultiHeadAttention mha = MultiHeadAttention.builder(e, heads).pool(POOL)
                .fusedQkv(weight(r, 3 * e, e), Gen.normal(r, 3 * e)).output(weight(r, e, e), null).build();
        float[] x = Gen.normal(r, 2 * seq * e);
        AttentionOptions o = AttentionOptions.builder().causal(CausalAlignment.TOP_LEFT).build();
        float[] self = mha.selfAttention(x, 2, seq, o);
        float[] cross = mha.forward(x, x.clone(), x.clone(), 2, seq, seq, o);
        for (int i = 0; i < self.length; i++) {
            assertEquals(self[i], cross[i], 1e-5f, "element " + i);
        }
    }

    @Test
    void rejectsBadShapesNamingTheWeight() {
        var e = assertThrows(IllegalArgumentException.class, () -> MultiHeadAttention.builder(8, 2)
                .query(new float[64], null).key(new float[64], null).value(new float[60], null)
                .output(new float[64], null).build());
        assertEquals("W_V weight must have 8×8 = 64 elements but has 60", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MultiHeadAttention.builder(8, 2)
                .query(new float[64], null).key(new float[64], null).value(new float[64], null).build());
        assertEquals("W_O is missing: expected a weight [8, 8]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MultiHeadAttention.builder(8, 3).build());
        assertEquals("embedDim = 8 is not a multiple of heads = 3; set headDim explicitly", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MultiHeadAttention.builder(8, 4).kvHeads(3));
        assertEquals("kvHeads must divide heads = 4 but was 3", e.getMessage());
        MultiHeadAttention mha = MultiHeadAttention.builder(4, 1).fusedQkv(new float[48], null)
                .output(new float[16], null).build();
        e = assertThrows(IllegalArgumentException.class,
                () -> mha.selfAttention(new float[10], 1, 3, AttentionOptions.defaults()));
        assertEquals("x must be [B, S, 4] = [1, 3, 4] (12 elements) but has 10 elements", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KeyPadding.apply(AttentionOptions.defaults(),
                new boolean[5], 2, 3, 3));
        assertEquals("key padding mask must be [B, Sk] = [2, 3] (6 elements) but has 5", e.getMessage());
    }
}
