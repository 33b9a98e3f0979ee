package dev.flashvec.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.reference.ReferenceAttention;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every invalid argument is rejected before any work with a message naming it; outputs stay untouched. */
class AttentionArgumentsTest {
    private final Attention attention = Attention.create();
    private final Tensor q = Tensor.zeros(2, 4, 5, 8);
    private final Tensor k = Tensor.zeros(2, 2, 7, 8);
    private final Tensor v = Tensor.zeros(2, 2, 7, 6);

    private static void rejects(String fragment, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should mention '" + fragment + "'");
    }

    private void rejectsEverywhere(String fragment, Tensor q, Tensor k, Tensor v, AttentionOptions o) {
        Tensor out = Tensor.zeros(q.batch(), q.heads(), q.seq(), v.dim());
        Arrays.fill(out.array(), 7f);
        rejects(fragment, () -> attention.forward(q, k, v, o, out, null));
        assertTrue(allEqual(out.array(), 7f), "out must be untouched");
        rejects(fragment, () -> ReferenceAttention.compute(q, k, v, o));
        rejects(fragment, () -> ReferenceAttention.compute(q, k, v, o, (b, h, i, j) -> 0));
        rejects(fragment, () -> PairScoring.of(q, k, v, o, out, null));
    }

    @Test
    void rawScoreReferenceNeedsItsScore() {
        rejects("raw must not be null", () -> ReferenceAttention.compute(q, k, v, AttentionOptions.defaults(), null));
    }

    private static boolean allEqual(float[] a, float x) {
        for (float f : a) {
            if (f != x) {
                return false;
            }
        }
        return true;
    }

    @Test
    void mismatchedShapes() {
        AttentionOptions o = AttentionOptions.defaults();
        rejectsEverywhere("K has Dk=9 but Q has Dk=8", q, Tensor.zeros(2, 2, 7, 9), v, o);
        rejectsEverywhere("K has batch=1 but Q has batch=2", q, Tensor.zeros(1, 2, 7, 8), v, o);
        rejectsEverywhere("V has Sk=6 but K has Sk=7", q, k, Tensor.zeros(2, 2, 6, 6), o);
        rejectsEverywhere("V has Hkv=1 but K has Hkv=2", q, k, Tensor.zeros(2, 1, 7, 6), o);
        rejectsEverywhere("Hq=4 must be a multiple of K/V heads Hkv=3", q, Tensor.zeros(2, 3, 7, 8),
                Tensor.zeros(2, 3, 7, 6), o);
        rejects("q must not be null", () -> attention.forward(null, k, v, o));
    }

    @Test
    void badOptions() {
        rejectsEverywhere("kvLengths must have one entry per batch (2) but has 1", q, k, v,
                AttentionOptions.builder().kvLengths(new int[] {3}).build());
        rejectsEverywhere("kvLengths[1] must be <= Sk=7 but was 8", q, k, v,
                AttentionOptions.builder().kvLengths(new int[] {3, 8}).build());
        rejectsEverywhere("mask must have Sk=7 columns but has 6", q, k, v, AttentionOptions.builder()
                .mask(AttentionMask.allowed(new boolean[5 * 6], 1, 1, 5, 6)).build());
        rejectsEverywhere("mask heads must be 1 or Hq=4 but was 2", q, k, v, AttentionOptions.builder()
                .mask(AttentionMask.allowed(new boolean[2 * 5 * 7], 1, 2, 5, 7)).build());
        rejects("kvLengths[0] must be >= 0 but was -1", () -> AttentionOptions.builder().kvLengths(new int[] {-1}));
        rejects("window sides must be >= 0 or -1", () -> AttentionOptions.builder().window(-2, 3));
        rejects("softcap must be finite and >= 0 but was -1.0", () -> AttentionOptions.builder().softcap(-1f));
        rejects("scale must be finite but was NaN", () -> AttentionOptions.builder().scale(Float.NaN));
        rejects("causal must be none, top-left or bottom-right but was 'diagonal'",
                () -> CausalAlignment.parse("diagonal"));
        rejects("mask has 3 elements but shape [1, 1, 2, 2] needs 4",
                () -> AttentionMask.allowed(new boolean[3], 1, 1, 2, 2));
    }

    @Test
    void badOutputs() {
        AttentionOptions o = AttentionOptions.defaults();
        rejects("out must have shape [2, 4, 5, 6]", () -> attention.forward(q, k, v, o, Tensor.zeros(2, 4, 5, 8), null));
        rejects("lse must have B*Hq*Sq=40 elements but has 39",
                () -> attention.forward(q, k, v, o, Tensor.zeros(2, 4, 5, 6), new float[39]));
        rejects("out must not share its array with q, k or v", () -> attention.forward(q, k, v, o,
                Tensor.view(q.array(), 0, new int[] {2, 4, 5, 6}, new int[] {160, 40, 8, 1}), null));
    }

    @Test
    void badTensors() {
        rejects("tensor seq must be >= 1 but was 0", () -> Tensor.zeros(1, 1, 0, 4));
        rejects("more elements than a Java array can index", () -> Tensor.zeros(65536, 65536, 2, 1));
        rejects("data has 5 elements but shape [1, 1, 2, 3] in BSHD needs 6",
                () -> Tensor.wrap(new float[5], Layout.BSHD, 1, 1, 2, 3));
        rejects("view reaches element 10 but data has only 10 elements",
                () -> Tensor.view(new float[10], 2, new int[] {1, 1, 3, 3}, new int[] {0, 0, 3, 1}));
        rejects("seq stride must be >= 0 but was -1",
                () -> Tensor.view(new float[10], 5, new int[] {1, 1, 2, 2}, new int[] {0, 0, -1, 1}));
        rejects("layout must be bhsd or bshd but was 'hbsd'", () -> Layout.parse("hbsd"));
    }

    @Test
    void checkedCountNamesTheShape() {
        assertEquals(24, Tensor.checkedCount("q", 1, 2, 3, 4));
    }
}
