package dev.flashvec.attention;

/** {@code i < G or j < G}: the first G tokens are global. */
final class GlobalTokensMask implements MaskMod {
    private final int count;

    GlobalTokensMask(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("global token count must be >= 0 but was " + count);
        }
        this.count = count;
    }

    @Override
    public boolean allowed(int b, int h, int i, int j) {
        return i < count || j < count;
    }

    @Override
    public TileClass classify(int b, int h, int i0, int i1, int j0, int j1) {
        if (i1 <= count || j1 <= count) {
            return TileClass.FULL; // every row global, or every key global
        }
        // Otherwise row i1−1 and key j1−1 are both non-global: at least one pair is not allowed.
        return i0 < count || j0 < count ? TileClass.PARTIAL : TileClass.EMPTY;
    }

    @Override
    public String toString() {
        return "globalTokens(" + count + ")";
    }
}
