package dev.flashvec.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** AttentionMerge rejects parts that cannot be merged, naming what is wrong; fully masked parts merge exactly. */
class AttentionMergeArgumentsTest {
    private static AttentionResult part(int heads, int seq, int dim) {
        return new AttentionResult(Tensor.zeros(1, heads, seq, dim), new float[heads * seq]);
    }

    private static void rejects(String fragment, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should mention '" + fragment + "'");
    }

    @Test
    void badParts() {
        AttentionResult ok = part(2, 3, 4);
        rejects("first must not be null", () -> AttentionMerge.merge(null, ok));
        rejects("second must not be null", () -> AttentionMerge.merge(ok, null));
        rejects("both parts need their LSE", () -> AttentionMerge.merge(ok,
                new AttentionResult(Tensor.zeros(1, 2, 3, 4), null)));
        rejects("second has shape [1, 2, 3, 5] but first has [1, 2, 3, 4]", () -> AttentionMerge.merge(ok, part(2, 3, 5)));
        rejects("each LSE must have B*H*S=6 elements but they have 6 and 5", () -> AttentionMerge.merge(ok,
                new AttentionResult(Tensor.zeros(1, 2, 3, 4), new float[5])));
    }

    @Test
    void aFullyMaskedPartContributesNothing() {
        AttentionResult live = part(1, 1, 2), empty = part(1, 1, 2);
        live.output().set(0, 0, 0, 0, 3f);
        live.output().set(0, 0, 0, 1, -1f);
        live.lse()[0] = 0.25f;
        empty.output().set(0, 0, 0, 0, Float.NaN); // undefined values of an empty part must not leak
        empty.lse()[0] = Float.NEGATIVE_INFINITY;
        AttentionResult merged = AttentionMerge.merge(empty, live);
        assertEquals(3f, merged.output().get(0, 0, 0, 0), 0f);
        assertEquals(-1f, merged.output().get(0, 0, 0, 1), 0f);
        assertEquals(0.25f, merged.lse()[0], 0f);
        AttentionResult none = AttentionMerge.merge(empty, empty);
        assertEquals(Float.NEGATIVE_INFINITY, none.lse()[0]);
        assertEquals(0f, none.output().get(0, 0, 0, 1), 0f);
    }
}
