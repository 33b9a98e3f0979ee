package dev.flashvec.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flashvec.parallel.ComputePool;
import dev.flashvec.reference.ReferenceAttention;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import dev.flashvec.testing.Property;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Properties of the public merge: N parts over disjoint key ranges give the whole; merging is commutative and
 * associative within SPEC's tolerance; a part with {@code LSE = -inf} contributes nothing.
 */
class AttentionMergePropertyTest {
    private static final ComputePool ONE = ComputePool.create(1);
    private static final Attention ATTENTION = Attention.create(Simd.backend(), ONE);

    @AfterAll
    static void close() {
        ONE.close();
    }

    /** The case's keys cut at 1–4 random points into 2–5 non-empty ranges, each attended separately. */
    private static List<AttentionResult> parts(AttentionCase c, Random r) {
        Tensor q = c.q(), k = c.k(), v = c.v();
        int cuts = Math.min(c.sk() - 1, 1 + r.nextInt(4));
        int[] at = r.ints(1, c.sk()).distinct().limit(cuts).sorted().toArray();
        List<AttentionResult> parts = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= at.length; i++) {
            int to = i < at.length ? at[i] : c.sk();
            parts.add(ATTENTION.forwardWithLse(q, AttentionPropertyTest.keys(k, from, to),
                    AttentionPropertyTest.keys(v, from, to), AttentionOptions.defaults()));
            from = to;
        }
        return parts;
    }

    @Test
    void nPartsOverDisjointKeysMergeToTheWhole() {
        Property.check("N-part merge = whole", r -> AttentionCase.plain(r, 100, 40), c -> {
            if (c.sk() < 2) {
                return;
            }
            List<AttentionResult> parts = parts(c, new Random(c.valueSeed()));
            AttentionResult merged = AttentionMerge.merge(parts);
            SpecTolerance.assertClose(merged.output(), merged.lse(),
                    ReferenceAttention.compute(c.q(), c.k(), c.v(), AttentionOptions.defaults()));
            // Into a caller's buffer (here: the first part's own output), with the same bits.
            Tensor into = parts.get(0).output().copy(Layout.BSHD);
            float[] lse = new float[merged.lse().length];
            AttentionMerge.mergeInto(parts, into, lse);
            assertArrayEquals(merged.output().toArray(), into.toArray(), 0f);
            assertArrayEquals(merged.lse(), lse, 0f);
        });
    }

    @Test
    void mergeIsCommutativeAndAssociativeWithinTolerance() {
        Property.check("merge order", r -> AttentionCase.plain(r, 100, 40), c -> {
            if (c.sk() < 3) {
                return;
            }
            Random r = new Random(c.valueSeed());
            List<AttentionResult> parts = parts(c, r);
            AttentionResult flat = AttentionMerge.merge(parts);
            List<AttentionResult> shuffled = new ArrayList<>(parts);
            Collections.shuffle(shuffled, r);
            // Left fold of pairs in a shuffled order: a different grouping and order of the same parts.
            AttentionResult folded = shuffled.get(0);
            for (int i = 1; i < shuffled.size(); i++) {
                folded = AttentionMerge.merge(folded, shuffled.get(i));
            }
            SpecTolerance.assertClose(folded.output(), folded.lse(), asReference(flat));
        });
    }

    @Test
    void aPartWithMinusInfinityLseContributesNothing() {
        Property.check("-inf part is neutral", r -> AttentionCase.plain(r, 60, 40), c -> {
            AttentionResult whole = ATTENTION.forwardWithLse(c.q(), c.k(), c.v(), AttentionOptions.defaults());
            Tensor garbage = Tensor.zeros(c.batch(), c.heads(), c.sq(), c.dv());
            Arrays.fill(garbage.array(), Float.NaN);
            float[] none = new float[whole.lse().length];
            Arrays.fill(none, Float.NEGATIVE_INFINITY);
            AttentionResult empty = new AttentionResult(garbage, none);
            AttentionResult merged = AttentionMerge.merge(List.of(empty, whole, empty));
            assertArrayEquals(whole.output().toArray(), merged.output().toArray(), 0f);
            assertArrayEquals(whole.lse(), merged.lse(), 0f);
            AttentionResult nothing = AttentionMerge.merge(List.of(empty, empty));
            for (float x : nothing.output().toArray()) {
                assertEquals(0f, x, 0f);
            }
        });
    }

    /** A result viewed as a "reference" so SpecTolerance can compare two engine results. */
    private static ReferenceAttention.Result asReference(AttentionResult r) {
        Tensor o = r.output();
        float[] f = o.toArray();
        double[] out = new double[f.length], lse = new double[r.lse().length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        for (int i = 0; i < lse.length; i++) {
            lse[i] = r.lse()[i];
        }
        return new ReferenceAttention.Result(o.shape(), out, lse);
    }
}
