package dev.flashvec.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flashvec.parallel.ComputePool;
import dev.flashvec.reference.ReferenceAttention;
import dev.flashvec.simd.CacheSizes;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import dev.flashvec.testing.Gen;
import dev.flashvec.testing.Property;
import dev.flashvec.testing.Shrinkable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * Blocks with few real queries (cross-attention with small Sq, the last block of a short sequence) run one-vector
 * micro-kernels and may copy each K/V tile first; neither may change a bit of any real row.
 */
@Tag("kernels")
class NarrowBlockTest {
    private static final ComputePool POOL = ComputePool.create(2);
    // Not constants: VectorFlashAttention cannot initialize where the vector kernel does not exist.
    private static int rows() {
        return VectorFlashAttention.BLOCK_ROWS;
    }

    private static int lanes() {
        return VectorFlashAttention.BLOCK_ROWS / 4;
    }

    @AfterAll
    static void close() {
        POOL.close();
    }

    /** One micro-kernel call: dims, keys, the K/V row stride beyond the dims, and the data. */
    record TileCase(int dk, int dv, int nk, int pad, long seed) implements Shrinkable<TileCase> {
        static TileCase draw(Random r) {
            return new TileCase(Gen.size(r, 130), Gen.size(r, 130), Gen.size(r, VectorFlashAttention.KEY_TILE),
                    r.nextInt(3) == 0 ? 0 : r.nextInt(9), r.nextLong());
        }

        @Override
        public List<TileCase> shrink() {
            List<TileCase> out = new ArrayList<>();
            for (int v : Gen.smaller(dk)) {
                out.add(new TileCase(v, dv, nk, pad, seed));
            }
            for (int v : Gen.smaller(dv)) {
                out.add(new TileCase(dk, v, nk, pad, seed));
            }
            for (int v : Gen.smaller(nk)) {
                out.add(new TileCase(dk, dv, v, pad, seed));
            }
            return out;
        }
    }

    @Test
    void oneVectorMicroKernelsGiveTheFourVectorKernelsBitsInEveryLiveVector() {
        assumeTrue(Simd.vectorAvailable(), "the fused vector kernel does not exist here");
        final int rows = rows(), lanes = lanes();
        Property.check("narrow tiles = wide tiles", TileCase::draw, c -> {
            Random r = new Random(c.seed());
            float[] qt = Gen.normal(r, c.dk() * rows);
            int kStride = c.dk() + c.pad(), vStride = c.dv() + c.pad();
            float[] k = Gen.normal(r, 3 + c.nk() * kStride), v = Gen.normal(r, 3 + c.nk() * vStride);
            float[] probabilities = Gen.normal(r, VectorFlashAttention.KEY_TILE * rows);
            float[] ot = Gen.normal(r, c.dv() * rows), alpha = Gen.normal(r, rows);

            float[] wideSt = new float[VectorFlashAttention.KEY_TILE * rows], wideMax = new float[rows];
            VectorFlashAttention.scores(qt, 4, k, 3, kStride, c.dk(), c.nk(), wideSt, wideMax);
            float[] wideOt = ot.clone();
            VectorFlashAttention.accumulate(probabilities, 4, c.nk(), v, 3, vStride, c.dv(), wideOt, alpha);
            for (int qv = 1; qv <= VectorFlashAttention.NARROW_VECTORS; qv++) {
                float[] st = new float[wideSt.length], max = new float[rows];
                VectorFlashAttention.scores(qt, qv, k, 3, kStride, c.dk(), c.nk(), st, max);
                float[] narrowOt = ot.clone();
                VectorFlashAttention.accumulate(probabilities, qv, c.nk(), v, 3, vStride, c.dv(), narrowOt, alpha);
                int live = qv * lanes;
                for (int jj = 0; jj < c.nk(); jj++) {
                    assertLanesEqual(wideSt, st, jj * rows, live, "scores of key " + jj + ", " + qv + " vector(s)");
                }
                assertLanesEqual(wideMax, max, 0, live, "tile max, " + qv + " vector(s)");
                for (int d = 0; d < c.dv(); d++) {
                    assertLanesEqual(wideOt, narrowOt, d * rows, live, "output dim " + d + ", " + qv + " vector(s)");
                    // padding vectors are left alone, not overwritten
                    assertLanesEqual(ot, narrowOt, d * rows + live, rows - live, "padding of output dim " + d);
                }
            }
        });
    }

    /** A case of at most one block of queries (narrow or not) with every option at random. */
    private static AttentionCase fewQueries(Random r) {
        AttentionCase c = AttentionCase.any(r, 200, 100);
        return new AttentionCase(c.batch(), c.kvHeads(), c.group(), Gen.size(r, rows()),
                c.sk(), c.dk(), c.dv(), c.storage(), c.scale(), c.softcap(), c.causal(), c.windowLeft(),
                c.windowRight(), c.maskKind(), c.maskBatch(), c.maskHeads(), c.kvLengths(), c.valueSeed());
    }

    @Test
    void copiedKeyAndValueTilesGiveTheSameBitsAsTilesReadInPlace() {
        assumeTrue(Simd.vectorAvailable(), "the fused vector kernel does not exist here");
        // PADDED and BSHD storage give rows that are not adjacent: the copy goes row by row there
        Property.check("copied tiles = tiles in place", 0.5, NarrowBlockTest::fewQueries, c -> {
            Tensor q = c.q(), k = c.k(), v = c.v();
            AttentionOptions o = c.options();
            Tensor inPlace = Tensor.zeros(Layout.BHSD, c.batch(), c.heads(), c.sq(), c.dv());
            float[] lseInPlace = new float[c.batch() * c.heads() * c.sq()];
            VectorFlashAttention.forward(AttentionProblem.validate(q, k, v, o, inPlace, lseInPlace), POOL, 1, 1, false);
            Tensor copied = Tensor.zeros(Layout.BHSD, c.batch(), c.heads(), c.sq(), c.dv());
            float[] lseCopied = new float[lseInPlace.length];
            VectorFlashAttention.forward(AttentionProblem.validate(q, k, v, o, copied, lseCopied), POOL, 1, 1, true);
            assertArrayEquals(inPlace.toArray(), copied.toArray(), 0f, "outputs");
            assertArrayEquals(lseInPlace, lseCopied, 0f, "LSE");
            SpecTolerance.assertClose(copied, lseCopied, ReferenceAttention.compute(q, k, v, o));
        });
    }

    @Test
    void tilesAreCopiedOnlyForOneBlockPerHeadWhoseKeysAndValuesExceedL2() {
        assumeTrue(Simd.vectorAvailable(), "the fused vector kernel does not exist here");
        int oneBlock = rows();
        Tensor k = Tensor.zeros(1, 2, 1000, 16), v = Tensor.zeros(1, 2, 1000, 48);
        int kvBytes = 2 * 1000 * (16 + 48) * Float.BYTES;
        CacheSizes small = new CacheSizes(32768, kvBytes - 1, 64 << 20);
        CacheSizes large = new CacheSizes(32768, kvBytes, 64 << 20);
        AttentionProblem few = AttentionProblem.forInputs(Tensor.zeros(1, 2, oneBlock, 16), k, v,
                AttentionOptions.defaults());
        AttentionProblem more = AttentionProblem.forInputs(Tensor.zeros(1, 2, oneBlock + 1, 16), k, v,
                AttentionOptions.defaults());
        assertTrue(VectorFlashAttention.copiesTiles(few, small), "K/V larger than L2");
        assertFalse(VectorFlashAttention.copiesTiles(few, large), "K/V fit in L2");
        assertFalse(VectorFlashAttention.copiesTiles(more, small), "two query blocks per head");
    }

    private static void assertLanesEqual(float[] expected, float[] actual, int from, int count, String what) {
        for (int i = from; i < from + count; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": lane " + (i - from) + " expected " + expected[i] + " but was "
                        + actual[i]);
            }
        }
    }
}
