package dev.flashvec.tensor;

import java.util.Arrays;

/**
 * An immutable 4-D view {@code [batch, heads, seq, dim]} over a {@code float[]}: offset, sizes and strides.
 *
 * <p>The view's geometry never changes; the elements it covers may be written (outputs are views too).
 * Layouts such as BHSD and BSHD are just stride patterns over the same logical dimensions, so kernels read
 * either without copying. A stride of 0 broadcasts a size-1 dimension (used by masks). Today the storage is
 * a heap array reached through {@link #array()} and {@link #offset()}; an off-heap backing can be added
 * behind the same logical accessors.
 */
public final class Tensor {
    /** Axis indices, in logical order. */
    public static final int BATCH = 0, HEADS = 1, SEQ = 2, DIM = 3;
    private static final String[] AXIS_NAMES = {"batch", "heads", "seq", "dim"};

    private final float[] data;
    private final int offset;
    private final int[] sizes;
    private final int[] strides;

    private Tensor(float[] data, int offset, int[] sizes, int[] strides) {
        this.data = data;
        this.offset = offset;
        this.sizes = sizes;
        this.strides = strides;
    }

    /** A new zero-filled tensor of the given logical sizes in the given layout. */
    public static Tensor zeros(Layout layout, int batch, int heads, int seq, int dim) {
        long n = checkedCount("tensor", batch, heads, seq, dim);
        return wrap(new float[(int) n], layout, batch, heads, seq, dim);
    }

    /** A new zero-filled BHSD tensor. */
    public static Tensor zeros(int batch, int heads, int seq, int dim) {
        return zeros(Layout.BHSD, batch, heads, seq, dim);
    }

    /** Views a dense array (offset 0) whose elements are stored in the given layout. */
    public static Tensor wrap(float[] data, Layout layout, int batch, int heads, int seq, int dim) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        long n = checkedCount("tensor", batch, heads, seq, dim);
        if (n != data.length) {
            throw new IllegalArgumentException("data has " + data.length + " elements but shape "
                    + Arrays.toString(new int[] {batch, heads, seq, dim}) + " in " + layout + " needs " + n);
        }
        int[] sizes = {batch, heads, seq, dim};
        int[] strides = switch (layout) {
            case BHSD -> new int[] {heads * seq * dim, seq * dim, dim, 1};
            case BSHD -> new int[] {seq * heads * dim, dim, heads * dim, 1};
        };
        return new Tensor(data, 0, sizes, strides);
    }

    /**
     * Views {@code data} with an explicit offset, sizes and strides (in elements, logical order
     * batch, heads, seq, dim). Strides must be non-negative; a stride of 0 is allowed only on a
     * dimension of size 1 or to broadcast. Every addressed element must lie inside {@code data}.
     */
    public static Tensor view(float[] data, int offset, int[] sizes, int[] strides) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        if (sizes == null || sizes.length != 4 || strides == null || strides.length != 4) {
            throw new IllegalArgumentException("sizes and strides must each have 4 entries (batch, heads, seq, dim)");
        }
        checkedCount("tensor", sizes[0], sizes[1], sizes[2], sizes[3]);
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0 but was " + offset);
        }
        long last = offset;
        for (int a = 0; a < 4; a++) {
            if (strides[a] < 0) {
                throw new IllegalArgumentException(AXIS_NAMES[a] + " stride must be >= 0 but was " + strides[a]);
            }
            last += (long) (sizes[a] - 1) * strides[a];
        }
        if (last >= data.length) {
            throw new IllegalArgumentException("view reaches element " + last + " but data has only "
                    + data.length + " elements");
        }
        return new Tensor(data, offset, sizes.clone(), strides.clone());
    }

    /**
     * Checks that every size is at least 1 and that the element count fits in an int index.
     *
     * @return the element count
     */
    public static long checkedCount(String name, int batch, int heads, int seq, int dim) {
        int[] s = {batch, heads, seq, dim};
        long n = 1;
        for (int a = 0; a < 4; a++) {
            if (s[a] < 1) {
                throw new IllegalArgumentException(name + " " + AXIS_NAMES[a] + " must be >= 1 but was " + s[a]);
            }
            n *= s[a];
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(name + " shape " + Arrays.toString(s)
                        + " has more elements than a Java array can index (" + (Integer.MAX_VALUE - 8) + ")");
            }
        }
        return n;
    }

    /** Size of one logical axis ({@link #BATCH}, {@link #HEADS}, {@link #SEQ} or {@link #DIM}). */
    public int size(int axis) {
        return sizes[axis];
    }

    /** Stride in elements of one logical axis. */
    public int stride(int axis) {
        return strides[axis];
    }

    public int batch() {
        return sizes[BATCH];
    }

    public int heads() {
        return sizes[HEADS];
    }

    public int seq() {
        return sizes[SEQ];
    }

    public int dim() {
        return sizes[DIM];
    }

    /** The logical sizes {@code [batch, heads, seq, dim]} (a copy). */
    public int[] shape() {
        return sizes.clone();
    }

    /** Number of logical elements. */
    public long elementCount() {
        return (long) sizes[0] * sizes[1] * sizes[2] * sizes[3];
    }

    /** The layout whose dense strides this view has, or {@code null} for any other stride pattern. */
    public Layout layout() {
        for (Layout l : Layout.values()) {
            Tensor dense = stridesOf(l);
            if (Arrays.equals(dense.strides, strides)) {
                return l;
            }
        }
        return null;
    }

    private Tensor stridesOf(Layout l) {
        int h = sizes[1], s = sizes[2], d = sizes[3];
        int[] st = l == Layout.BHSD ? new int[] {h * s * d, s * d, d, 1} : new int[] {s * h * d, d, h * d, 1};
        return new Tensor(data, 0, sizes, st);
    }

    /** The backing heap array (shared, not copied): for kernels and zero-copy interop. */
    public float[] array() {
        return data;
    }

    /** Index in {@link #array()} of element {@code [0,0,0,0]}. */
    public int offset() {
        return offset;
    }

    /** Index in {@link #array()} of element {@code [b,h,s,d]}. */
    public int index(int b, int h, int s, int d) {
        return offset + b * strides[0] + h * strides[1] + s * strides[2] + d * strides[3];
    }

    public float get(int b, int h, int s, int d) {
        checkIndex(b, h, s, d);
        return data[index(b, h, s, d)];
    }

    public void set(int b, int h, int s, int d, float value) {
        checkIndex(b, h, s, d);
        data[index(b, h, s, d)] = value;
    }

    private void checkIndex(int b, int h, int s, int d) {
        int[] i = {b, h, s, d};
        for (int a = 0; a < 4; a++) {
            if (i[a] < 0 || i[a] >= sizes[a]) {
                throw new IndexOutOfBoundsException(AXIS_NAMES[a] + " index " + i[a] + " outside [0, " + sizes[a] + ")");
            }
        }
    }

    /** A dense copy of all elements in BHSD order. */
    public float[] toArray() {
        float[] out = new float[(int) elementCount()];
        int n = 0;
        for (int b = 0; b < sizes[0]; b++) {
            for (int h = 0; h < sizes[1]; h++) {
                for (int s = 0; s < sizes[2]; s++) {
                    int base = index(b, h, s, 0);
                    for (int d = 0; d < sizes[3]; d++) {
                        out[n++] = data[base + d * strides[3]];
                    }
                }
            }
        }
        return out;
    }

    /** A dense copy of this view in the given layout. */
    public Tensor copy(Layout layout) {
        Tensor out = zeros(layout, sizes[0], sizes[1], sizes[2], sizes[3]);
        for (int b = 0; b < sizes[0]; b++) {
            for (int h = 0; h < sizes[1]; h++) {
                for (int s = 0; s < sizes[2]; s++) {
                    for (int d = 0; d < sizes[3]; d++) {
                        out.data[out.index(b, h, s, d)] = data[index(b, h, s, d)];
                    }
                }
            }
        }
        return out;
    }

    /** True when this view and {@code other} may address a common element of the same array. */
    public boolean mayOverlap(Tensor other) {
        return data == other.data;
    }

    @Override
    public String toString() {
        Layout l = layout();
        return "Tensor" + Arrays.toString(sizes) + (l != null ? " " + l : " strides " + Arrays.toString(strides));
    }
}
