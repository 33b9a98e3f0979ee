package dev.flashvec.attention;

/** {@code −left ≤ j − i ≤ right} (unbounded sides allowed): classified from the rectangle's range of {@code j − i}. */
final class SlidingWindowMask implements MaskMod {
    private final long left, right;

    SlidingWindowMask(int left, int right) {
        if (left < AttentionOptions.UNBOUNDED || right < AttentionOptions.UNBOUNDED) {
            throw new IllegalArgumentException("window sides must be >= 0 or -1 (unbounded) but were (" + left + ", "
                    + right + ")");
        }
        this.left = left == AttentionOptions.UNBOUNDED ? Long.MAX_VALUE / 4 : left;
        this.right = right == AttentionOptions.UNBOUNDED ? Long.MAX_VALUE / 4 : right;
    }

    @Override
    public boolean allowed(int b, int h, int i, int j) {
        long rel = (long) j - i;
        return rel >= -left && rel <= right;
    }

    @Override
    public TileClass classify(int b, int h, int i0, int i1, int j0, int j1) {
        // j − i takes every integer value in [j0 − (i1−1), (j1−1) − i0] on the rectangle.
        long lo = (long) j0 - (i1 - 1), hi = (long) (j1 - 1) - i0;
        if (hi < -left || lo > right) {
            return TileClass.EMPTY;
        }
        return lo >= -left && hi <= right ? TileClass.FULL : TileClass.PARTIAL;
    }

    @Override
    public String toString() {
        return "slidingWindow(" + left + ", " + right + ")";
    }
}
