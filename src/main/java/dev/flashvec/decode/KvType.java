package dev.flashvec.decode;

/**
 * How a {@link KvCache} stores keys and values. Stored elements are converted to fp32 exactly before any
 * arithmetic (for INT8 the byte, its row's scale multiplying that row's dot product or probability; for FP16
 * on the in-register path an exact power-of-two scaling of the value), so essentially only the rounding at
 * {@linkplain KvCache#append append} differs; the bounds below are per element, relative to the fp32 value
 * written (see docs/SEMANTICS.md for their effect on attention outputs).
 */
public enum KvType {
    /** IEEE binary32, exact. */
    FP32(4),
    /**
     * IEEE binary16, rounded to nearest even: relative error at most 2⁻¹¹ for |x| in [2⁻¹⁴, 65504]; smaller
     * magnitudes lose relative precision (absolute error at most 2⁻²⁵); |x| above 65504 becomes ±infinity.
     */
    FP16(2),
    /**
     * bfloat16 (the top half of a binary32), rounded to nearest even: relative error at most 2⁻⁸ (8 significant
     * bits), fp32's range.
     */
    BF16(2),
    /**
     * Signed 8-bit integers with one fp32 scale per row (one position of one head): {@code x ≈ scale·q},
     * {@code scale = max|x| / 127}; absolute error at most {@code max|x| / 254} of that row.
     */
    INT8(1);

    private final int bytes;

    KvType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per stored element (INT8 adds 4 bytes of scale per row). */
    public int bytesPerElement() {
        return bytes;
    }

    /** Parses {@code fp32}, {@code fp16}, {@code bf16} or {@code int8}, ignoring case. */
    public static KvType parse(String name) {
        if (name != null) {
            for (KvType t : values()) {
                if (t.name().equalsIgnoreCase(name.trim())) {
                    return t;
                }
            }
        }
        throw new IllegalArgumentException("kv type must be one of fp32, fp16, bf16, int8 but was " + name);
    }
}
