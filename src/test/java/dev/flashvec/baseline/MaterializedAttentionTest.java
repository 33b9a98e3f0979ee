package dev.flashvec.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.gemm.Gemm;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import dev.flashvec.testing.Gen;
import dev.flashvec.testing.Property;
import dev.flashvec.testing.Shrinkable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@link MaterializedAttention} against a literal double-precision loop, over layouts, GQA and causal masks. */
@Tag("kernels")
class MaterializedAttentionTest {
    private final MaterializedAttention attention = MaterializedAttention.create();

    /** One generated attention problem; tensors are built from its seed. */
    record Case(int batch, int hkv, int group, int sq, int sk, int dk, int dv, Layout lq, Layout lk, Layout lv,
                CausalAlignment causal, float scale, long seed) implements Shrinkable<Case> {
        static Case draw(Random r) {
            Layout[] layouts = Layout.values();
            CausalAlignment[] causals = CausalAlignment.values();
            return new Case(1 + r.nextInt(2), 1 + r.nextInt(2), 1 + r.nextInt(3), Gen.size(r, 70), Gen.size(r, 70),
                    Gen.size(r, 40), Gen.size(r, 40), layouts[r.nextInt(2)], layouts[r.nextInt(2)],
                    layouts[r.nextInt(2)], causals[r.nextInt(3)], r.nextBoolean() ? Float.NaN : (float) r.nextGaussian(),
                    r.nextLong());
        }

        Tensor[] tensors() {
            Random r = new Random(seed);
            Tensor q = Tensor.wrap(Gen.normal(r, batch * hkv * group * sq * dk), lq, batch, hkv * group, sq, dk);
            Tensor k = Tensor.wrap(Gen.normal(r, batch * hkv * sk * dk), lk, batch, hkv, sk, dk);
            Tensor v = Tensor.wrap(Gen.normal(r, batch * hkv * sk * dv), lv, batch, hkv, sk, dv);
            return new Tensor[] {q, k, v};
        }

        @Override
        public List<Case> shrink() {
            List<Case> out = new ArrayList<>();
            for (int s : Gen.smaller(sq)) {
                out.add(new Case(batch, hkv, group, s, sk, dk, dv, lq, lk, lv, causal, scale, seed));
            }
            for (int s : Gen.smaller(sk)) {
                out.add(new Case(batch, hkv, group, sq, s, dk, dv, lq, lk, lv, causal, scale, seed));
            }
            for (int d : Gen.smaller(dk)) {
                out.add(new Case(batch, hkv, group, sq, sk, d, dv, lq, lk, lv, causal, scale, seed));
            }
            for (int d : Gen.smaller(dv)) {
                out.add(new Case(batch, hkv, group, sq, sk, dk, d, lq, lk, lv, causal, scale, seed));
            }
            if (batch > 1 || hkv > 1 || group > 1) {
                out.add(new Case(1, 1, 1, sq, sk, dk, dv, lq, lk, lv, causal, scale, seed));
            }
            return out;
        }
    }

    @Test
    void matchesDoublePrecisionLoop() {
        Property.check("materialized attention equals the double loop", 0.5, Case::draw, c -> {
            Tensor[] t = c.tensors();
            Tensor out = Float.isNaN(c.scale()) ? attention.forward(t[0], t[1], t[2], c.causal())
                    : attention.forward(t[0], t[1], t[2], c.scale(), c.causal());
            float scale = Float.isNaN(c.scale()) ? (float) (1.0 / Math.sqrt(c.dk())) : c.scale();
            assertClose(reference(t[0], t[1], t[2], scale, c.causal()), out);
        });
    }

    @Test
    void sameBitsForOneAndTwoThreads() {
        try (ComputePool one = ComputePool.create(1); ComputePool two = ComputePool.create(2)) {
            MaterializedAttention a1 = MaterializedAttention.create(Gemm.create(Simd.backend(), one));
            MaterializedAttention a2 = MaterializedAttention.create(Gemm.create(Simd.backend(), two));
            Case c = new Case(1, 2, 2, 300, 260, 64, 48, Layout.BSHD, Layout.BHSD, Layout.BSHD,
                    CausalAlignment.BOTTOM_RIGHT, Float.NaN, 7L);
            Tensor[] t = c.tensors();
            assertEquals(java.util.Arrays.toString(a1.forward(t[0], t[1], t[2], c.causal()).toArray()),
                    java.util.Arrays.toString(a2.forward(t[0], t[1], t[2], c.causal()).toArray()));
        }
    }

    @Test
    void fullyMaskedRowsAreZeroNotNaN() {
        // Bottom-right alignment with more queries than keys: the first Sq - Sk queries see no key at all.
        Case c = new Case(1, 1, 1, 9, 4, 8, 5, Layout.BHSD, Layout.BHSD, Layout.BHSD, CausalAlignment.BOTTOM_RIGHT,
                Float.NaN, 3L);
        Tensor[] t = c.tensors();
        Tensor out = attention.forward(t[0], t[1], t[2], c.causal());
        for (int i = 0; i < 9; i++) {
            for (int d = 0; d < 5; d++) {
                float o = out.get(0, 0, i, d);
                assertTrue(i < 5 ? o == 0f : Float.isFinite(o) && o != 0f, "row " + i + " dim " + d + " is " + o);
            }
        }
    }

    @Test
    void readsStridedViewsThroughDenseCopies() {
        // Every other element of a wider array: dim stride 2, which Gemm cannot read in place.
        Random r = new Random(11);
        int sq = 6, sk = 7, d = 5;
        Tensor q = Tensor.view(Gen.normal(r, 2 * sq * d), 1, new int[] {1, 1, sq, d}, new int[] {0, 0, 2 * d, 2});
        Tensor k = Tensor.view(Gen.normal(r, 2 * sk * d), 0, new int[] {1, 1, sk, d}, new int[] {0, 0, 2 * d, 2});
        // A broadcast value row: seq stride 0.
        Tensor v = Tensor.view(Gen.normal(r, d), 0, new int[] {1, 1, sk, d}, new int[] {0, 0, 0, 1});
        Tensor out = attention.forward(q, k, v, CausalAlignment.TOP_LEFT);
        assertClose(reference(q, k, v, (float) (1 / Math.sqrt(d)), CausalAlignment.TOP_LEFT), out);
    }

    @Test
    void rejectsMismatchedShapes() {
        Tensor q = Tensor.zeros(2, 4, 5, 8);
        Tensor k = Tensor.zeros(2, 2, 6, 8);
        Tensor v = Tensor.zeros(2, 2, 6, 3);
        rejects("K has Dk=7 but Q has Dk=8", () -> attention.forward(q, Tensor.zeros(2, 2, 6, 7), v, CausalAlignment.NONE));
        rejects("K has B=1 but Q has B=2", () -> attention.forward(q, Tensor.zeros(1, 2, 6, 8), v, CausalAlignment.NONE));
        rejects("V has B=3 but Q has B=2", () -> attention.forward(q, k, Tensor.zeros(3, 2, 6, 3), CausalAlignment.NONE));
        rejects("V has Sk=5 but K has Sk=6", () -> attention.forward(q, k, Tensor.zeros(2, 2, 5, 3), CausalAlignment.NONE));
        rejects("V has Hkv=1 but K has Hkv=2", () -> attention.forward(q, k, Tensor.zeros(2, 1, 6, 3), CausalAlignment.NONE));
        rejects("Q has Hq=4 heads, which is not a multiple of K's Hkv=3",
                () -> attention.forward(q, Tensor.zeros(2, 3, 6, 8), Tensor.zeros(2, 3, 6, 3), CausalAlignment.NONE));
        rejects("Q must not be null", () -> attention.forward(null, k, v, CausalAlignment.NONE));
        rejects("K must not be null", () -> attention.forward(q, null, v, CausalAlignment.NONE));
        rejects("V must not be null", () -> attention.forward(q, k, null, CausalAlignment.NONE));
        rejects("causal must not be null", () -> attention.forward(q, k, v, null));
        rejects("scale must be finite but was NaN", () -> attention.forward(q, k, v, Float.NaN, CausalAlignment.NONE));
        rejects("gemm must not be null", () -> MaterializedAttention.create(null));
    }

    private static void rejects(String message, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(message), "'" + e.getMessage() + "' should contain '" + message + "'");
    }

    /** The literal definition in double precision, element by element. */
    static double[] reference(Tensor q, Tensor k, Tensor v, float scale, CausalAlignment causal) {
        int batch = q.batch(), hq = q.heads(), sq = q.seq(), dk = q.dim(), sk = k.seq(), dv = v.dim();
        int group = hq / k.heads();
        double[] out = new double[batch * hq * sq * dv];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < hq; h++) {
                int g = h / group;
                for (int i = 0; i < sq; i++) {
                    double[] s = new double[sk];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < sk; j++) {
                        boolean allowed = switch (causal) {
                            case NONE -> true;
                            case TOP_LEFT -> j <= i;
                            case BOTTOM_RIGHT -> j <= i + sk - sq;
                        };
                        double dot = 0;
                        for (int d = 0; d < dk; d++) {
                            dot += (double) q.get(b, h, i, d) * k.get(b, g, j, d);
                        }
                        s[j] = allowed ? scale * dot : Double.NEGATIVE_INFINITY;
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < sk; j++) {
                        s[j] = max == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int d = 0; d < dv; d++) {
                        double o = 0;
                        for (int j = 0; j < sk; j++) {
                            o += s[j] * v.get(b, g, j, d);
                        }
                        out[((b * hq + h) * sq + i) * dv + d] = sum == 0 ? 0 : o / sum;
                    }
                }
            }
        }
        return out;
    }

    /** SPEC tolerance: |o − ref| ≤ 1e-5 + 1e-4·|ref| per element. */
    private static void assertClose(double[] ref, Tensor out) {
        float[] got = out.toArray();
        assertEquals(ref.length, got.length);
        for (int i = 0; i < ref.length; i++) {
            if (!(Math.abs(got[i] - ref[i]) <= 1e-5 + 1e-4 * Math.abs(ref[i]))) {
                throw new AssertionError("output element " + i + " (BHSD order) is " + got[i] + " but the reference is "
                        + ref[i] + " in " + out);
            }
        }
    }
}
