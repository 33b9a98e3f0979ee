package dev.flashvec.attention;

/**
 * Structured sparse attention patterns as {@link MaskMod}s whose tile classification is exact (computed from
 * the rectangle's bounds, never by scanning pairs), so fully masked tiles are skipped and fully allowed ones
 * need no per-pair work. Combine them with {@link #union} and {@link #intersection}.
 *
 * <p>Positions are top-left aligned: query {@code i} and key {@code j} are compared as indices, whatever
 * causal alignment the options use. Exact definitions are in docs/SEMANTICS.md.
 */
public final class MaskPatterns {
    private MaskPatterns() {}

    /** {@code −left ≤ j − i ≤ right}; either side may be {@link AttentionOptions#UNBOUNDED}. */
    public static MaskMod slidingWindow(int left, int right) {
        return new SlidingWindowMask(left, right);
    }

    /** {@code j ≤ i} (top-left causal). */
    public static MaskMod causal() {
        return new SlidingWindowMask(AttentionOptions.UNBOUNDED, 0);
    }

    /** The first {@code count} tokens attend to everything and are attended by everything: {@code i < G or j < G}. */
    public static MaskMod globalTokens(int count) {
        return new GlobalTokensMask(count);
    }

    /** Prefix-LM: bidirectional over the first {@code prefix} tokens, causal after: {@code j < P or j ≤ i}. */
    public static MaskMod prefixLm(int prefix) {
        return new PrefixLmMask(prefix);
    }

    /**
     * Packed documents (block-diagonal): position {@code p} belongs to document {@code d} when it lies in the
     * {@code d}-th run of {@code lengths}; a pair is allowed when both lie in the same document (and
     * {@code j ≤ i} if {@code causal}). Positions past the sum of the lengths belong to no document.
     */
    public static MaskMod documents(int[] lengths, boolean causal) {
        return new DocumentMask(lengths, causal);
    }

    /**
     * BigBird's block-sparse pattern for {@code sq} queries and {@code sk} keys in blocks of {@code blockSize}:
     * the first {@code globalBlocks} blocks are global, each query block sees the key blocks within
     * {@code windowBlocks} of its own index, and {@code randomBlocks} further key blocks drawn with {@code seed}.
     */
    public static MaskMod bigBird(int sq, int sk, int blockSize, int windowBlocks, int globalBlocks, int randomBlocks,
                                  long seed) {
        return new BigBirdMask(sq, sk, blockSize, windowBlocks, globalBlocks, randomBlocks, seed);
    }

    /**
     * {@code mask} with every {@code blockSize × blockSize} cell classified once, by scanning all pairs
     * (FlexAttention's {@code create_block_mask}): an arbitrary predicate then gets empty-tile skipping and
     * unmasked full tiles. Build it once and reuse it: the scan costs one predicate call per pair and head.
     * {@code batch} or {@code heads} may be 1 when the predicate does not depend on that index.
     */
    public static MaskMod blockMask(MaskMod mask, int batch, int heads, int sq, int sk, int blockSize) {
        return new BlockMask(mask, batch, heads, sq, sk, blockSize);
    }

    /** Pairs allowed by {@code a} or by {@code b}. */
    public static MaskMod union(MaskMod a, MaskMod b) {
        return new CombinedMask(a, b, true);
    }

    /** Pairs allowed by both {@code a} and {@code b}. */
    public static MaskMod intersection(MaskMod a, MaskMod b) {
        return new CombinedMask(a, b, false);
    }
}
