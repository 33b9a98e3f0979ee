package dev.flashvec.tensor;

/** The element types flashvec reads from and writes to {@code .npy} files, with their NumPy type codes. */
public enum NpyDtype {
    /** IEEE half precision ({@code f2}); read as, and converted from, {@code float}. */
    FLOAT16("f2", 2, "float16"),
    /** IEEE single precision ({@code f4}): the engine's own element type. */
    FLOAT32("f4", 4, "float32"),
    /** IEEE double precision ({@code f8}); rounded to {@code float} on reading. */
    FLOAT64("f8", 8, "float64"),
    /** NumPy {@code bool} ({@code b1}), one byte per element; used for boolean masks. */
    BOOL("b1", 1, "bool"),
    /** 32-bit signed integers ({@code i4}); used for lengths. */
    INT32("i4", 4, "int32"),
    /** 64-bit signed integers ({@code i8}), NumPy's default integer type; used for lengths. */
    INT64("i8", 8, "int64");

    private final String code;
    private final int itemSize;
    private final String numpyName;

    NpyDtype(String code, int itemSize, String numpyName) {
        this.code = code;
        this.itemSize = itemSize;
        this.numpyName = numpyName;
    }

    /** The type code without byte order, e.g. {@code f4}. */
    public String code() {
        return code;
    }

    /** Bytes per element in a file. */
    public int itemSize() {
        return itemSize;
    }

    /** True for the three floating-point types, which all read into {@code float[]}. */
    public boolean isFloat() {
        return this == FLOAT16 || this == FLOAT32 || this == FLOAT64;
    }

    /** True for the two integer types. */
    public boolean isInteger() {
        return this == INT32 || this == INT64;
    }

    /** The little-endian descriptor that flashvec writes, e.g. {@code <f4} or {@code |b1}. */
    public String descr() {
        return (itemSize == 1 ? "|" : "<") + code;
    }

    /** The type with the given code ({@code f4}, {@code b1}, ...), or null if flashvec does not support it. */
    static NpyDtype ofCode(String code) {
        for (NpyDtype t : values()) {
            if (t.code.equals(code)) {
                return t;
            }
        }
        return null;
    }

    /** NumPy's name and descriptor, e.g. {@code float32 (<f4)}. */
    @Override
    public String toString() {
        return numpyName + " (" + descr() + ")";
    }
}
