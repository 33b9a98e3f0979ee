package dev.flashvec.attention;

/**
 * A learned relative-position bias: head {@code h} adds {@code table[h][bucket(rel)]}, where
 * {@code rel = j − (i + offset)} is the aligned relative position, with T5's logarithmic buckets
 * ({@link #t5}) or a plain clipped distance ({@link #clipped}). Immutable.
 */
public final class RelativePositionBias implements PositionBias {
    /** How a relative position maps to a table column. */
    public enum Bucketing {
        /** T5's buckets: exact for small distances, logarithmic up to {@code maxDistance}, then clipped. */
        T5,
        /** {@code clamp(rel, −maxDistance, maxDistance) + maxDistance}. */
        CLIPPED
    }

    private final Bucketing bucketing;
    private final float[][] table;
    private final int numBuckets, maxDistance;
    private final boolean bidirectional;
    /** T5: bucket of distance {@code n ≤ maxDistance} before the direction offset (beyond: the last one). */
    private final int[] byDistance;

    private RelativePositionBias(Bucketing bucketing, float[][] table, int numBuckets, int maxDistance,
                                 boolean bidirectional) {
        this.bucketing = bucketing;
        this.table = table;
        this.numBuckets = numBuckets;
        this.maxDistance = maxDistance;
        this.bidirectional = bidirectional;
        this.byDistance = bucketing == Bucketing.T5 ? t5Buckets(numBuckets, maxDistance, bidirectional) : null;
    }

    /**
     * T5's bias ({@code _relative_position_bucket} of Raffel et al.'s code): {@code table} is
     * {@code [heads][numBuckets]}. See docs/SEMANTICS.md for the exact bucket formula.
     */
    public static RelativePositionBias t5(float[][] table, int numBuckets, int maxDistance, boolean bidirectional) {
        int half = bidirectional ? numBuckets / 2 : numBuckets;
        if (half < 2) {
            throw new IllegalArgumentException("numBuckets must be >= " + (bidirectional ? 4 : 2)
                    + (bidirectional ? " (bidirectional)" : "") + " but was " + numBuckets);
        }
        if (maxDistance <= half / 2) {
            throw new IllegalArgumentException("maxDistance must be > " + half / 2
                    + " (the exact buckets' range) but was " + maxDistance);
        }
        return new RelativePositionBias(Bucketing.T5, checkTable(table, numBuckets), numBuckets, maxDistance,
                bidirectional);
    }

    /** A clipped-distance table: {@code table} is {@code [heads][2·maxDistance + 1]}, column 0 is rel ≤ −maxDistance. */
    public static RelativePositionBias clipped(float[][] table, int maxDistance) {
        if (maxDistance < 0 || maxDistance > (1 << 24)) {
            throw new IllegalArgumentException("maxDistance must be in [0, 2^24] but was " + maxDistance);
        }
        return new RelativePositionBias(Bucketing.CLIPPED, checkTable(table, 2 * maxDistance + 1),
                2 * maxDistance + 1, maxDistance, true);
    }

    private static float[][] checkTable(float[][] table, int columns) {
        if (table == null || table.length == 0) {
            throw new IllegalArgumentException("bias table must have at least one head but was "
                    + (table == null ? "null" : "empty"));
        }
        float[][] copy = new float[table.length][];
        for (int h = 0; h < table.length; h++) {
            if (table[h] == null || table[h].length != columns) {
                throw new IllegalArgumentException("bias table row " + h + " must have " + columns + " columns but has "
                        + (table[h] == null ? "none" : table[h].length));
            }
            for (int c = 0; c < columns; c++) {
                if (!Float.isFinite(table[h][c])) {
                    throw new IllegalArgumentException("bias table[" + h + "][" + c + "] must be finite but was "
                            + table[h][c]);
                }
            }
            copy[h] = table[h].clone();
        }
        return copy;
    }

    /** T5's bucket of each distance {@code n = 0 … maxDistance}, before adding the direction offset. */
    private static int[] t5Buckets(int numBuckets, int maxDistance, boolean bidirectional) {
        int nb = bidirectional ? numBuckets / 2 : numBuckets;
        int[] out = new int[maxDistance + 1];
        for (int n = 0; n <= maxDistance; n++) {
            out[n] = t5Bucket(n, nb, maxDistance);
        }
        return out;
    }

    /** The bucket of distance {@code n >= 0} among {@code nb} buckets (the formula of docs/SEMANTICS.md). */
    private static int t5Bucket(int n, int nb, int maxDistance) {
        int maxExact = nb / 2;
        if (n < maxExact) {
            return n;
        }
        double large = maxExact + StrictMath.log((double) n / maxExact) / StrictMath.log((double) maxDistance / maxExact)
                * (nb - maxExact);
        return (int) Math.min(large, nb - 1);
    }

    /** The table column of relative position {@code rel}. */
    public int bucket(int rel) {
        if (bucketing == Bucketing.CLIPPED) {
            return Math.max(-maxDistance, Math.min(maxDistance, rel)) + maxDistance;
        }
        int base = 0, n;
        if (bidirectional) {
            base = rel > 0 ? numBuckets / 2 : 0;
            n = Math.abs(rel);
        } else {
            n = -Math.min(rel, 0);
        }
        int nb = bidirectional ? numBuckets / 2 : numBuckets;
        return base + (n <= maxDistance ? byDistance[n] : nb - 1);
    }

    @Override
    public float at(int h, int rel) {
        return table[h][bucket(rel)];
    }

    @Override
    public int heads() {
        return table.length;
    }

    /** How relative positions map to table columns. */
    public Bucketing bucketing() {
        return bucketing;
    }

    /** Number of table columns. */
    public int numBuckets() {
        return numBuckets;
    }

    /** T5: the distance from which all buckets are the last one; clipped: the clipping distance. */
    public int maxDistance() {
        return maxDistance;
    }

    /** T5: whether later keys get buckets of their own; always true for a clipped table. */
    public boolean bidirectional() {
        return bidirectional;
    }

    /** Table entry of head {@code h}, column {@code bucket}. */
    public float table(int h, int bucket) {
        return table[h][bucket];
    }

    @Override
    public String toString() {
        return "RelativePositionBias{" + bucketing + ", heads=" + table.length + ", buckets=" + numBuckets
                + ", maxDistance=" + maxDistance + (bucketing == Bucketing.T5 ? ", bidirectional=" + bidirectional : "")
                + "}";
    }
}
