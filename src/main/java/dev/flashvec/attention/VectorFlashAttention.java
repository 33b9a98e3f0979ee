package dev.flashvec.attention;

import dev.flashvec.parallel.ComputePool;
import dev.flashvec.simd.CacheSizes;
import dev.flashvec.simd.VectorMath;
import dev.flashvec.simd.VectorProbe;
import dev.flashvec.tensor.Tensor;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fused attention forward pass on the Vector API, with SIMD lanes running over <em>queries</em>.
 *
 * <p>Each task owns a block of {@code BLOCK_ROWS = 4·VL} consecutive queries of one (batch, head), or a group of
 * adjacent blocks and GQA heads when the keys are long (see {@link #grouping}). A block with
 * at most {@link #NARROW_VECTORS} vectors of real queries runs {@link NarrowTiles}' one-vector micro-kernels and
 * skips its padding vectors in every pass. The block's
 * Q is packed once, transposed ({@code qt[d][r]}); the scale is applied to finished dot products, which
 * rounds once instead of once per term. Keys then stream in tiles of
 * {@code KEY_TILE}: for key {@code j}, one vector holds the scores of {@code VL} queries, computed by
 * broadcasting {@code k[j][d]} against {@code qt[d][·]}, so K and V are read where they lie (any stride,
 * no packing, no transposition) and the online softmax's running max and sum are plain lane-wise
 * operations with no horizontal reductions. The output accumulates transposed ({@code ot[d][r]}) by
 * broadcasting {@code v[j][d]} against the probabilities, and is transposed back once per block.
 *
 * <p>Causal alignment, the sliding window and the key length all limit query {@code i} to one interval of
 * keys; a block visits only the union of its rows' intervals (tiles outside are never touched) and applies
 * per-lane interval checks only on tiles that are not allowed for every row.
 *
 * <p>A {@link MaskMod} is asked once per (block × key tile) rectangle: empty tiles are skipped, full ones run as
 * if unmasked, and only partial tiles call its per-pair predicate (into the mask tile). A {@link PositionBias}
 * is evaluated once per block and distance into a small table read with plain vector loads; a
 * {@link ScoreMod} runs per pair. Tiles with either never take the unmasked fast path.
 *
 * <p>Micro-kernels are single flat methods with their accumulators in locals, because the JIT's inlining
 * budget would otherwise leave vectors boxed on the heap.
 *
 * <p>Running maxima are taken by compare and blend, {@code m.blend(x, m.lt(x))}, not {@code FloatVector.max}:
 * that one follows {@link Math#max}'s rules for NaN and signed zeros, which x86 has no single instruction for,
 * and its fix-up sequence made the softmax passes markedly slower (see docs/PERFORMANCE.md, session 5). A NaN
 * score is therefore skipped by the max, but its {@code exp} is NaN and still reaches the row's sum and
 * output; a row is empty (output 0, LSE {@code -inf}) only when its max stayed {@code -inf} and its sum 0.
 */
final class VectorFlashAttention implements AttentionKernel {
    private static final VectorSpecies<Float> F = VectorProbe.floatSpecies();
    private static final VectorSpecies<Integer> I = VectorProbe.intSpecies();
    private static final int VL = F.length();
    /** Query vectors per block: the register tile is 4 keys (or 4 dims) × 4 query vectors = 16 accumulators. */
    private static final int QV = 4;
    /**
     * Blocks with at most this many live query vectors run {@link NarrowTiles}' one-vector micro-kernels instead
     * of the 4-vector ones, which would spend most of their FMAs on padding rows.
     */
    static final int NARROW_VECTORS = 2;
    /** Queries per block (task). */
    static final int BLOCK_ROWS = QV * VL;
    /** Keys per tile (one online-softmax step), from this machine's L1 data cache; see {@link #keyTile}. */
    static final int KEY_TILE = keyTile(CacheSizes.detected().l1d());
    /** Dims per partial dot product (see {@link #scores}). */
    static final int DOT_BLOCK = 32;
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    /**
     * Keys per tile for an L1 data cache of {@code l1dBytes}: the block's score tile ({@code BLOCK_ROWS} × keys
     * floats, read and rewritten by every softmax pass) fills half of L1, leaving the other half to the rows of
     * Q, O and K/V the micro-kernels are reading; a multiple of 4 (the micro-kernel's key step), 16 to 256.
     * Larger tiles rescale the output less often; once the score tile spills out of L1, every pass over it
     * costs more than that saves. On this machine kind (32 KiB L1d, 16 lanes) it gives 64, the size measured
     * best when it was a constant.
     */
    static int keyTile(long l1dBytes) {
        long keys = l1dBytes / 2 / ((long) BLOCK_ROWS * Float.BYTES) / 4 * 4;
        return (int) Math.max(16, Math.min(256, keys));
    }
    private static final int NEG_INF_BITS = Float.floatToRawIntBits(NEG_INF);
    /** The most group members (query blocks or heads) that share each K/V tile (see grouping). */
    static final int MAX_GROUP = 8;
    /** Below this magnitude half an ulp of the softmax reference is at most 1/2 (see expStep). */
    private static final float EXP_BOUNDED_REF = 0x1p24f;
    /** log2(e) and ln(2): the running maxima are kept in base 2 (see expStep). */
    private static final double LOG2E = 1.4426950408889634, LN2 = 0.6931471805599453;

    /** Per-block buffers and state, sized for one problem and reused by every block a worker runs. */
    private static final class Scratch {
        final float[] qt, st, ot, mt;
        /** Scratch for the softcap's tanh, addressed like {@code st}; only allocated when a softcap is set. */
        final float[] tmp;
        final float[] m = new float[BLOCK_ROWS], l = new float[BLOCK_ROWS], alpha = new float[BLOCK_ROWS];
        final float[] tileMax = new float[BLOCK_ROWS], ref = new float[BLOCK_ROWS], sums = new float[BLOCK_ROWS];
        final int[] lo = new int[BLOCK_ROWS], hi = new int[BLOCK_ROWS];
        /**
         * The block's position bias by distance: {@code pos[x − xMin]} is the bias at {@code rel = −x}, where
         * {@code x = (i + offset) − j}. Indexed this way, the lanes of one key (consecutive queries) read
         * consecutive entries. Only allocated when a position bias is set.
         */
        final float[] pos;
        /** The current block: head, first query, rows, the union of its rows' key intervals, and the keys all see. */
        int h, i0, n, first, last, fullFrom, fullTo, xMin;
        /** The current block's query vectors that hold a real row, {@code ceil(n / VL)}: later ones are padding. */
        int qv;

        Scratch(AttentionProblem p) {
            qt = new float[p.dk * BLOCK_ROWS];
            st = new float[KEY_TILE * BLOCK_ROWS];
            ot = new float[p.dv * BLOCK_ROWS];
            mt = p.mask == null && p.maskMod == null ? null : new float[KEY_TILE * BLOCK_ROWS];
            pos = p.positionBias == null ? null : new float[p.sk + BLOCK_ROWS];
            tmp = p.softcap > 0f ? new float[KEY_TILE * BLOCK_ROWS] : null;
        }
    }

    /**
     * Where the micro-kernels read the current K and V tile: in place, or from a copy made row after row when
     * {@link #copiesTiles} decided so for this problem.
     */
    private static final class KvTile {
        private final float[] kCopy, vCopy;
        float[] ka, va;
        int kBase, kStride, vBase, vStride;

        KvTile(AttentionProblem p, boolean copy) {
            kCopy = copy ? new float[KEY_TILE * p.dk] : null;
            vCopy = copy ? new float[KEY_TILE * p.dv] : null;
        }

        /** Points at keys {@code [j0, j0 + nk)} of (b, kvh), copying them first if this tile copies. */
        void locate(AttentionProblem p, int b, int kvh, int j0, int nk) {
            Tensor k = p.k, v = p.v;
            ka = k.array();
            kBase = k.index(b, kvh, j0, 0);
            kStride = k.stride(Tensor.SEQ);
            va = v.array();
            vBase = v.index(b, kvh, j0, 0);
            vStride = v.stride(Tensor.SEQ);
            if (kCopy != null) {
                copyRows(ka, kBase, kStride, p.dk, nk, kCopy);
                copyRows(va, vBase, vStride, p.dv, nk, vCopy);
                ka = kCopy;
                kBase = 0;
                kStride = p.dk;
                va = vCopy;
                vBase = 0;
                vStride = p.dv;
            }
        }
    }

    /** A worker's block states, one per member of a group (see {@link #blockGroup}), and its K/V tile. */
    private static final class BlockGroup {
        final Scratch[] blocks;
        final KvTile tile;

        BlockGroup(AttentionProblem p, int size, boolean copyTiles) {
            blocks = new Scratch[size];
            for (int i = 0; i < size; i++) {
                blocks[i] = new Scratch(p);
            }
            tile = new KvTile(p, copyTiles);
        }
    }

    /** How many query heads of one KV head, and how many adjacent query blocks of each, share every K/V tile. */
    record Grouping(int heads, int blocks) {
    }

    @Override
    public void forward(AttentionProblem p, ComputePool pool) {
        Grouping g = grouping(p, CacheSizes.detected(), pool.threads());
        forward(p, pool, g.heads(), g.blocks(), copiesTiles(p, CacheSizes.detected()));
    }

    /**
     * How many query heads of one KV head, and how many adjacent query blocks of each, share every K/V tile.
     * None share (1 × 1) unless one head's K and V together take at least a quarter of L3, so that streaming
     * them again for every 64-query block means reading them from the far end of L3 or from memory. Then the
     * budget is as many members as have their state (queries, output accumulator, score tile) in three quarters
     * of L2, the rest left for the shared K/V tiles, at most {@value #MAX_GROUP}. Under GQA it goes first to
     * query heads that share a KV head (the largest divisor of the GQA group that fits), so that
     * cross-attention with a single query block per head still reads each K/V tile once for several heads;
     * what remains goes to adjacent blocks. While there are fewer than two tasks per thread the blocks are
     * halved, then the heads (grouping must not idle a core). Grouping never changes results, so it may depend
     * on the thread count and the caches.
     *
     * <p>Blocks, measured with {@code bench attention}, H=8, one thread, alternating runs (GFLOP/s): D=128,
     * S=8192 (8 MB of K/V per head) 77–80 for single blocks, 84–90 in pairs, 88–94 in fours, 94–100 in eights,
     * and 94–100 in sixteens; D=64, S=16384: 89–90 in pairs, 90–95 in eights; two threads at D=128, S=8192:
     * 179–182 in pairs, 191–192 in eights. At S ≤ 4096 groups gave nothing measurable (D=128, S=4096: 97–100
     * single, 94–98 in eights), so smaller problems keep single blocks.
     *
     * <p>Heads, measured with {@code bench attention}, Hq=32, Hkv=8, L=8192, D=128, one thread, two alternating
     * rounds (ms, heads one by one → four heads per group): Sq=16 57–58 → 35–39 (with copied tiles), Sq=64
     * 108–110 → 91–93, Sq=256 (already four blocks per group) 362–372 → 350–356.
     */
    static Grouping grouping(AttentionProblem p, CacheSizes cache, int threads) {
        long kvBytes = (long) p.sk * (p.dk + p.dv) * Float.BYTES;
        if (kvBytes < cache.l3() / 4) {
            return new Grouping(1, 1);
        }
        long stateBytes = (long) (p.dk + p.dv + KEY_TILE) * BLOCK_ROWS * Float.BYTES;
        int budget = (int) Math.max(1, Math.min(MAX_GROUP, cache.l2() * 3L / 4 / stateBytes));
        int heads = largestDivisorAtMost(p.group, budget);
        int group = Math.max(1, budget / heads);
        long blocks = (p.sq + BLOCK_ROWS - 1) / BLOCK_ROWS;
        while ((group > 1 || heads > 1)
                && (long) p.batch * (p.heads / heads) * ((blocks + group - 1) / group) < 2L * threads) {
            if (group > 1) {
                group /= 2;
            } else {
                heads = largestDivisorAtMost(p.group, heads - 1);
            }
        }
        return new Grouping(heads, group);
    }

    /** The largest divisor of {@code n} that is at most {@code limit} (at least 1). */
    private static int largestDivisorAtMost(int n, int limit) {
        for (int d = Math.min(n, limit); d > 1; d--) {
            if (n % d == 0) {
                return d;
            }
        }
        return 1;
    }

    /**
     * Below 3/4 of a vector of queries the decode kernel is faster. Measured with {@code bench attention}, H=32,
     * L=8192, D=128, at 512 bits (16 lanes), decode against this kernel's one-vector blocks, one thread: Sq=8
     * 39 against 50 ms, Sq=12 58 against 51, Sq=16 64 against 55; two threads: 21 against 25, 27 against 27,
     * 37 against 28; with Hkv=8 (decode shares each K/V read across the group) the same crossover.
     */
    @Override
    public int fewQueryLimit() {
        return 3 * VL / 4 - 1;
    }

    /**
     * Whether each K/V tile is copied into a worker's buffer before its blocks use it: only when every head has a
     * single query block ({@code Sq ≤ BLOCK_ROWS}: cross-attention with few queries) and the call's K and V do
     * not fit in L2. Such a block reads each tile once, from L3 or memory, and its micro-kernels do too little
     * work per byte to hide the misses of their strided reads (4 or 8 rows at a time, a few dims each); a copy
     * row after row streams at the prefetchers' pace instead. Measured with {@code bench attention}, H=32,
     * D=128: Sq=16 (one-vector blocks), L=8192, one thread 65.9 → 51.9 ms and L=256 1.97 → 1.45 ms; Sq=64, L=8192
     * in four alternating rounds 103.8–107.2 → 101.7–102.7 ms on one thread and 53.0–54.0 → 51.6–51.9 on two;
     * Sq=48 103.1–104.5 → 100.5–100.7. Where K and V come from L1 or L2 the copy only adds work (10–15% slower
     * at H=1, L=1024, and 9–13% at S=L=2048 and 8192, D=64, H=8, where many blocks share each head's K/V).
     */
    static boolean copiesTiles(AttentionProblem p, CacheSizes cache) {
        long kvBytes = (long) p.batch * p.kvHeads * p.sk * (p.dk + p.dv) * Float.BYTES;
        return p.sq <= BLOCK_ROWS && kvBytes > cache.l2();
    }

    /**
     * The forward pass with groups of {@code heads} query heads of one KV head ({@code heads} divides the GQA
     * group) × {@code group} adjacent query blocks of each, K/V tiles copied or not as told. When all members of
     * a group start at the same key (always, unless a window or per-query limit moves it), every K/V tile is
     * read once for the whole group, one member after the other while it is in cache, which divides the K/V
     * traffic per flop by the group's size. Each member still visits exactly its own tiles, in the same order,
     * with its own state, so results are the same bits for any grouping (tested).
     */
    static void forward(AttentionProblem p, ComputePool pool, int heads, int group, boolean copyTiles) {
        if (heads < 1 || p.group % heads != 0) {
            throw new IllegalArgumentException("heads per group must divide the GQA group " + p.group + ": " + heads);
        }
        int blocks = (p.sq + BLOCK_ROWS - 1) / BLOCK_ROWS;
        int per = Math.max(1, Math.min(group, blocks));
        int units = (blocks + per - 1) / per;
        int headUnits = p.heads / heads; // groups of heads never straddle two KV heads: heads divides p.group
        int tasks = p.batch * headUnits * units;
        // Later query blocks see more keys under a causal mask: hand them out first so no worker is left
        // with a long task at the end. The order never changes what any task computes.
        pool.parallelFor(tasks, () -> new BlockGroup(p, heads * per, copyTiles), (g, t) -> {
            int unit = units - 1 - t % units;
            int hu = t / units % headUnits, b = t / units / headUnits;
            int blk = unit * per;
            int count = Math.min(per, blocks - blk);
            if (heads == 1 && count == 1) {
                block(p, g.blocks[0], g.tile, b, hu, blk * BLOCK_ROWS);
            } else {
                blockGroup(p, g, heads, count, b, hu * heads, blk * BLOCK_ROWS);
            }
        });
    }

    private static void block(AttentionProblem p, Scratch s, KvTile tile, int b, int h, int i0) {
        if (begin(p, s, b, h, i0)) {
            for (int j0 = s.first; j0 <= s.last; j0 += KEY_TILE) {
                tile.locate(p, b, h / p.group, j0, Math.min(KEY_TILE, s.last + 1 - j0));
                step(p, s, tile, b, j0);
            }
        }
        writeRows(p, s, b, h, s.i0, s.n);
    }

    /**
     * {@code count} blocks from {@code i0} of each of {@code heads} heads from {@code h0}, sharing each K/V tile
     * when every member that sees a key starts at the same key. A member that sees no key keeps
     * {@code last = -1} from {@link #begin}, so it is never stepped.
     */
    private static void blockGroup(AttentionProblem p, BlockGroup g, int heads, int count, int b, int h0, int i0) {
        Scratch[] s = g.blocks;
        int members = heads * count, kvh = h0 / p.group;
        int first = -1, end = -1;
        boolean shared = true;
        for (int m = 0; m < members; m++) {
            if (begin(p, s[m], b, h0 + m / count, i0 + m % count * BLOCK_ROWS)) {
                shared &= first < 0 || s[m].first == first;
                first = s[m].first;
                end = Math.max(end, s[m].last);
            }
        }
        if (shared) {
            for (int j0 = first; first >= 0 && j0 <= end; j0 += KEY_TILE) {
                g.tile.locate(p, b, kvh, j0, Math.min(KEY_TILE, end + 1 - j0));
                for (int m = 0; m < members; m++) {
                    if (j0 <= s[m].last) {
                        step(p, s[m], g.tile, b, j0);
                    }
                }
            }
        } else {
            for (int m = 0; m < members; m++) {
                for (int j0 = s[m].first; j0 <= s[m].last; j0 += KEY_TILE) {
                    g.tile.locate(p, b, kvh, j0, Math.min(KEY_TILE, s[m].last + 1 - j0));
                    step(p, s[m], g.tile, b, j0);
                }
            }
        }
        for (int m = 0; m < members; m++) {
            writeRows(p, s[m], b, s[m].h, s[m].i0, s[m].n);
        }
    }

    /**
     * Sets up block {@code i0}: each row's key interval, their union {@code [first, last]} and intersection,
     * the packed queries and the position-bias table; the online-softmax state is reset. Returns false if no
     * row of the block sees any key.
     */
    private static boolean begin(AttentionProblem p, Scratch s, int b, int h, int i0) {
        int n = Math.min(BLOCK_ROWS, p.sq - i0);
        int[] lo = s.lo, hi = s.hi;
        int first = Integer.MAX_VALUE, last = -1;
        int fullFrom = 0, fullTo = Integer.MAX_VALUE;
        for (int r = 0; r < BLOCK_ROWS; r++) {
            if (r >= n) {
                lo[r] = 1; // padding lanes: an empty interval
                hi[r] = 0;
                continue;
            }
            int a = p.firstKey(b, i0 + r), z = p.lastKey(b, i0 + r);
            lo[r] = a;
            hi[r] = z;
            if (a <= z) {
                first = Math.min(first, a);
                last = Math.max(last, z);
            }
            fullFrom = Math.max(fullFrom, a);
            fullTo = Math.min(fullTo, z);
        }
        s.h = h;
        s.i0 = i0;
        s.n = n;
        s.qv = (n + VL - 1) / VL;
        s.first = first;
        s.last = last;
        s.fullFrom = fullFrom;
        s.fullTo = fullTo;
        Arrays.fill(s.m, NEG_INF);
        Arrays.fill(s.l, 0f);
        Arrays.fill(s.ot, 0f);
        if (last < first) {
            return false;
        }
        packQueries(p, s.qt, b, h, i0, n);
        // x = (i + offset) − j over the block's rows (padding included) and keys [first, last]
        s.xMin = i0 + p.alignmentOffset(b) - last;
        if (p.positionBias != null) {
            fillPositionBias(p, s.pos, h, s.xMin, last - first + BLOCK_ROWS);
        }
        return true;
    }

    /**
     * One key tile from {@code j0} for the block {@code s} was set up for: scores, softmax step, P·V, reading K
     * and V where {@code kv} was located for this tile (it covers at least this block's keys of the tile).
     */
    private static void step(AttentionProblem p, Scratch s, KvTile kv, int b, int j0) {
        int h = s.h, i0 = s.i0, n = s.n;
        int nk = Math.min(KEY_TILE, s.last + 1 - j0);
        TileClass tile = p.maskMod == null ? TileClass.FULL : p.maskMod.classify(b, h, i0, i0 + n, j0, j0 + nk);
        if (tile == TileClass.EMPTY) {
            return; // nothing allowed: the online softmax state is unchanged
        }
        scores(s.qt, s.qv, kv.ka, kv.kBase, kv.kStride, p.dk, nk, s.st, s.tileMax);
        boolean full = j0 >= s.fullFrom && j0 + nk - 1 <= s.fullTo;
        float[] mt = maskTile(p, s, tile, b, h, i0, n, j0, nk);
        boolean maxTaken = false;
        if (p.modifiesScores) {
            maxTaken = modifyScores(p, s, b, h, i0, n, j0, nk, i0 + p.alignmentOffset(b) - j0 - s.xMin)
                    && full && mt == null;
        }
        softmaxStep(s, nk, j0, full, p.scale, p.softcap, mt, p.modifiesScores, maxTaken);
        accumulate(s.st, s.qv, nk, kv.va, kv.vBase, kv.vStride, p.dv, s.ot, s.alpha);
    }

    /**
     * The tile's additive mask ({@code mt[jj][r]}: the explicit mask, with {@code -inf} where a PARTIAL tile's
     * mask predicate disallows), or null when neither applies to this tile.
     */
    private static float[] maskTile(AttentionProblem p, Scratch s, TileClass tile, int b, int h, int i0, int n, int j0,
                                    int nk) {
        if (p.mask != null) {
            transposeMaskTile(p.mask.bias(), s.mt, b, h, i0, n, j0, nk);
        }
        if (tile == TileClass.PARTIAL) {
            maskModTile(p.maskMod, s.mt, p.mask != null, b, h, i0, n, j0, nk);
        }
        return p.mask != null || tile == TileClass.PARTIAL ? s.mt : null;
    }

    /** {@code dst[jj·width + d] = src[base + jj·stride + d]} for {@code jj < rows}: one copy if rows are adjacent. */
    private static void copyRows(float[] src, int base, int stride, int width, int rows, float[] dst) {
        if (stride == width) {
            System.arraycopy(src, base, dst, 0, rows * width);
        } else {
            for (int jj = 0; jj < rows; jj++) {
                System.arraycopy(src, base + jj * stride, dst, jj * width, width);
            }
        }
    }

    /** {@code qt[d][r] = q[i0 + r][d]}, zero for padding rows. */
    private static void packQueries(AttentionProblem p, float[] qt, int b, int h, int i0, int n) {
        float[] qa = p.q.array();
        for (int r = 0; r < BLOCK_ROWS; r++) {
            if (r < n) {
                int base = p.q.index(b, h, i0 + r, 0);
                for (int d = 0; d < p.dk; d++) {
                    qt[d * BLOCK_ROWS + r] = qa[base + d];
                }
            } else {
                for (int d = 0; d < p.dk; d++) {
                    qt[d * BLOCK_ROWS + r] = 0f;
                }
            }
        }
    }

    /** {@code mt[jj][r]} = the additive mask of query {@code i0+r}, key {@code j0+jj}; 0 for padding rows. */
    private static void transposeMaskTile(Tensor bias, float[] mt, int b, int h, int i0, int n, int j0, int nk) {
        float[] a = bias.array();
        int base = bias.offset() + b * bias.stride(0) + h * bias.stride(1) + j0;
        int rowStride = bias.stride(2);
        for (int r = 0; r < BLOCK_ROWS; r++) {
            if (r < n) {
                int src = base + (i0 + r) * rowStride;
                for (int jj = 0; jj < nk; jj++) {
                    mt[jj * BLOCK_ROWS + r] = a[src + jj];
                }
            } else {
                for (int jj = 0; jj < nk; jj++) {
                    mt[jj * BLOCK_ROWS + r] = 0f;
                }
            }
        }
    }

    /** {@code pos[t] = bias(h, rel = −(xMin + t))} for {@code t < count}: once per block, O(Sk) scalar calls. */
    private static void fillPositionBias(AttentionProblem p, float[] pos, int h, int xMin, int count) {
        PositionBias bias = p.positionBias;
        for (int t = 0; t < count; t++) {
            pos[t] = bias.at(h, -(xMin + t));
        }
    }

    /**
     * Marks the pairs the mask predicate disallows as {@code -inf} in the mask tile; when there is no additive
     * mask tile underneath ({@code overAdditive} false) the allowed ones (and padding rows) are set to 0.
     */
    private static void maskModTile(MaskMod mask, float[] mt, boolean overAdditive, int b, int h, int i0, int n,
                                    int j0, int nk) {
        for (int jj = 0; jj < nk; jj++) {
            int o = jj * BLOCK_ROWS;
            for (int r = 0; r < BLOCK_ROWS; r++) {
                if (r < n && !mask.allowed(b, h, i0 + r, j0 + jj)) {
                    mt[o + r] = NEG_INF;
                } else if (!overAdditive) {
                    mt[o + r] = 0f;
                }
            }
        }
    }

    /**
     * Scale and softcap, then the position bias and the score modifier (SEMANTICS order), in place. Afterwards
     * {@code st} holds final scores apart from masks, so the softmax step must not scale again.
     * {@code posBase} is the {@code pos} index of row 0, key {@code j0}. Returns true if {@code tileMax} now
     * holds the max of the final scores (without masks): then an unmasked tile needs no further pass.
     */
    private static boolean modifyScores(AttentionProblem p, Scratch s, int b, int h, int i0, int n, int j0, int nk,
                                        int posBase) {
        boolean fused = p.positionBias != null && p.softcap == 0f;
        if (fused) {
            // the common ALiBi / relative-bias case: one pass, st = fma(st, scale, bias), and the max
            scaleAddBiasAndMax(s.st, s.qv, nk, p.scale, s.pos, posBase, s.tileMax);
        } else {
            scaleAndCap(s.st, s.qv, nk, p.scale, p.softcap, s.tmp);
            if (p.positionBias != null) {
                addPositionBias(s.st, s.qv, nk, s.pos, posBase);
            }
        }
        if (p.scoreMod != null) {
            applyScoreMod(p.scoreMod, s.st, b, h, i0, n, j0, nk);
            return false;
        }
        return fused;
    }

    /** {@code st[jj][r] = scale·st[jj][r] + pos[posBase + r − jj]} (one rounding) and its per-lane max. */
    static void scaleAddBiasAndMax(float[] st, int qv, int nk, float scale, float[] pos, int posBase,
                                   float[] tileMax) {
        final int br = BLOCK_ROWS;
        FloatVector sc = FloatVector.broadcast(F, scale);
        for (int c = 0; c < qv; c++) {
            FloatVector mx = FloatVector.broadcast(F, NEG_INF);
            for (int jj = 0, o = c * VL; jj < nk; jj++, o += br) {
                FloatVector sv = FloatVector.fromArray(F, st, o)
                        .fma(sc, FloatVector.fromArray(F, pos, posBase + c * VL - jj));
                sv.intoArray(st, o);
                mx = mx.blend(sv, mx.lt(sv));
            }
            mx.intoArray(tileMax, c * VL);
        }
    }

    /** {@code st[jj][r] += pos[posBase + r − jj]}: for each key, the lanes' entries are consecutive. */
    static void addPositionBias(float[] st, int qv, int nk, float[] pos, int posBase) {
        final int br = BLOCK_ROWS;
        for (int c = 0; c < qv; c++) {
            for (int jj = 0, o = c * VL; jj < nk; jj++, o += br) {
                FloatVector.fromArray(F, st, o).add(FloatVector.fromArray(F, pos, posBase + c * VL - jj))
                        .intoArray(st, o);
            }
        }
    }

    /** The user's score modifier on every real row's pair of the tile: one scalar call per pair. */
    private static void applyScoreMod(ScoreMod mod, float[] st, int b, int h, int i0, int n, int j0, int nk) {
        for (int jj = 0; jj < nk; jj++) {
            int o = jj * BLOCK_ROWS;
            for (int r = 0; r < n; r++) {
                st[o + r] = mod.apply(b, h, i0 + r, j0 + jj, st[o + r]);
            }
        }
    }

    /**
     * {@code st[jj][r] = Σ_d qt[d][r] · k[j0+jj][d]} for {@code jj < nk}, and the per-lane max of those raw
     * scores in {@code tileMax} (so that a tile without masks needs no separate pass for its max): 4 keys ×
     * 4 query vectors per register tile, then single keys for the remainder. The sum over d runs in blocks
     * of {@code DOT_BLOCK} dims, each from zero, then added (blocked summation): rounding error grows with the
     * block length plus the number of blocks instead of with Dk, for one extra load/add/store per block.
     */
    static void scores(float[] qt, int qv, float[] ka, int kBase, int kStride, int dk, int nk, float[] st,
                       float[] tileMax) {
        final int br = BLOCK_ROWS;
        // The running max lives in tileMax, not in loop-carried vectors: C2 sometimes failed to keep such a
        // vector phi in a register in this large method and boxed it on every iteration (3 GB per call).
        java.util.Arrays.fill(tileMax, NEG_INF);
        if (qv <= NARROW_VECTORS) {
            for (int c = 0; c < qv; c++) {
                NarrowTiles.scores(qt, c * VL, ka, kBase, kStride, dk, nk, st, tileMax);
            }
            return;
        }
        int jj = 0;
        for (; jj + 4 <= nk; jj += 4) {
            int k0 = kBase + jj * kStride, k1 = k0 + kStride, k2 = k1 + kStride, k3 = k2 + kStride;
            int o = jj * br;
            for (int d0 = 0; d0 < dk; d0 += DOT_BLOCK) {
                int d1 = Math.min(dk, d0 + DOT_BLOCK);
                FloatVector a00 = F.zero().reinterpretAsFloats(), a01 = a00, a02 = a00, a03 = a00;
                FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
                FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
                FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
                for (int d = d0, qo = d0 * br; d < d1; d++, qo += br) {
                    FloatVector q0 = FloatVector.fromArray(F, qt, qo);
                    FloatVector q1 = FloatVector.fromArray(F, qt, qo + VL);
                    FloatVector q2 = FloatVector.fromArray(F, qt, qo + 2 * VL);
                    FloatVector q3 = FloatVector.fromArray(F, qt, qo + 3 * VL);
                    FloatVector w = FloatVector.broadcast(F, ka[k0 + d]);
                    a00 = q0.fma(w, a00);
                    a01 = q1.fma(w, a01);
                    a02 = q2.fma(w, a02);
                    a03 = q3.fma(w, a03);
                    w = FloatVector.broadcast(F, ka[k1 + d]);
                    a10 = q0.fma(w, a10);
                    a11 = q1.fma(w, a11);
                    a12 = q2.fma(w, a12);
                    a13 = q3.fma(w, a13);
                    w = FloatVector.broadcast(F, ka[k2 + d]);
                    a20 = q0.fma(w, a20);
                    a21 = q1.fma(w, a21);
                    a22 = q2.fma(w, a22);
                    a23 = q3.fma(w, a23);
                    w = FloatVector.broadcast(F, ka[k3 + d]);
                    a30 = q0.fma(w, a30);
                    a31 = q1.fma(w, a31);
                    a32 = q2.fma(w, a32);
                    a33 = q3.fma(w, a33);
                }
                if (d0 > 0) { // add the earlier blocks' partial sums
                    a00 = a00.add(FloatVector.fromArray(F, st, o + 0 * br));
                    a01 = a01.add(FloatVector.fromArray(F, st, o + 0 * br + VL));
                    a02 = a02.add(FloatVector.fromArray(F, st, o + 0 * br + 2 * VL));
                    a03 = a03.add(FloatVector.fromArray(F, st, o + 0 * br + 3 * VL));
                    a10 = a10.add(FloatVector.fromArray(F, st, o + 1 * br));
                    a11 = a11.add(FloatVector.fromArray(F, st, o + 1 * br + VL));
                    a12 = a12.add(FloatVector.fromArray(F, st, o + 1 * br + 2 * VL));
                    a13 = a13.add(FloatVector.fromArray(F, st, o + 1 * br + 3 * VL));
                    a20 = a20.add(FloatVector.fromArray(F, st, o + 2 * br));
                    a21 = a21.add(FloatVector.fromArray(F, st, o + 2 * br + VL));
                    a22 = a22.add(FloatVector.fromArray(F, st, o + 2 * br + 2 * VL));
                    a23 = a23.add(FloatVector.fromArray(F, st, o + 2 * br + 3 * VL));
                    a30 = a30.add(FloatVector.fromArray(F, st, o + 3 * br));
                    a31 = a31.add(FloatVector.fromArray(F, st, o + 3 * br + VL));
                    a32 = a32.add(FloatVector.fromArray(F, st, o + 3 * br + 2 * VL));
                    a33 = a33.add(FloatVector.fromArray(F, st, o + 3 * br + 3 * VL));
                }
                a00.intoArray(st, o + 0 * br);
                a01.intoArray(st, o + 0 * br + VL);
                a02.intoArray(st, o + 0 * br + 2 * VL);
                a03.intoArray(st, o + 0 * br + 3 * VL);
                a10.intoArray(st, o + 1 * br);
                a11.intoArray(st, o + 1 * br + VL);
                a12.intoArray(st, o + 1 * br + 2 * VL);
                a13.intoArray(st, o + 1 * br + 3 * VL);
                a20.intoArray(st, o + 2 * br);
                a21.intoArray(st, o + 2 * br + VL);
                a22.intoArray(st, o + 2 * br + 2 * VL);
                a23.intoArray(st, o + 2 * br + 3 * VL);
                a30.intoArray(st, o + 3 * br);
                a31.intoArray(st, o + 3 * br + VL);
                a32.intoArray(st, o + 3 * br + 2 * VL);
                a33.intoArray(st, o + 3 * br + 3 * VL);
                if (d1 == dk) { // the sums are complete: fold them into the tile max
                    FloatVector m0 = FloatVector.fromArray(F, tileMax, 0);
                    m0 = m0.blend(a00, m0.lt(a00));
                    m0 = m0.blend(a10, m0.lt(a10));
                    m0 = m0.blend(a20, m0.lt(a20));
                    m0.blend(a30, m0.lt(a30)).intoArray(tileMax, 0);
                    FloatVector m1 = FloatVector.fromArray(F, tileMax, VL);
                    m1 = m1.blend(a01, m1.lt(a01));
                    m1 = m1.blend(a11, m1.lt(a11));
                    m1 = m1.blend(a21, m1.lt(a21));
                    m1.blend(a31, m1.lt(a31)).intoArray(tileMax, VL);
                    FloatVector m2 = FloatVector.fromArray(F, tileMax, 2 * VL);
                    m2 = m2.blend(a02, m2.lt(a02));
                    m2 = m2.blend(a12, m2.lt(a12));
                    m2 = m2.blend(a22, m2.lt(a22));
                    m2.blend(a32, m2.lt(a32)).intoArray(tileMax, 2 * VL);
                    FloatVector m3 = FloatVector.fromArray(F, tileMax, 3 * VL);
                    m3 = m3.blend(a03, m3.lt(a03));
                    m3 = m3.blend(a13, m3.lt(a13));
                    m3 = m3.blend(a23, m3.lt(a23));
                    m3.blend(a33, m3.lt(a33)).intoArray(tileMax, 3 * VL);
                }
            }
        }
        for (; jj < nk; jj++) {
            int k0 = kBase + jj * kStride;
            int o = jj * br;
            for (int d0 = 0; d0 < dk; d0 += DOT_BLOCK) {
                int d1 = Math.min(dk, d0 + DOT_BLOCK);
                FloatVector a0 = F.zero().reinterpretAsFloats(), a1 = a0, a2 = a0, a3 = a0;
                for (int d = d0, qo = d0 * br; d < d1; d++, qo += br) {
                    FloatVector w = FloatVector.broadcast(F, ka[k0 + d]);
                    a0 = FloatVector.fromArray(F, qt, qo).fma(w, a0);
                    a1 = FloatVector.fromArray(F, qt, qo + VL).fma(w, a1);
                    a2 = FloatVector.fromArray(F, qt, qo + 2 * VL).fma(w, a2);
                    a3 = FloatVector.fromArray(F, qt, qo + 3 * VL).fma(w, a3);
                }
                if (d0 > 0) {
                    a0 = a0.add(FloatVector.fromArray(F, st, o));
                    a1 = a1.add(FloatVector.fromArray(F, st, o + VL));
                    a2 = a2.add(FloatVector.fromArray(F, st, o + 2 * VL));
                    a3 = a3.add(FloatVector.fromArray(F, st, o + 3 * VL));
                }
                a0.intoArray(st, o);
                a1.intoArray(st, o + VL);
                a2.intoArray(st, o + 2 * VL);
                a3.intoArray(st, o + 3 * VL);
                if (d1 == dk) {
                    FloatVector m0 = FloatVector.fromArray(F, tileMax, 0);
                    m0.blend(a0, m0.lt(a0)).intoArray(tileMax, 0);
                    FloatVector m1 = FloatVector.fromArray(F, tileMax, VL);
                    m1.blend(a1, m1.lt(a1)).intoArray(tileMax, VL);
                    FloatVector m2 = FloatVector.fromArray(F, tileMax, 2 * VL);
                    m2.blend(a2, m2.lt(a2)).intoArray(tileMax, 2 * VL);
                    FloatVector m3 = FloatVector.fromArray(F, tileMax, 3 * VL);
                    m3.blend(a3, m3.lt(a3)).intoArray(tileMax, 3 * VL);
                }
            }
        }
    }

    /**
     * One online-softmax step over a tile of {@code nk} keys, per query lane: scale, softcap, mask, interval
     * checks, new running max, {@code alpha = exp(m_old − m_new)}, probabilities written over the scores,
     * and the running sum rescaled and extended.
     *
     * <p>Split into small passes that hand each other only arrays: one method holding every branch grew past
     * C2's inlining budget as soon as a causal run made its rare branches hot, {@code exp} stopped being
     * inlined, and every vector crossing that call was boxed (200 MB per call at S=2048).
     */
    static void softmaxStep(Scratch s, int nk, int j0, boolean full, float scale, float softcap, float[] mt,
                            boolean modified, boolean maxTaken) {
        if (modified) {
            // scores already scaled, capped and biased by modifyScores (which may also have taken the max)
            if (!maxTaken) {
                limitAndMax(s.st, s.qv, nk, s.tileMax, s.lo, s.hi, j0, full, mt);
            }
            expStep(s.st, s.qv, nk, s.m, s.l, s.alpha, s.tileMax, 1f, s.ref, s.sums);
        } else if (full && softcap == 0f && mt == null && scale > 0f) {
            // tileMax already holds the raw scores' max (from scores()), and the scale goes into the
            // exponent, exp(fma(s, scale, −m)): an unmasked tile needs no pass of its own before exp.
            expStep(s.st, s.qv, nk, s.m, s.l, s.alpha, s.tileMax, scale, s.ref, s.sums);
        } else {
            scaleAndCap(s.st, s.qv, nk, scale, softcap, s.tmp);
            limitAndMax(s.st, s.qv, nk, s.tileMax, s.lo, s.hi, j0, full, mt);
            expStep(s.st, s.qv, nk, s.m, s.l, s.alpha, s.tileMax, 1f, s.ref, s.sums);
        }
    }

    /** {@code st = scale·st}, then {@code softcap·tanh(st/softcap)} when a softcap is set. */
    static void scaleAndCap(float[] st, int qv, int nk, float scale, float softcap, float[] tmp) {
        final int br = BLOCK_ROWS;
        float pre = softcap > 0f ? scale / softcap : scale;
        for (int c = 0; c < qv; c++) {
            for (int jj = 0, o = c * VL; jj < nk; jj++, o += br) {
                FloatVector.fromArray(F, st, o).mul(pre).intoArray(st, o);
            }
        }
        if (softcap > 0f) {
            for (int c = 0; c < qv; c++) {
                VectorMath.tanhInPlace(st, c * VL, br, nk, tmp);
                for (int jj = 0, o = c * VL; jj < nk; jj++, o += br) {
                    FloatVector.fromArray(F, st, o).mul(softcap).intoArray(st, o);
                }
            }
        }
    }

    /**
     * Adds the mask tile (its {@code -inf} entries disallow), sets keys outside each lane's interval to
     * {@code -inf} unless the tile is {@code full}, and writes the per-lane max into {@code tileMax}.
     */
    static void limitAndMax(float[] st, int qv, int nk, float[] tileMax, int[] lo, int[] hi, int j0, boolean full,
                            float[] mt) {
        final int br = BLOCK_ROWS;
        FloatVector negInf = FloatVector.broadcast(F, NEG_INF);
        for (int c = 0; c < qv; c++) {
            int co = c * VL;
            FloatVector mx = negInf;
            IntVector loV = IntVector.fromArray(I, lo, co), hiV = IntVector.fromArray(I, hi, co);
            for (int jj = 0, o = co; jj < nk; jj++, o += br) {
                FloatVector sv = FloatVector.fromArray(F, st, o);
                if (mt != null) {
                    FloatVector bias = FloatVector.fromArray(F, mt, o);
                    sv = sv.add(bias).blend(negInf, bias.eq(negInf));
                }
                if (!full) {
                    // Blend in the int domain: reinterpreting same-shape vectors is free, converting masks
                    // between int and float lanes need not be.
                    int j = j0 + jj;
                    VectorMask<Integer> allowed = loV.compare(VectorOperators.LE, j)
                            .and(hiV.compare(VectorOperators.GE, j));
                    sv = sv.reinterpretAsInts().blend(NEG_INF_BITS, allowed.not()).reinterpretAsFloats();
                }
                sv.intoArray(st, o);
                mx = mx.blend(sv, mx.lt(sv));
            }
            mx.intoArray(tileMax, co);
        }
    }

    /**
     * New running max, {@code alpha = exp(m_old − m_new)}, {@code st = exp(scale·st − m_new)} and
     * {@code l = alpha·l + Σ st}, where {@code scale > 0} is the factor not yet applied to {@code st} and
     * {@code tileMax} (1 when it has been).
     *
     * <p>Maxima are kept in base 2: {@code m} holds {@code log2(e)·} the max of the scaled scores, and each
     * probability is {@code 2^(scale₂·st − m)} with {@code scale₂ = scale·log2(e)} rounded once, the argument
     * rounded once (FMA). Base 2 saves exp's reduction by ln 2 (8 multiply-adds per vector instead of 12); the
     * cost is that rounding {@code scale₂} perturbs every scaled score by up to 2^-24 of itself, which is
     * far inside the tolerance. Rounding is monotonic, so the scaled raw max is the max of the scaled scores.
     * A lane whose max is still {@code -inf} (nothing allowed yet) uses 0 as its reference so that
     * {@code -inf − -inf} never makes a NaN.
     *
     * <p>{@link VectorMath#exp2InPlace} needs every argument at most 127. Here each is at most 0 or NaN, except
     * by rounding: {@code st ≤ tileMax} and the reference is at least {@code tileMax·scale₂} rounded, so
     * {@code fma(st, scale₂, −ref)} exceeds 0 by at most half an ulp of the reference: at most 1/2 while
     * {@code |ref| < 2^24}, so no probability exceeds √2. A tile whose reference is larger (scores near 1e7)
     * first rounds {@code scale₂·st} in place; the argument {@code st − ref} is then at most 0, and exactly 0
     * at the max, as fp32 can resolve no finer at that magnitude.
     */
    static void expStep(float[] st, int qv, int nk, float[] m, float[] l, float[] alpha, float[] tileMax,
                        float scale, float[] ref, float[] sums) {
        final int br = BLOCK_ROWS;
        float scale2 = (float) (scale * LOG2E);
        boolean bounded = true;
        for (int c = 0; c < qv; c++) {
            int co = c * VL;
            FloatVector mOld = FloatVector.fromArray(F, m, co);
            FloatVector tm = FloatVector.fromArray(F, tileMax, co).mul(scale2);
            FloatVector mNew = mOld.blend(tm, mOld.lt(tm));
            FloatVector r = mNew.blend(0f, mNew.eq(NEG_INF));
            bounded &= !r.abs().compare(VectorOperators.GE, EXP_BOUNDED_REF).anyTrue();
            mOld.sub(r).intoArray(alpha, co);
            r.intoArray(ref, co);
            mNew.intoArray(m, co);
        }
        if (!bounded) {
            for (int c = 0; c < qv; c++) {
                for (int jj = 0, o = c * VL; jj < nk; jj++, o += br) {
                    FloatVector.fromArray(F, st, o).mul(scale2).intoArray(st, o);
                }
            }
            scale2 = 1f;
        }
        // Vectors never cross these calls (arrays do), so nothing is boxed whether or not C2 inlines them.
        // alpha's arguments m_old − ref are at most 0 (or NaN): ref is the new max, or 0 when both are -inf.
        VectorMath.exp2InPlace(alpha, 0, VL, qv, 1f, null, 0, null, 0);
        for (int c = 0; c < qv; c++) {
            VectorMath.exp2InPlace(st, c * VL, br, nk, scale2, ref, c * VL, sums, c * VL);
        }
        for (int c = 0; c < qv; c++) {
            int co = c * VL;
            FloatVector.fromArray(F, l, co).fma(FloatVector.fromArray(F, alpha, co), FloatVector.fromArray(F, sums, co))
                    .intoArray(l, co);
        }
    }

    /**
     * {@code ot[d][r] = alpha[r] · ot[d][r] + Σ_jj st[jj][r] · v[j0+jj][d]}: 4 dims × 4 query vectors per
     * register tile, then single dims for the remainder. Each tile's sum starts from zero and is added to
     * the running output once (blocked summation): the rounding error grows with the tile length plus the
     * number of tiles rather than with Sk, at no extra cost since the output is loaded and stored anyway.
     */
    static void accumulate(float[] st, int qv, int nk, float[] va, int vBase, int vStride, int dv, float[] ot,
                           float[] alpha) {
        final int br = BLOCK_ROWS;
        if (qv <= NARROW_VECTORS) {
            for (int c = 0; c < qv; c++) {
                NarrowTiles.accumulate(st, c * VL, nk, va, vBase, vStride, dv, ot, alpha);
            }
            return;
        }
        FloatVector al0 = FloatVector.fromArray(F, alpha, 0);
        FloatVector al1 = FloatVector.fromArray(F, alpha, VL);
        FloatVector al2 = FloatVector.fromArray(F, alpha, 2 * VL);
        FloatVector al3 = FloatVector.fromArray(F, alpha, 3 * VL);
        int d = 0;
        for (; d + 4 <= dv; d += 4) {
            int o0 = d * br, o1 = o0 + br, o2 = o1 + br, o3 = o2 + br;
            FloatVector a00 = F.zero().reinterpretAsFloats(), a01 = a00, a02 = a00, a03 = a00;
            FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
            FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
            FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
            for (int jj = 0, po = 0, vo = vBase + d; jj < nk; jj++, po += br, vo += vStride) {
                FloatVector p0 = FloatVector.fromArray(F, st, po);
                FloatVector p1 = FloatVector.fromArray(F, st, po + VL);
                FloatVector p2 = FloatVector.fromArray(F, st, po + 2 * VL);
                FloatVector p3 = FloatVector.fromArray(F, st, po + 3 * VL);
                FloatVector w = FloatVector.broadcast(F, va[vo]);
                a00 = p0.fma(w, a00);
                a01 = p1.fma(w, a01);
                a02 = p2.fma(w, a02);
                a03 = p3.fma(w, a03);
                w = FloatVector.broadcast(F, va[vo + 1]);
                a10 = p0.fma(w, a10);
                a11 = p1.fma(w, a11);
                a12 = p2.fma(w, a12);
                a13 = p3.fma(w, a13);
                w = FloatVector.broadcast(F, va[vo + 2]);
                a20 = p0.fma(w, a20);
                a21 = p1.fma(w, a21);
                a22 = p2.fma(w, a22);
                a23 = p3.fma(w, a23);
                w = FloatVector.broadcast(F, va[vo + 3]);
                a30 = p0.fma(w, a30);
                a31 = p1.fma(w, a31);
                a32 = p2.fma(w, a32);
                a33 = p3.fma(w, a33);
            }
            FloatVector.fromArray(F, ot, o0).fma(al0, a00).intoArray(ot, o0);
            FloatVector.fromArray(F, ot, o0 + VL).fma(al1, a01).intoArray(ot, o0 + VL);
            FloatVector.fromArray(F, ot, o0 + 2 * VL).fma(al2, a02).intoArray(ot, o0 + 2 * VL);
            FloatVector.fromArray(F, ot, o0 + 3 * VL).fma(al3, a03).intoArray(ot, o0 + 3 * VL);
            FloatVector.fromArray(F, ot, o1).fma(al0, a10).intoArray(ot, o1);
            FloatVector.fromArray(F, ot, o1 + VL).fma(al1, a11).intoArray(ot, o1 + VL);
            FloatVector.fromArray(F, ot, o1 + 2 * VL).fma(al2, a12).intoArray(ot, o1 + 2 * VL);
            FloatVector.fromArray(F, ot, o1 + 3 * VL).fma(al3, a13).intoArray(ot, o1 + 3 * VL);
            FloatVector.fromArray(F, ot, o2).fma(al0, a20).intoArray(ot, o2);
            FloatVector.fromArray(F, ot, o2 + VL).fma(al1, a21).intoArray(ot, o2 + VL);
            FloatVector.fromArray(F, ot, o2 + 2 * VL).fma(al2, a22).intoArray(ot, o2 + 2 * VL);
            FloatVector.fromArray(F, ot, o2 + 3 * VL).fma(al3, a23).intoArray(ot, o2 + 3 * VL);
            FloatVector.fromArray(F, ot, o3).fma(al0, a30).intoArray(ot, o3);
            FloatVector.fromArray(F, ot, o3 + VL).fma(al1, a31).intoArray(ot, o3 + VL);
            FloatVector.fromArray(F, ot, o3 + 2 * VL).fma(al2, a32).intoArray(ot, o3 + 2 * VL);
            FloatVector.fromArray(F, ot, o3 + 3 * VL).fma(al3, a33).intoArray(ot, o3 + 3 * VL);
        }
        for (; d < dv; d++) {
            int o0 = d * br;
            FloatVector a0 = F.zero().reinterpretAsFloats(), a1 = a0, a2 = a0, a3 = a0;
            for (int jj = 0, po = 0, vo = vBase + d; jj < nk; jj++, po += br, vo += vStride) {
                FloatVector w = FloatVector.broadcast(F, va[vo]);
                a0 = FloatVector.fromArray(F, st, po).fma(w, a0);
                a1 = FloatVector.fromArray(F, st, po + VL).fma(w, a1);
                a2 = FloatVector.fromArray(F, st, po + 2 * VL).fma(w, a2);
                a3 = FloatVector.fromArray(F, st, po + 3 * VL).fma(w, a3);
            }
            FloatVector.fromArray(F, ot, o0).fma(al0, a0).intoArray(ot, o0);
            FloatVector.fromArray(F, ot, o0 + VL).fma(al1, a1).intoArray(ot, o0 + VL);
            FloatVector.fromArray(F, ot, o0 + 2 * VL).fma(al2, a2).intoArray(ot, o0 + 2 * VL);
            FloatVector.fromArray(F, ot, o0 + 3 * VL).fma(al3, a3).intoArray(ot, o0 + 3 * VL);
        }
    }

    /**
     * {@code out[i0+r][d] = ot[d][r] / l[r]} and {@code lse = ln2·m + log l} (m is in base 2); 0 and
     * {@code -inf} for empty rows.
     */
    private static void writeRows(AttentionProblem p, Scratch s, int b, int h, int i0, int n) {
        float[] oa = p.out.array();
        for (int r = 0; r < n; r++) {
            float m = s.m[r];
            boolean empty = m == NEG_INF && s.l[r] == 0f; // a NaN score leaves m at -inf but makes l NaN
            float sum = s.l[r];
            int base = p.out.index(b, h, i0 + r, 0);
            for (int d = 0; d < p.dv; d++) {
                oa[base + d] = empty ? 0f : s.ot[d * BLOCK_ROWS + r] / sum;
            }
            if (p.lse != null) {
                p.lse[(b * p.heads + h) * p.sq + i0 + r] = empty ? NEG_INF : (float) (LN2 * m + Math.log(s.l[r]));
            }
        }
    }
}
