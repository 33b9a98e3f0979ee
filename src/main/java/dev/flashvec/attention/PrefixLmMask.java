package dev.flashvec.attention;

/** Prefix-LM: {@code j < P or j ≤ i}. */
final class PrefixLmMask implements MaskMod {
    private final int prefix;

    PrefixLmMask(int prefix) {
        if (prefix < 0) {
            throw new IllegalArgumentException("prefix length must be >= 0 but was " + prefix);
        }
        this.prefix = prefix;
    }

    @Override
    public boolean allowed(int b, int h, int i, int j) {
        return j < prefix || j <= i;
    }

    @Override
    public TileClass classify(int b, int h, int i0, int i1, int j0, int j1) {
        // The hardest pair is (i0, j1−1); the easiest is (i1−1, j0).
        if (j1 - 1 < prefix || j1 - 1 <= i0) {
            return TileClass.FULL;
        }
        return j0 < prefix || j0 <= i1 - 1 ? TileClass.PARTIAL : TileClass.EMPTY;
    }

    @Override
    public String toString() {
        return "prefixLm(" + prefix + ")";
    }
}
