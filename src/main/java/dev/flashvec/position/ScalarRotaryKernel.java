package dev.flashvec.position;

/** The plain-Java twin of the vector RoPE kernel. */
final class ScalarRotaryKernel implements RotaryKernel {
    @Override
    public void rotate(float[] x, int off, int rowStride, int rows, int dim, float[] cos, float[] sin,
                       int firstTableRow, boolean interleaved) {
        int half = dim / 2;
        for (int r = 0; r < rows; r++) {
            int o = off + r * rowStride, t = (firstTableRow + r) * dim;
            if (interleaved) {
                rotateInterleaved(x, o, 0, dim, cos, sin, t);
            } else {
                rotateHalf(x, o, 0, half, cos, sin, t);
            }
        }
    }

    /** Pairs {@code (d, d+1)} for even {@code d} in {@code [from, to)}. */
    static void rotateInterleaved(float[] x, int o, int from, int to, float[] cos, float[] sin, int t) {
        for (int d = from; d < to; d += 2) {
            float a = x[o + d], b = x[o + d + 1];
            // FMA in the same order as the vector kernel, so both give the same bits.
            x[o + d] = Math.fma(b, sin[t + d], a * cos[t + d]);
            x[o + d + 1] = Math.fma(a, sin[t + d + 1], b * cos[t + d + 1]);
        }
    }

    /** Pairs {@code (d, d+half)} for {@code d} in {@code [from, half)}. */
    static void rotateHalf(float[] x, int o, int from, int half, float[] cos, float[] sin, int t) {
        for (int d = from; d < half; d++) {
            float a = x[o + d], b = x[o + d + half];
            x[o + d] = Math.fma(b, sin[t + d], a * cos[t + d]);
            x[o + d + half] = Math.fma(a, sin[t + d + half], b * cos[t + d + half]);
        }
    }
}
