package dev.flashvec.attention;

/**
 * The union or intersection of two masks. Its classification is exact when both parts' are and the answer
 * follows from them (any part FULL for a union, any EMPTY for an intersection, ...); otherwise PARTIAL,
 * which is always safe.
 */
final class CombinedMask implements MaskMod {
    private final MaskMod a, b;
    private final boolean union;

    CombinedMask(MaskMod a, MaskMod b, boolean union) {
        if (a == null || b == null) {
            throw new IllegalArgumentException("masks to combine must not be null");
        }
        this.a = a;
        this.b = b;
        this.union = union;
    }

    @Override
    public boolean allowed(int bt, int h, int i, int j) {
        return union ? a.allowed(bt, h, i, j) || b.allowed(bt, h, i, j) : a.allowed(bt, h, i, j) && b.allowed(bt, h, i, j);
    }

    @Override
    public TileClass classify(int bt, int h, int i0, int i1, int j0, int j1) {
        TileClass x = a.classify(bt, h, i0, i1, j0, j1);
        TileClass dominant = union ? TileClass.FULL : TileClass.EMPTY;
        if (x == dominant) {
            return x;
        }
        TileClass y = b.classify(bt, h, i0, i1, j0, j1);
        if (y == dominant) {
            return y;
        }
        return x == y ? x : TileClass.PARTIAL; // both neutral (EMPTY for union, FULL for intersection) or mixed
    }

    @Override
    public void checkShape(int batch, int heads, int sq, int sk) {
        a.checkShape(batch, heads, sq, sk);
        b.checkShape(batch, heads, sq, sk);
    }

    @Override
    public String toString() {
        return (union ? "union(" : "intersection(") + a + ", " + b + ")";
    }
}
