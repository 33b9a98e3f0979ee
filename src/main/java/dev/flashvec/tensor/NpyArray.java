package dev.flashvec.tensor;

import java.util.Arrays;

/**
 * An n-dimensional array as stored in an {@code .npy} file: C-order shape, element type and the elements,
 * held as {@code float[]} (all float types), {@code boolean[]}, {@code int[]} or {@code long[]}.
 *
 * <p>The element array is taken over by the factories and handed out by the accessors without copying
 * (arrays here are often hundreds of megabytes), just as {@link Tensor#array()} does; callers that keep one
 * must not change it while the other holds it. The {@linkplain #name() name} only makes error messages say
 * which file is meant and is not part of equality.
 */
public final class NpyArray {
    private final String name;
    private final int[] shape;
    private final NpyDtype dtype;
    private final Object data;

    NpyArray(String name, int[] shape, NpyDtype dtype, Object data) {
        this.name = name;
        this.shape = shape;
        this.dtype = dtype;
        this.data = data;
    }

    /** A {@code float32} array of the given shape over {@code data}. */
    public static NpyArray ofFloats(int[] shape, float[] data) {
        return ofFloats(NpyDtype.FLOAT32, shape, data);
    }

    /**
     * A float array that is written to a file as {@code dtype}: {@code float32}, or {@code float16}/{@code float64}
     * (converted on writing).
     */
    public static NpyArray ofFloats(NpyDtype dtype, int[] shape, float[] data) {
        if (dtype == null || !dtype.isFloat()) {
            throw new IllegalArgumentException("dtype of float data must be float16, float32 or float64 but was " + dtype);
        }
        return checked(shape, dtype, data, data == null ? -1 : data.length);
    }

    /** A {@code bool} array of the given shape over {@code data}. */
    public static NpyArray ofBooleans(int[] shape, boolean[] data) {
        return checked(shape, NpyDtype.BOOL, data, data == null ? -1 : data.length);
    }

    /** An {@code int32} array of the given shape over {@code data}. */
    public static NpyArray ofInts(int[] shape, int[] data) {
        return checked(shape, NpyDtype.INT32, data, data == null ? -1 : data.length);
    }

    /** An {@code int64} array of the given shape over {@code data}. */
    public static NpyArray ofLongs(int[] shape, long[] data) {
        return checked(shape, NpyDtype.INT64, data, data == null ? -1 : data.length);
    }

    /**
     * The logical elements of {@code tensor} as a {@code float32} array shaped as {@code layout} orders them:
     * {@code [B, H, S, D]} for BHSD, {@code [B, S, H, D]} for BSHD. Shares the tensor's array when it is already
     * dense in that layout, copies otherwise.
     */
    public static NpyArray fromTensor(Tensor tensor, Layout layout) {
        if (tensor == null || layout == null) {
            throw new IllegalArgumentException((tensor == null ? "tensor" : "layout") + " must not be null");
        }
        int b = tensor.batch(), h = tensor.heads(), s = tensor.seq(), d = tensor.dim();
        boolean dense = tensor.layout() == layout && tensor.offset() == 0 && tensor.array().length == tensor.elementCount();
        float[] data = dense ? tensor.array() : tensor.copy(layout).array();
        int[] shape = layout == Layout.BHSD ? new int[] {b, h, s, d} : new int[] {b, s, h, d};
        return ofFloats(shape, data);
    }

    private static NpyArray checked(int[] shape, NpyDtype dtype, Object data, int length) {
        if (shape == null || data == null) {
            throw new IllegalArgumentException((shape == null ? "shape" : "data") + " must not be null");
        }
        long count = 1;
        for (int dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative dimension");
            }
            count *= dim;
            if (count > NpyHeader.MAX_ELEMENTS) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more elements than a Java"
                        + " array can hold (" + NpyHeader.MAX_ELEMENTS + ")");
            }
        }
        if (count != length) {
            throw new IllegalArgumentException("data has " + length + " elements but shape " + Arrays.toString(shape)
                    + " needs " + count);
        }
        return new NpyArray("array", shape.clone(), dtype, data);
    }

    /** Where this array came from (a file name for arrays read by {@link Npy}), for messages. */
    public String name() {
        return name;
    }

    /** The same array under another name (used in error messages). */
    public NpyArray named(String newName) {
        if (newName == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        return new NpyArray(newName, shape, dtype, data);
    }

    /** The shape (a copy); empty for a 0-d scalar. */
    public int[] shape() {
        return shape.clone();
    }

    /** The shape as Python writes a tuple, e.g. {@code (2, 3)}, {@code (5,)} or {@code ()}: for messages. */
    public String shapeString() {
        return NpyHeader.formatShape(shape);
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code axis}. */
    public int dim(int axis) {
        return shape[axis];
    }

    /** Number of elements (1 for a 0-d scalar). */
    public int size() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** The element type (for float arrays read from a file, the file's type, not {@code float32}). */
    public NpyDtype dtype() {
        return dtype;
    }

    /** The elements of a float16/float32/float64 array as floats (shared, not copied). */
    public float[] asFloats() {
        requireKind(dtype.isFloat(), "a float array (float16, float32 or float64)");
        return (float[]) data;
    }

    /** The elements of a bool array (shared, not copied). */
    public boolean[] asBooleans() {
        requireKind(dtype == NpyDtype.BOOL, "a bool array");
        return (boolean[]) data;
    }

    /** The elements of an int32 array (shared), or of an int64 array narrowed after checking each fits an int. */
    public int[] asInts() {
        requireKind(dtype.isInteger(), "an integer array (int32 or int64)");
        if (data instanceof int[] ints) {
            return ints;
        }
        long[] longs = (long[]) data;
        int[] out = new int[longs.length];
        for (int i = 0; i < longs.length; i++) {
            if (longs[i] != (int) longs[i]) {
                throw new IllegalArgumentException(name + ": element " + i + " is " + longs[i] + ", outside the int32 range");
            }
            out[i] = (int) longs[i];
        }
        return out;
    }

    /** The elements of an int64 array (shared), or of an int32 array widened (a copy). */
    public long[] asLongs() {
        requireKind(dtype.isInteger(), "an integer array (int32 or int64)");
        if (data instanceof long[] longs) {
            return longs;
        }
        return Arrays.stream((int[]) data).asLongStream().toArray();
    }

    /**
     * A 4-D view of a float array in {@code layout}: shape {@code [B, H, S, D]} for BHSD or {@code [B, S, H, D]}
     * for BSHD; a 3-D {@code [B, S, D]} array is taken as one head ({@code H = 1}, the same bytes in both
     * layouts). Shares this array's elements.
     */
    public Tensor toTensor(Layout layout) {
        if (layout == null) {
            throw new IllegalArgumentException("layout must not be null");
        }
        float[] f = asFloats();
        String want = layout == Layout.BHSD ? "[B, H, S, D]" : "[B, S, H, D]";
        if (rank() != 4 && rank() != 3) {
            throw new IllegalArgumentException(name + " has shape " + shapeString() + " but a 4-D "
                    + want + " (" + layout.name().toLowerCase() + ") or 3-D [B, S, D] array is required");
        }
        for (int d : shape) {
            if (d == 0) {
                throw new IllegalArgumentException(name + " has shape " + shapeString()
                        + " with an empty dimension; every dimension must be >= 1");
            }
        }
        if (rank() == 3) {
            return Tensor.wrap(f, layout, shape[0], 1, shape[1], shape[2]);
        }
        int heads = layout == Layout.BHSD ? shape[1] : shape[2];
        int seq = layout == Layout.BHSD ? shape[2] : shape[1];
        return Tensor.wrap(f, layout, shape[0], heads, seq, shape[3]);
    }

    private void requireKind(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(name + " has dtype " + dtype + " but " + what + " is required");
        }
    }

    /** Equal when shape, dtype and every element are equal (NaN equals NaN, as in {@link Arrays#equals(float[], float[])}). */
    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray a && dtype == a.dtype && Arrays.equals(shape, a.shape)
                && Arrays.deepEquals(new Object[] {data}, new Object[] {a.data});
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.deepHashCode(new Object[] {data});
    }

    /** Name, dtype and shape (not the elements). */
    @Override
    public String toString() {
        return name + ": " + dtype + " " + shapeString();
    }
}
