package dev.flashvec.attention;

import dev.flashvec.decode.DecodeAttention;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.parallel.ComputePool;
import dev.flashvec.reference.ReferenceAttention;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Tensor;
import dev.flashvec.testing.Property;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The attention family (ALiBi, relative-position bias, score modifier, mask patterns, explain) on this JVM's
 * backend, against the reference that implements docs/SEMANTICS.md literally.
 */
@Tag("kernels")
class AttentionFamilyPropertyTest {
    private static final ComputePool ONE = ComputePool.create(1);
    private static final ComputePool THREE = ComputePool.create(3);
    private static final Attention SERIAL = Attention.create(Simd.backend(), ONE);
    private static final Attention PARALLEL = Attention.create(Simd.backend(), THREE);

    @AfterAll
    static void close() {
        ONE.close();
        THREE.close();
    }

    @Test
    void equalsReferenceWithEveryFamilyOption() {
        Property.check("family equals reference", r -> FamilyCase.any(r, 150, 72), c -> {
            Tensor q = c.base().q(), k = c.base().k(), v = c.base().v();
            AttentionOptions o = c.options();
            AttentionResult got = PARALLEL.forwardWithLse(q, k, v, o);
            SpecTolerance.assertClose(got.output(), got.lse(), ReferenceAttention.compute(q, k, v, o));
        });
    }

    @Test
    void familyResultsAreBitIdenticalForAnyThreadCount() {
        Property.check("family thread-count determinism", 0.5, r -> FamilyCase.any(r, 150, 48), c -> {
            Tensor q = c.base().q(), k = c.base().k(), v = c.base().v();
            AttentionOptions o = c.options();
            AttentionResult one = SERIAL.forwardWithLse(q, k, v, o);
            AttentionResult three = PARALLEL.forwardWithLse(q, k, v, o);
            assertArrayEquals(one.output().toArray(), three.output().toArray(), 0f);
            assertArrayEquals(one.lse(), three.lse(), 0f);
        });
    }

    @Test
    void alibiWithSlopeZeroEqualsPlainAttention() {
        Property.check("ALiBi slope 0 is plain attention", r -> AttentionCase.any(r, 130, 48), c -> {
            Tensor q = c.q(), k = c.k(), v = c.v();
            AttentionOptions plain = c.options();
            AttentionOptions zero = plain.toBuilder().positionBias(AlibiBias.of(new float[c.heads()])).build();
            AttentionResult a = SERIAL.forwardWithLse(q, k, v, plain), b = SERIAL.forwardWithLse(q, k, v, zero);
            SpecTolerance.assertClose(b.output(), b.lse(), ReferenceAttention.compute(q, k, v, plain));
            if (onDecodeKernel(c, plain) != onDecodeKernel(c, zero)) {
                // Two kernels, two summation orders: both answer to the reference instead.
                SpecTolerance.assertClose(a.output(), a.lse(), ReferenceAttention.compute(q, k, v, plain));
                return;
            }
            float[] x = a.output().toArray(), y = b.output().toArray();
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i], y[i], 1e-6f + 1e-5f * Math.abs(x[i]), "element " + i);
            }
        });
    }

    @Test
    void unboundedWindowEqualsPlainAttention() {
        // A window that bounds nothing (unbounded, or wider than every key range) must change nothing, as an
        // option and as a pattern, whatever the other options.
        Property.check("unbounded window is plain attention", r -> AttentionCase.any(r, 130, 40), c -> {
            Tensor q = c.q(), k = c.k(), v = c.v();
            int u = AttentionOptions.UNBOUNDED, wide = c.sq() + c.sk();
            AttentionOptions plain = c.options().toBuilder().window(u, u).build();
            AttentionOptions wideOption = plain.toBuilder().window(wide, wide).build();
            AttentionOptions pattern = plain.toBuilder().maskMod(MaskPatterns.slidingWindow(u, u)).build();
            AttentionResult a = SERIAL.forwardWithLse(q, k, v, plain);
            SpecTolerance.assertClose(a.output(), a.lse(), ReferenceAttention.compute(q, k, v, plain));
            float[] x = a.output().toArray();
            for (AttentionOptions o : new AttentionOptions[] {wideOption, pattern}) {
                AttentionResult b = SERIAL.forwardWithLse(q, k, v, o);
                if (onDecodeKernel(c, plain) != onDecodeKernel(c, o)) {
                    // Two kernels, two summation orders: both answer to the reference instead.
                    SpecTolerance.assertClose(b.output(), b.lse(), ReferenceAttention.compute(q, k, v, plain));
                    continue;
                }
                float[] y = b.output().toArray();
                for (int i = 0; i < x.length; i++) {
                    assertEquals(x[i], y[i], 1e-6f + 1e-5f * Math.abs(x[i]), o + ", element " + i);
                }
            }
        });
    }

    @Test
    void documentMaskEqualsRunningEachDocumentSeparately() {
        // Self-attention over packed documents (Q = K = V): each document's rows must equal attention over that
        // document alone, causal or not.
        Property.check("documents = separate runs", r -> AttentionCase.plain(r, 140, 40), c -> {
            Tensor x = c.q();
            Random r = new Random(c.valueSeed());
            int s = x.seq();
            java.util.List<Integer> parts = new java.util.ArrayList<>();
            for (int left = s; left > 0; ) {
                int len = 1 + r.nextInt(Math.min(left, 1 + r.nextInt(70)));
                parts.add(len);
                left -= len;
            }
            int[] lengths = parts.stream().mapToInt(Integer::intValue).toArray();
            boolean causal = r.nextBoolean();
            Tensor whole = SERIAL.forward(x, x, x, AttentionOptions.builder()
                    .maskMod(MaskPatterns.documents(lengths, causal)).build());
            AttentionOptions alone = causal ? AttentionOptions.builder().causal(CausalAlignment.TOP_LEFT).build()
                    : AttentionOptions.defaults();
            int start = 0;
            for (int len : lengths) {
                Tensor doc = Tensor.view(x.array(), x.index(0, 0, start, 0),
                        new int[] {x.batch(), x.heads(), len, x.dim()},
                        new int[] {x.stride(0), x.stride(1), x.stride(2), x.stride(3)});
                Tensor o = SERIAL.forward(doc, doc, doc, alone);
                for (int b = 0; b < x.batch(); b++) {
                    for (int h = 0; h < x.heads(); h++) {
                        for (int i = 0; i < len; i++) {
                            for (int d = 0; d < x.dim(); d++) {
                                float want = o.get(b, h, i, d), got = whole.get(b, h, start + i, d);
                                assertEquals(want, got, 1e-5f + 1e-4f * Math.abs(want), "document at " + start
                                        + " (length " + len + "), b=" + b + " h=" + h + " i=" + i + " d=" + d);
                            }
                        }
                    }
                }
                start += len;
            }
        });
    }

    @Test
    void windowPatternEqualsTheWindowOption() {
        // MaskPatterns are top-left aligned: with no causal alignment and no key lengths they must allow
        // exactly what window(left, right) allows, and MaskPatterns.causal() what causal(TOP_LEFT) allows.
        Property.check("window pattern = window option", r -> AttentionCase.plain(r, 140, 40), c -> {
            Random r = new Random(c.valueSeed());
            int left = r.nextInt(3) == 0 ? AttentionOptions.UNBOUNDED : r.nextInt(c.sk() + 1);
            int right = r.nextInt(3) == 0 ? AttentionOptions.UNBOUNDED : r.nextInt(c.sk() + 1);
            boolean causal = r.nextBoolean();
            AttentionOptions.Builder option = AttentionOptions.builder().window(left, right);
            MaskMod pattern = MaskPatterns.slidingWindow(left, right);
            if (causal) {
                option.causal(CausalAlignment.TOP_LEFT);
                pattern = MaskPatterns.intersection(pattern, MaskPatterns.causal());
            }
            AttentionOptions a = option.build(), b = AttentionOptions.builder().maskMod(pattern).build();
            for (int i = 0; i < c.sq(); i++) {
                for (int j = 0; j < c.sk(); j++) {
                    assertEquals(ReferenceAttention.allowed(a, c.sq(), c.sk(), 0, 0, i, j),
                            ReferenceAttention.allowed(b, c.sq(), c.sk(), 0, 0, i, j), "pair (" + i + ", " + j + ")");
                }
            }
            Tensor q = c.q(), k = c.k(), v = c.v();
            AttentionResult x = SERIAL.forwardWithLse(q, k, v, a), y = SERIAL.forwardWithLse(q, k, v, b);
            SpecTolerance.assertClose(y.output(), y.lse(), ReferenceAttention.compute(q, k, v, a));
            SpecTolerance.assertClose(x.output(), x.lse(), ReferenceAttention.compute(q, k, v, b));
        });
    }

    @Test
    void explainGivesTheReferenceProbabilitiesWhichReproduceTheOutput() {
        Property.check("explain", r -> FamilyCase.any(r, 90, 40), c -> {
            Tensor q = c.base().q(), k = c.base().k(), v = c.base().v();
            AttentionOptions o = c.options();
            AttentionResult res = SERIAL.forwardWithLse(q, k, v, o);
            Random r = new Random(c.seed());
            int b = r.nextInt(c.base().batch()), h = r.nextInt(c.base().heads()), sq = c.base().sq(), sk = c.base().sk();
            int from = r.nextInt(sq), to = from + 1 + r.nextInt(sq - from);
            float[] p = SERIAL.explain(q, k, v, o, res.lse(), b, h, from, to);
            assertEquals((to - from) * sk, p.length);
            for (int i = from; i < to; i++) {
                double[] want = ReferenceAttention.probabilities(q, k, v, o, b, h, i);
                double sum = 0;
                for (int j = 0; j < sk; j++) {
                    float got = p[(i - from) * sk + j];
                    sum += got;
                    assertTrue(Math.abs(got - want[j]) <= 1e-5 + 1e-4 * want[j], "P[" + i + ", " + j + "] = " + got
                            + " but reference is " + want[j]);
                }
                boolean live = res.lse(b, h, i) != Float.NEGATIVE_INFINITY;
                assertEquals(live ? 1 : 0, sum, 1e-4, "row " + i + " sums to " + sum);
                for (int d = 0; d < c.base().dv(); d++) {
                    double pv = 0;
                    for (int j = 0; j < sk; j++) {
                        pv += (double) p[(i - from) * sk + j] * v.get(b, h / c.base().group(), j, d);
                    }
                    float o1 = res.output().get(b, h, i, d);
                    assertEquals(o1, pv, 2e-5 + 2e-4 * Math.abs(o1), "(P·V)[" + i + ", " + d + "] vs O");
                }
            }
        });
    }

    @Test
    void keysOfSkippedTilesAreNeverRead() {
        // Documents of whole key tiles: a query block of one document classifies every tile of another
        // document EMPTY, so NaN planted in those keys and values must not reach it (a read of a masked key
        // would: its weight 0 times NaN is NaN). The vector kernel's tile follows the L1 cache and the lanes.
        int tile = Simd.backend() == dev.flashvec.simd.Backend.VECTOR ? VectorFlashAttention.KEY_TILE
                : ScalarFlashAttention.KEY_TILE;
        Property.check("skipped tiles are not read", 0.5, r -> AttentionCase.plain(r, 48, 40), c -> {
            Random r = new Random(c.valueSeed());
            int docs = 2 + r.nextInt(3), s = docs * tile;
            int[] lengths = new int[docs];
            java.util.Arrays.fill(lengths, tile);
            AttentionCase sq = new AttentionCase(1, 1, 1, s, s, c.dk(), c.dv(), c.storage(), Float.NaN, 0f,
                    CausalAlignment.NONE, AttentionOptions.UNBOUNDED, AttentionOptions.UNBOUNDED,
                    AttentionCase.MaskKind.NONE, false, false, false, c.valueSeed());
            Tensor q = sq.q(), k = sq.k(), v = sq.v();
            int poisoned = r.nextInt(docs);
            for (int j = poisoned * tile; j < poisoned * tile + tile; j++) {
                k.set(0, 0, j, 0, Float.NaN);
                v.set(0, 0, j, 0, Float.NaN);
            }
            AttentionOptions o = AttentionOptions.builder().maskMod(MaskPatterns.documents(lengths, r.nextBoolean()))
                    .build();
            Tensor out = SERIAL.forward(q, k, v, o);
            for (int i = 0; i < s; i++) {
                boolean own = i / tile == poisoned;
                for (int d = 0; d < c.dv(); d++) {
                    float x = out.get(0, 0, i, d);
                    assertTrue(own ? Float.isNaN(x) : Float.isFinite(x), "O[" + i + ", " + d + "] = " + x
                            + " (NaN planted in document " + poisoned + ")");
                }
            }
        });
    }

    /**
     * Whether {@link Attention} runs these options on the decode kernel (few queries, no mask, mask predicate,
     * position bias, score modifier or softcap) rather than the fused one; the generated cases always have unit
     * stride on D.
     */
    private static boolean onDecodeKernel(AttentionCase c, AttentionOptions o) {
        return c.sq() <= DecodeAttention.MAX_SPLIT_QUERIES && o.mask() == null && o.maskMod() == null
                && o.positionBias() == null && o.scoreMod() == null && !(o.softcap() > 0f);
    }
}
