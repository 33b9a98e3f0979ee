package dev.flashvec.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        if (!Simd.vectorAvailable()) {
            return; // the fused vector kernel does not exist here
        }
        Property.check("paired blocks = single blocks", 0.5,
                r -> r.nextBoolean() ? AttentionCase.midSize(r) : AttentionCase.any(r, 300, 48), c -> {
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
    void blocksPairOnceOneHeadsKeysAndValuesFillAQuarterOfL3() {
        if (!Simd.vectorAvailable()) {
            return;
        }
        Tensor q = Tensor.zeros(1, 1, 8, 16), k = Tensor.zeros(1, 1, 1000, 16), v = Tensor.zeros(1, 1, 1000, 48);
        AttentionProblem p = AttentionProblem.forInputs(q, k, v, AttentionOptions.defaults());
        long kv = 1000L * (16 + 48) * Float.BYTES;
        assertTrue(VectorFlashAttention.pairsBlocks(p, 4 * kv));
        assertFalse(VectorFlashAttention.pairsBlocks(p, 4 * kv + 4));
    }
}
