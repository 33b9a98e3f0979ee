package dev.flashvec.decode;

import java.util.Arrays;

/**
 * The storage of one cached tensor (keys or values) of a {@link KvCache}: {@code rows × dim} elements of one
 * {@link KvType}, row {@code r} at {@code r·dim}. Rounds fp32 rows in on write and converts them back to fp32
 * on read (the scalar path; vector kernels read the arrays directly).
 */
final class KvStore {
    final KvType type;
    final int rows, dim;
    /** Exactly one of these holds the elements, by type. */
    final float[] f32;
    final short[] f16;
    final byte[] i8;
    /** INT8 only: the scale of each row. */
    final float[] scales;
    /** Rows per group (one sequence's slots of one KV head); {@link #specials} has one flag per group. */
    private final int groupRows;
    /**
     * FP16 only: per group, whether a row written since the group was last {@linkplain #forgetSpecials
     * forgotten} holds an infinity or NaN. Kernels that widen fp16 by bit operations are exact only for finite
     * values and check {@link #mayHoldNonFinite} first.
     */
    private final boolean[] specials;

    /** A store of {@code rows} rows in groups of {@code groupRows} (a divisor of {@code rows}). */
    KvStore(KvType type, int rows, int dim, int groupRows) {
        this.type = type;
        this.rows = rows;
        this.dim = dim;
        this.groupRows = groupRows;
        this.specials = type == KvType.FP16 ? new boolean[Math.max(1, rows / groupRows)] : null;
        int n = Math.multiplyExact(rows, dim);
        f32 = type == KvType.FP32 ? new float[n] : null;
        f16 = type == KvType.FP16 || type == KvType.BF16 ? new short[n] : null;
        i8 = type == KvType.INT8 ? new byte[n] : null;
        scales = type == KvType.INT8 ? new float[rows] : null;
    }

    /**
     * An FP32 store over an existing array, not copied, for a cache over plain tensors: its rows are found
     * through {@link KvCache#keyIndex} and {@link KvCache#valueIndex} (any strides), never by row number, and
     * it is never written.
     */
    KvStore(float[] rowsOf, int rows, int dim) {
        this.type = KvType.FP32;
        this.rows = rows;
        this.dim = dim;
        this.f32 = rowsOf;
        this.f16 = null;
        this.i8 = null;
        this.scales = null;
        this.groupRows = 1;
        this.specials = null;
    }

    /** Stores {@code src[srcOffset + d]}, {@code d < dim}, as row {@code row}, rounded to this type. */
    void write(int row, float[] src, int srcOffset) {
        int o = row * dim;
        switch (type) {
            case FP32 -> System.arraycopy(src, srcOffset, f32, o, dim);
            case FP16 -> {
                boolean special = false;
                for (int d = 0; d < dim; d++) {
                    short h = Float.floatToFloat16(src[srcOffset + d]);
                    f16[o + d] = h;
                    special |= (h & 0x7c00) == 0x7c00; // all-ones exponent: infinity or NaN
                }
                specials[row / groupRows] |= special;
            }
            case BF16 -> {
                for (int d = 0; d < dim; d++) {
                    f16[o + d] = toBf16(src[srcOffset + d]);
                }
            }
            case INT8 -> {
                float max = 0f;
                for (int d = 0; d < dim; d++) {
                    max = Math.max(max, Math.abs(src[srcOffset + d])); // NaN makes max NaN: the row reads as NaN
                }
                float scale = max / 127f;
                float inv = scale == 0f ? 0f : 1f / scale;
                for (int d = 0; d < dim; d++) {
                    i8[o + d] = (byte) Math.max(-127, Math.min(127, Math.round(src[srcOffset + d] * inv)));
                }
                scales[row] = scale;
            }
        }
    }

    /**
     * Whether the group of {@code row} may hold an fp16 infinity or NaN: true if one was written since the group
     * was last forgotten (a ring that has since overwritten it still answers true). Always false for other types.
     */
    boolean mayHoldNonFinite(int row) {
        return specials != null && specials[row / groupRows];
    }

    /** Forgets the non-finite flags of groups {@code [group0, group0 + count)}, whose rows are all discarded. */
    void forgetSpecials(int group0, int count) {
        if (specials != null) {
            Arrays.fill(specials, group0, group0 + count, false);
        }
    }

    /** Row {@code row} converted to fp32 into {@code dst[dstOffset + d]}. */
    void read(int row, float[] dst, int dstOffset) {
        int o = row * dim;
        switch (type) {
            case FP32 -> System.arraycopy(f32, o, dst, dstOffset, dim);
            case FP16 -> {
                for (int d = 0; d < dim; d++) {
                    dst[dstOffset + d] = Float.float16ToFloat(f16[o + d]);
                }
            }
            case BF16 -> {
                for (int d = 0; d < dim; d++) {
                    dst[dstOffset + d] = Float.intBitsToFloat(f16[o + d] << 16);
                }
            }
            case INT8 -> {
                float scale = scales[row];
                for (int d = 0; d < dim; d++) {
                    dst[dstOffset + d] = scale * i8[o + d];
                }
            }
        }
    }

    /** Bytes one row occupies (elements, plus the scale for INT8). */
    int rowBytes() {
        return dim * type.bytesPerElement() + (type == KvType.INT8 ? Float.BYTES : 0);
    }

    /** fp32 to bfloat16 with round-to-nearest-even; NaN stays a (quiet) NaN. */
    static short toBf16(float x) {
        int bits = Float.floatToRawIntBits(x);
        if (Float.isNaN(x)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }
}
