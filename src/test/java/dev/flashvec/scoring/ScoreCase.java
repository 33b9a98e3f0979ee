package dev.flashvec.scoring;

import dev.flashvec.attention.AttentionMask;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.attention.MaskPatterns;
import dev.flashvec.attention.RelativePositionBias;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import dev.flashvec.testing.Gen;
import dev.flashvec.testing.Shrinkable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A random attention problem for the score functions: shapes, layout and every option kind. */
record ScoreCase(long seed, int batch, int kvHeads, int group, int sq, int sk, int dq, int dk, int dv, int da,
                 Layout layout, CausalAlignment causal, boolean kvLengths, boolean window, boolean softcap,
                 boolean mask, int family) implements Shrinkable<ScoreCase> {
    /** {@link #family} values: none, ALiBi, a clipped relative-position bias, a score modifier, a mask predicate. */
    static final int NONE = 0, ALIBI = 1, RELATIVE = 2, SCORE_MOD = 3, MASK_MOD = 4;

    static ScoreCase any(Random r) {
        return new ScoreCase(r.nextLong(), 1 + r.nextInt(2), 1 + r.nextInt(2), 1 + r.nextInt(3), Gen.size(r, 40),
                Gen.size(r, 70), Gen.size(r, 40), Gen.size(r, 40), Gen.size(r, 20), Gen.size(r, 40),
                r.nextBoolean() ? Layout.BHSD : Layout.BSHD, CausalAlignment.values()[r.nextInt(3)], r.nextInt(3) == 0,
                r.nextInt(4) == 0, r.nextInt(4) == 0, r.nextInt(4) == 0, r.nextInt(2) == 0 ? NONE : 1 + r.nextInt(4));
    }

    int heads() {
        return kvHeads * group;
    }

    Random random() {
        return new Random(seed);
    }

    Tensor tensor(Random r, int heads, int seq, int dim) {
        return Tensor.wrap(Gen.normal(r, batch * heads * seq * dim), layout, batch, heads, seq, dim);
    }

    /** The options this case draws (from its own stream, so they do not change with the tensors). */
    AttentionOptions options() {
        Random r = new Random(seed ^ 0x5DEECE66DL);
        AttentionOptions.Builder b = AttentionOptions.builder().causal(causal);
        if (kvLengths) {
            int[] len = new int[batch];
            for (int i = 0; i < batch; i++) {
                len[i] = r.nextInt(sk + 1);
            }
            b.kvLengths(len);
        }
        if (window) {
            b.window(r.nextInt(8), r.nextInt(3) == 0 ? AttentionOptions.UNBOUNDED : r.nextInt(8));
        }
        if (softcap) {
            b.softcap(0.5f + 3 * r.nextFloat());
        }
        if (mask) {
            boolean[] allowed = new boolean[batch * sq * sk];
            for (int i = 0; i < allowed.length; i++) {
                allowed[i] = r.nextInt(5) != 0;
            }
            b.mask(AttentionMask.allowed(allowed, batch, 1, sq, sk));
        }
        switch (family) {
            case ALIBI -> b.alibi(heads());
            case RELATIVE -> {
                float[][] table = new float[heads()][2 * 4 + 1];
                for (float[] row : table) {
                    for (int i = 0; i < row.length; i++) {
                        row[i] = (float) r.nextGaussian();
                    }
                }
                b.positionBias(RelativePositionBias.clipped(table, 4));
            }
            case SCORE_MOD -> b.scoreMod((bb, h, i, j, x) -> x * (1 + 0.25f * h) - 0.05f * Math.abs(i - j));
            case MASK_MOD -> b.maskMod(MaskPatterns.union(MaskPatterns.slidingWindow(3, 2), MaskPatterns.globalTokens(2)));
            default -> { }
        }
        return b.build();
    }

    private ScoreCase with(int newSq, int newSk, int newDa) {
        return new ScoreCase(seed, batch, kvHeads, group, newSq, newSk, dq, dk, dv, newDa, layout, causal, kvLengths,
                window, softcap, mask, family);
    }

    @Override
    public List<ScoreCase> shrink() {
        List<ScoreCase> out = new ArrayList<>();
        if (family != NONE) {
            out.add(new ScoreCase(seed, batch, kvHeads, group, sq, sk, dq, dk, dv, da, layout, causal, kvLengths, window,
                    softcap, mask, NONE));
        }
        for (int s : Gen.smaller(sq)) {
            out.add(with(s, sk, da));
        }
        for (int s : Gen.smaller(sk)) {
            out.add(with(sq, s, da));
        }
        for (int s : Gen.smaller(da)) {
            out.add(with(sq, sk, s));
        }
        return out;
    }
}
