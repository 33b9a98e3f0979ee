package dev.flashvec.attention;

import java.util.Arrays;

/**
 * ALiBi (Press et al., "Train Short, Test Long"): head {@code h} adds {@code slope[h] · rel} to every score,
 * where {@code rel = j − (i + offset)} is the aligned relative position (≤ 0 for keys a causal mask allows,
 * so the bias is a linear penalty on distance). Immutable.
 */
public final class AlibiBias implements PositionBias {
    private final float[] slopes;

    private AlibiBias(float[] slopes) {
        this.slopes = slopes;
    }

    /**
     * The paper's slopes for {@code heads} heads: for a power of two {@code n}, {@code 2^(−8(h+1)/n)} for
     * {@code h = 0 … n−1}; otherwise the slopes of the largest power of two {@code n < heads}, followed by
     * every second slope (the 1st, 3rd, …) of {@code 2n} heads until there are {@code heads} slopes.
     */
    public static AlibiBias standard(int heads) {
        if (heads < 1) {
            throw new IllegalArgumentException("ALiBi heads must be >= 1 but was " + heads);
        }
        return new AlibiBias(standardSlopes(heads));
    }

    /** ALiBi with the given slope per head (each finite); slope 0 means no bias for that head. */
    public static AlibiBias of(float... slopes) {
        if (slopes == null || slopes.length == 0) {
            throw new IllegalArgumentException("ALiBi slopes must name at least one head but were "
                    + (slopes == null ? "null" : "empty"));
        }
        for (int h = 0; h < slopes.length; h++) {
            if (!Float.isFinite(slopes[h])) {
                throw new IllegalArgumentException("ALiBi slope[" + h + "] must be finite but was " + slopes[h]);
            }
        }
        return new AlibiBias(slopes.clone());
    }

    /** The standard slopes, as in the paper's reference code, computed in double and rounded once. */
    static float[] standardSlopes(int heads) {
        int n = Integer.highestOneBit(heads);
        float[] out = new float[heads];
        for (int h = 0; h < n; h++) {
            out[h] = (float) Math.pow(2, -8.0 * (h + 1) / n);
        }
        for (int e = 0; n + e < heads; e++) {
            out[n + e] = (float) Math.pow(2, -8.0 * (2 * e + 1) / (2 * n));
        }
        return out;
    }

    /** Slope of head {@code h}. */
    public float slope(int h) {
        return slopes[h];
    }

    /** All slopes (a copy). */
    public float[] slopes() {
        return slopes.clone();
    }

    @Override
    public float at(int h, int rel) {
        return slopes[h] * rel;
    }

    @Override
    public int heads() {
        return slopes.length;
    }

    @Override
    public String toString() {
        return "ALiBi" + Arrays.toString(slopes);
    }
}
