package dev.flashvec.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.reference.ReferenceAttention;
import dev.flashvec.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** ALiBi slopes and relative-position buckets against published values and the reference's formula. */
class PositionBiasTest {
    @Test
    void standardSlopesFollowThePaper() {
        float[] eight = AlibiBias.standard(8).slopes();
        for (int h = 0; h < 8; h++) {
            assertEquals((float) Math.pow(2, -(h + 1)), eight[h], 0f, "H=8 head " + h);
        }
        // H=6: the 4-head slopes 2^-2, 2^-4, 2^-6, 2^-8, then the 1st and 3rd of the 8-head ones: 2^-1, 2^-3
        assertArrayEquals(new float[] {0.25f, 0.0625f, 0.015625f, 0.00390625f, 0.5f, 0.125f},
                AlibiBias.standard(6).slopes(), 0f);
        assertEquals(1f / 256, AlibiBias.standard(1).slope(0), 0f);
    }

    @Test
    void t5BucketsMatchHandComputedValues() {
        // bidirectional, 32 buckets, max distance 128 (T5's defaults): 16 per direction, 8 exact
        RelativePositionBias t5 = RelativePositionBias.t5(new float[1][32], 32, 128, true);
        assertEquals(0, t5.bucket(0));
        assertEquals(1, t5.bucket(-1));
        assertEquals(17, t5.bucket(1));
        assertEquals(7, t5.bucket(-7));
        assertEquals(8, t5.bucket(-8));
        assertEquals(10, t5.bucket(-20)); // 8 + floor(ln(2.5)/ln(16)·8) = 8 + floor(2.64)
        assertEquals(15, t5.bucket(-128));
        assertEquals(15, t5.bucket(-100000));
        assertEquals(31, t5.bucket(5000));
        RelativePositionBias causal = RelativePositionBias.t5(new float[1][32], 32, 128, false);
        assertEquals(0, causal.bucket(40), "later keys share bucket 0 when not bidirectional");
        assertEquals(15, causal.bucket(-15));
        assertEquals(16, causal.bucket(-16));
    }

    @Test
    void bucketsEqualTheReferenceFormula() {
        for (int buckets : new int[] {4, 5, 8, 32, 33}) {
            for (int maxDistance : new int[] {3, 7, 20, 128}) {
                for (boolean bi : new boolean[] {true, false}) {
                    int half = bi ? buckets / 2 : buckets;
                    if (maxDistance <= half / 2) {
                        continue;
                    }
                    RelativePositionBias t5 = RelativePositionBias.t5(new float[1][buckets], buckets, maxDistance, bi);
                    for (int rel = -400; rel <= 400; rel++) {
                        assertEquals(ReferenceAttention.t5Bucket(rel, buckets, maxDistance, bi), t5.bucket(rel),
                                "buckets=" + buckets + " maxDistance=" + maxDistance + " bidirectional=" + bi + " rel="
                                        + rel);
                    }
                }
            }
        }
        RelativePositionBias clipped = RelativePositionBias.clipped(new float[1][7], 3);
        assertEquals(0, clipped.bucket(-9));
        assertEquals(3, clipped.bucket(0));
        assertEquals(6, clipped.bucket(4));
    }

    @Test
    void badBiasArgumentsAreRejectedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> RelativePositionBias.t5(new float[2][31], 32, 128, true));
        assertTrue(e.getMessage().contains("32 columns but has 31"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RelativePositionBias.t5(new float[1][32], 32, 8, true));
        assertTrue(e.getMessage().contains("maxDistance must be > 8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AlibiBias.of(1f, Float.NaN));
        assertTrue(e.getMessage().contains("slope[1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AlibiBias.standard(0));
        Tensor t = Tensor.zeros(1, 4, 5, 8);
        AttentionOptions o = AttentionOptions.builder().alibi(3).build();
        e = assertThrows(IllegalArgumentException.class, () -> Attention.create().forward(t, t, t, o));
        assertTrue(e.getMessage().contains("Hq=4") && e.getMessage().contains("has 3"), e.getMessage());
        AttentionOptions bird = AttentionOptions.builder().maskMod(MaskPatterns.bigBird(6, 5, 2, 1, 0, 0, 1)).build();
        e = assertThrows(IllegalArgumentException.class, () -> Attention.create().forward(t, t, t, bird));
        assertTrue(e.getMessage().contains("Sq=6, Sk=5") && e.getMessage().contains("Sq=5, Sk=5"), e.getMessage());
    }

    @Test
    void explainRejectsBadRowsAndLse() {
        Tensor t = Tensor.zeros(1, 2, 5, 8);
        Attention a = Attention.create();
        float[] lse = a.forwardWithLse(t, t, t, AttentionOptions.defaults()).lse();
        var e = assertThrows(IllegalArgumentException.class,
                () -> a.explain(t, t, t, AttentionOptions.defaults(), lse, 0, 2, 0, 1));
        assertTrue(e.getMessage().contains("head must be in [0, 2) but was 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> a.explain(t, t, t, AttentionOptions.defaults(), lse, 0, 0, 3, 6));
        assertTrue(e.getMessage().contains("[3, 6)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> a.explain(t, t, t, AttentionOptions.defaults(), new float[3], 0, 0, 0, 1));
        assertTrue(e.getMessage().contains("B*Hq*Sq=10"), e.getMessage());
    }
}
