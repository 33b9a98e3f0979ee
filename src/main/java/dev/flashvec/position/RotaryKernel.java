package dev.flashvec.position;

/**
 * Rotates rows in place: {@code x[d] ← x[d]·cos[d] + x[partner(d)]·sin[d]}, where the partner is {@code d^1}
 * (interleaved) or {@code (d + D/2) mod D} (half-split) and {@code sin} already carries the pair's sign.
 * Vector and scalar twins; the caller has checked every index.
 */
interface RotaryKernel {
    /**
     * Rotates {@code rows} rows of {@code dim} floats starting at {@code x[off + r·rowStride]}; row {@code r}
     * uses table row {@code firstTableRow + r} of {@code cos} and {@code sin} (each {@code dim} wide).
     */
    void rotate(float[] x, int off, int rowStride, int rows, int dim, float[] cos, float[] sin, int firstTableRow,
                boolean interleaved);
}
