package dev.flashvec.position;

/** RoPE written out from its definition in double precision: the tests' oracle. */
public final class RopeReference {
    private RopeReference() {}

    /** {@code x} (one head vector) rotated as at position {@code pos}. */
    public static double[] rotate(double[] x, long pos, RotaryStyle style, double base) {
        int dim = x.length, half = dim / 2;
        double[] y = x.clone();
        for (int p = 0; p < half; p++) {
            double angle = pos * Math.pow(base, -2.0 * p / dim);
            int a = style == RotaryStyle.INTERLEAVED ? 2 * p : p;
            int b = style == RotaryStyle.INTERLEAVED ? 2 * p + 1 : p + half;
            y[a] = x[a] * Math.cos(angle) - x[b] * Math.sin(angle);
            y[b] = x[a] * Math.sin(angle) + x[b] * Math.cos(angle);
        }
        return y;
    }
}
