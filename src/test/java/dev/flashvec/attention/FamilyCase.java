package dev.flashvec.attention;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An {@link AttentionCase} plus the attention-family options (position bias, score modifier, mask pattern),
 * each rebuilt from the case's current sizes so that shrinking keeps every pattern valid.
 */
record FamilyCase(AttentionCase base, Bias bias, boolean scoreMod, Pattern pattern, long seed)
        implements dev.flashvec.testing.Shrinkable<FamilyCase> {

    /** Which position bias. */
    enum Bias { NONE, ALIBI, ALIBI_CUSTOM, T5_BIDIRECTIONAL, T5_CAUSAL, CLIPPED }

    /** Which mask predicate. */
    enum Pattern { NONE, WINDOW, GLOBAL_AND_WINDOW, BIGBIRD, DOCUMENTS, CAUSAL_DOCUMENTS, PREFIX_LM, LAMBDA, BLOCK_MASK }

    /** Every base option and every family option at random. */
    static FamilyCase any(Random r, int maxSeq, int maxDim) {
        return new FamilyCase(AttentionCase.any(r, maxSeq, maxDim), Bias.values()[r.nextInt(Bias.values().length)],
                r.nextInt(3) == 0, Pattern.values()[r.nextInt(Pattern.values().length)], r.nextLong());
    }

    /** A mask pattern only, on plain attention. */
    static FamilyCase patternOnly(Random r, int maxSeq, int maxDim) {
        Pattern p = Pattern.values()[1 + r.nextInt(Pattern.values().length - 1)];
        return new FamilyCase(AttentionCase.plain(r, maxSeq, maxDim), Bias.NONE, false, p, r.nextLong());
    }

    AttentionOptions options() {
        return options(base.options().toBuilder());
    }

    /** The family options on top of {@code b}. */
    AttentionOptions options(AttentionOptions.Builder b) {
        return b.positionBias(positionBias()).scoreMod(scoreMod ? FamilyCase::modify : null).maskMod(maskMod()).build();
    }

    /** A predicate with empty, full and mixed regions that depend on batch and head. */
    static boolean blocky(int b, int h, int i, int j) {
        int region = (i / 24 + j / 20 + h + 2 * b) % 4;
        return region == 0 || (region == 1 && (i + j) % 3 != 0);
    }

    /** A smooth, position-dependent change of every score. */
    static float modify(int b, int h, int i, int j, float s) {
        return s * (1f + 0.1f * h) + 0.5f * (float) Math.sin(i - 2 * j + 3 * b);
    }

    PositionBias positionBias() {
        Random r = new Random(seed * 7 + 1);
        int heads = base.heads();
        return switch (bias) {
            case NONE -> null;
            case ALIBI -> AlibiBias.standard(heads);
            case ALIBI_CUSTOM -> {
                float[] slopes = new float[heads];
                for (int h = 0; h < heads; h++) {
                    slopes[h] = (float) (r.nextDouble() * 0.6 - 0.3);
                }
                yield AlibiBias.of(slopes);
            }
            case T5_BIDIRECTIONAL, T5_CAUSAL -> {
                int buckets = 8 + r.nextInt(25);
                int half = bias == Bias.T5_BIDIRECTIONAL ? buckets / 2 : buckets;
                int maxDistance = half / 2 + 1 + r.nextInt(60);
                yield RelativePositionBias.t5(table(r, heads, buckets), buckets, maxDistance,
                        bias == Bias.T5_BIDIRECTIONAL);
            }
            case CLIPPED -> {
                int maxDistance = r.nextInt(20);
                yield RelativePositionBias.clipped(table(r, heads, 2 * maxDistance + 1), maxDistance);
            }
        };
    }

    private static float[][] table(Random r, int heads, int columns) {
        float[][] t = new float[heads][columns];
        for (float[] row : t) {
            for (int c = 0; c < columns; c++) {
                row[c] = (float) r.nextGaussian();
            }
        }
        return t;
    }

    MaskMod maskMod() {
        Random r = new Random(seed * 7 + 2);
        int sq = base.sq(), sk = base.sk(), n = Math.max(sq, sk);
        return switch (pattern) {
            case NONE -> null;
            case WINDOW -> MaskPatterns.slidingWindow(r.nextInt(3) == 0 ? AttentionOptions.UNBOUNDED : r.nextInt(n),
                    r.nextInt(3) == 0 ? AttentionOptions.UNBOUNDED : r.nextInt(n));
            case GLOBAL_AND_WINDOW -> MaskPatterns.union(MaskPatterns.globalTokens(r.nextInt(1 + n / 4)),
                    MaskPatterns.slidingWindow(r.nextInt(1 + n / 4), r.nextInt(1 + n / 4)));
            case BIGBIRD -> MaskPatterns.bigBird(sq, sk, 1 + r.nextInt(20), r.nextInt(2), r.nextInt(2), r.nextInt(3),
                    r.nextLong());
            case DOCUMENTS, CAUSAL_DOCUMENTS -> MaskPatterns.documents(lengths(r, n), pattern == Pattern.CAUSAL_DOCUMENTS);
            case PREFIX_LM -> MaskPatterns.prefixLm(r.nextInt(n + 1));
            case LAMBDA -> (b, h, i, j) -> (i * 31 + j * 17 + h + b) % 3 != 0;
            case BLOCK_MASK -> MaskPatterns.blockMask(FamilyCase::blocky, base.batch(), base.heads(), sq, sk,
                    1 + r.nextInt(40));

        };
    }

    /** Document lengths covering about n positions (sometimes fewer: the rest belong to no document). */
    private static int[] lengths(Random r, int n) {
        List<Integer> out = new ArrayList<>();
        int covered = 0, target = r.nextInt(4) == 0 ? Math.max(1, n - 1 - r.nextInt(Math.max(1, n / 3))) : n;
        while (covered < target) {
            int len = 1 + r.nextInt(Math.max(1, Math.min(target - covered, r.nextBoolean() ? 5 : 70)));
            out.add(len);
            covered += len;
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public List<FamilyCase> shrink() {
        List<FamilyCase> out = new ArrayList<>();
        if (pattern != Pattern.NONE) {
            out.add(new FamilyCase(base, bias, scoreMod, Pattern.NONE, seed));
        }
        if (scoreMod) {
            out.add(new FamilyCase(base, bias, false, pattern, seed));
        }
        if (bias != Bias.NONE) {
            out.add(new FamilyCase(base, Bias.NONE, scoreMod, pattern, seed));
        }
        for (AttentionCase smaller : base.shrink()) {
            out.add(new FamilyCase(smaller, bias, scoreMod, pattern, seed));
        }
        return out;
    }

    @Override
    public String toString() {
        return "FamilyCase[" + base + ", bias=" + bias + ", scoreMod=" + scoreMod + ", pattern=" + pattern
                + ", seed=" + seed + "]";
    }
}
