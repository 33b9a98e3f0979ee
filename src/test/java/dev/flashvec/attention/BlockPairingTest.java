package dev.flashvec.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flashvec.parallel.ComputePool;
import dev.flashvec.reference.ReferenceAttention;
import dev.flashvec.simd.CacheSizes;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import dev.flashvec.testing.Property;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fused kernel's grouped query blocks (adjacent blocks sharing each K/V tile, used for long keys) compute
 * exactly what single blocks compute: the same bits, for every option and group size, including windows that
 * give the blocks of a group different tile grids and causal masks that give them different last tiles.
 */
@Tag("kernels")
class BlockPairingTest {
    private static final ComputePool POOL = ComputePool.create(2);

    @AfterAll
    static void close() {
        POOL.close();
    }

    @Test
    void groupedBlocksGiveTheSameBitsAsSingleBlocks() {
        assumeTrue(Simd.vectorAvailable(), "the fused vector kernel does not exist here");
        // midSize draws 200-300 queries: at least two blocks at every vector width, so groups always form
        Property.check("grouped blocks = single blocks", 0.5, AttentionCase::midSize, c -> {
                    Tensor q = c.q(), k = c.k(), v = c.v();
                    AttentionOptions o = c.options();
                    Tensor single = Tensor.zeros(Layout.BHSD, c.batch(), c.heads(), c.sq(), c.dv());
                    float[] lseSingle = new float[c.batch() * c.heads() * c.sq()];
                    VectorFlashAttention.forward(AttentionProblem.validate(q, k, v, o, single, lseSingle), POOL, 1, 1,
                            false);
                    // 3 leaves a short last group when the block count is not a multiple; 8 is the largest in use.
                    // Under GQA the group's query heads also share tiles, alone or with blocks.
                    List<int[]> groupings = new ArrayList<>();
                    for (int group : new int[] {2, 3, 4, VectorFlashAttention.MAX_GROUP}) {
                        groupings.add(new int[] {1, group});
                    }
                    if (c.group() > 1) {
                        groupings.add(new int[] {c.group(), 1});
                        groupings.add(new int[] {c.group(), 3});
                    }
                    for (int[] g : groupings) {
                        Tensor grouped = Tensor.zeros(Layout.BHSD, c.batch(), c.heads(), c.sq(), c.dv());
                        float[] lseGrouped = new float[lseSingle.length];
                        VectorFlashAttention.forward(AttentionProblem.validate(q, k, v, o, grouped, lseGrouped), POOL,
                                g[0], g[1], false);
                        String what = g[0] + " head(s) × " + g[1] + " block(s)";
                        assertArrayEquals(single.toArray(), grouped.toArray(), 0f, "outputs, groups of " + what);
                        assertArrayEquals(lseSingle, lseGrouped, 0f, "LSE, groups of " + what);
                    }
                    SpecTolerance.assertClose(single, lseSingle, ReferenceAttention.compute(q, k, v, o));
                });
    }

    @Test
    void blocksGroupOnceOneHeadsKeysAndValuesFillAQuarterOfL3AsTheirStatesFitL2AndEveryThreadKeepsTwoTasks() {
        assumeTrue(Simd.vectorAvailable(), "the fused vector kernel does not exist here");
        int rows = VectorFlashAttention.BLOCK_ROWS;
        int max = VectorFlashAttention.MAX_GROUP;
        // 4 heads × 2·MAX_GROUP + 1 blocks
        Tensor q = Tensor.zeros(1, 4, 2 * max * rows + 1, 16), k = Tensor.zeros(1, 4, 1000, 16);
        Tensor v = Tensor.zeros(1, 4, 1000, 48);
        AttentionProblem p = AttentionProblem.forInputs(q, k, v, AttentionOptions.defaults());
        int kv = 1000 * (16 + 48) * Float.BYTES;
        int state = (16 + 48 + VectorFlashAttention.KEY_TILE) * rows * Float.BYTES;
        int bigL2 = 100 * state;
        assertEquals(1, VectorFlashAttention.grouping(p, new CacheSizes(32768, bigL2, 4 * kv + 4), 1).blocks(),
                "K/V under a quarter of L3");
        assertEquals(max, VectorFlashAttention.grouping(p, new CacheSizes(32768, bigL2, 4 * kv), 1).blocks());
        // three quarters of L2 hold the states of three blocks
        assertEquals(3, VectorFlashAttention.grouping(p, new CacheSizes(32768, 4 * state, 4 * kv), 1).blocks());
        assertEquals(1, VectorFlashAttention.grouping(p, new CacheSizes(32768, state, 4 * kv), 1).blocks());
        // 4 heads × 3 groups of MAX_GROUP = 12 tasks: enough for 6 threads, halved once for 7 to 12
        assertEquals(max, VectorFlashAttention.grouping(p, new CacheSizes(32768, bigL2, 4 * kv), 6).blocks());
        assertEquals(max / 2, VectorFlashAttention.grouping(p, new CacheSizes(32768, bigL2, 4 * kv), 7).blocks());
    }

    @Test
    void underGqaTheBudgetGoesFirstToHeadsSharingAKvHeadThenToBlocks() {
        assumeTrue(Simd.vectorAvailable(), "the fused vector kernel does not exist here");
        int rows = VectorFlashAttention.BLOCK_ROWS;
        // 2 KV heads × 6 query heads each (GQA group 6), one query block per head
        Tensor q = Tensor.zeros(1, 12, rows, 16), k = Tensor.zeros(1, 2, 1000, 16), v = Tensor.zeros(1, 2, 1000, 48);
        AttentionProblem p = AttentionProblem.forInputs(q, k, v, AttentionOptions.defaults());
        int kv = 1000 * (16 + 48) * Float.BYTES;
        int state = (16 + 48 + VectorFlashAttention.KEY_TILE) * rows * Float.BYTES;
        CacheSizes room = new CacheSizes(32768, 100 * state, 4 * kv);
        assertEquals(new VectorFlashAttention.Grouping(1, 1),
                VectorFlashAttention.grouping(p, new CacheSizes(32768, 100 * state, 4 * kv + 4), 1), "small K/V");
        // a budget of 8 members: 6 heads (the largest divisor of 6 within 8), 8 / 6 = 1 block each
        assertEquals(new VectorFlashAttention.Grouping(6, 1), VectorFlashAttention.grouping(p, room, 1));
        // a budget of 5 (three quarters of L2 hold 5 states): 3 heads
        assertEquals(new VectorFlashAttention.Grouping(3, 1),
                VectorFlashAttention.grouping(p, new CacheSizes(32768, 7 * state, 4 * kv), 1));
        // 12 heads / 6 = 2 tasks: enough for 1 thread; 2 threads need 4 tasks, so 3 heads per group
        assertEquals(new VectorFlashAttention.Grouping(3, 1), VectorFlashAttention.grouping(p, room, 2));
    }
}
