package dev.flashvec.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flashvec.parallel.ComputePool;
import dev.flashvec.reference.ReferenceAttention;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import dev.flashvec.testing.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fused kernel's paired query blocks (two blocks sharing each K/V tile, used for long keys) compute exactly
 * what single blocks compute: the same bits, for every option, including windows that give the two blocks
 * different tile grids and causal masks that give them different last tiles.
 */
@Tag("kernels")
class BlockPairingTest {
    private static final ComputePool POOL = ComputePool.create(2);

    @AfterAll
    static void close() {
        POOL.close();
    }

    @Test
    void pairedBlocksGiveTheSameBitsAsSingleBlocks() {
        assumeTrue(Simd.vectorAvailable(), "the fused vector kernel does not exist here");
        // midSize draws 200-300 queries: at least two blocks at every vector width, so pairs always form
        Property.check("paired blocks = single blocks", 0.5, AttentionCase::midSize, c -> {
                    Tensor q = c.q(), k = c.k(), v = c.v();
                    AttentionOptions o = c.options();
                    Tensor single = Tensor.zeros(Layout.BHSD, c.batch(), c.heads(), c.sq(), c.dv());
                    Tensor paired = Tensor.zeros(Layout.BHSD, c.batch(), c.heads(), c.sq(), c.dv());
                    float[] lseSingle = new float[c.batch() * c.heads() * c.sq()];
                    float[] lsePaired = new float[lseSingle.length];
                    VectorFlashAttention.forward(AttentionProblem.validate(q, k, v, o, single, lseSingle), POOL, false);
                    VectorFlashAttention.forward(AttentionProblem.validate(q, k, v, o, paired, lsePaired), POOL, true);
                    assertArrayEquals(single.toArray(), paired.toArray(), 0f, "outputs");
                    assertArrayEquals(lseSingle, lsePaired, 0f, "LSE");
                    SpecTolerance.assertClose(paired, lsePaired, ReferenceAttention.compute(q, k, v, o));
                });
    }

    @Test
    void blocksPairOnceOneHeadsKeysAndValuesFillAQuarterOfL3AndEveryThreadKeepsTwoTasks() {
        assumeTrue(Simd.vectorAvailable(), "the fused vector kernel does not exist here");
        int rows = VectorFlashAttention.BLOCK_ROWS;
        // 4 heads × 3 blocks: 2 pairs per head, 8 paired tasks
        Tensor q = Tensor.zeros(1, 4, 2 * rows + 1, 16), k = Tensor.zeros(1, 4, 1000, 16);
        Tensor v = Tensor.zeros(1, 4, 1000, 48);
        AttentionProblem p = AttentionProblem.forInputs(q, k, v, AttentionOptions.defaults());
        long kv = 1000L * (16 + 48) * Float.BYTES;
        assertTrue(VectorFlashAttention.pairsBlocks(p, 4 * kv, 4));
        assertFalse(VectorFlashAttention.pairsBlocks(p, 4 * kv + 4, 4), "K/V under a quarter of L3");
        assertFalse(VectorFlashAttention.pairsBlocks(p, 4 * kv, 5), "fewer than two paired tasks per thread");
    }
}
