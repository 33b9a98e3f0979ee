package dev.flashvec.position;

/**
 * The absolute sinusoidal position encoding of the original Transformer (Vaswani et al. 2017):
 * {@code PE[t, 2i] = sin(t / 10000^(2i/D))}, {@code PE[t, 2i+1] = cos(t / 10000^(2i/D))}, added to the
 * token embeddings. Computed in double precision, rounded once to float.
 */
public final class SinusoidalPositions {
    private SinusoidalPositions() {}

    /** The table for positions {@code offset … offset+seq−1}: dense {@code [seq, dim]}. */
    public static float[] table(int seq, int dim, int offset) {
        check("seq", seq, 1);
        check("dim", dim, 1);
        check("offset", offset, 0);
        float[] pe = new float[Math.multiplyExact(seq, dim)];
        for (int s = 0; s < seq; s++) {
            long t = (long) offset + s;
            for (int d = 0; d < dim; d++) {
                double angle = t / Math.pow(10000.0, (d - d % 2) / (double) dim);
                pe[s * dim + d] = (float) (d % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
            }
        }
        return pe;
    }

    /**
     * Adds the encoding in place to embeddings {@code x}, dense {@code [batch, seq, dim]}; row {@code s} is at
     * position {@code offset + s}.
     */
    public static void addTo(float[] x, int batch, int seq, int dim, int offset) {
        check("batch", batch, 1);
        float[] pe = table(seq, dim, offset);
        if (x == null || x.length != (long) batch * pe.length) {
            throw new IllegalArgumentException("x must have batch·seq·dim = " + (long) batch * pe.length
                    + " elements but has " + (x == null ? "none (null)" : x.length));
        }
        for (int b = 0; b < batch; b++) {
            int base = b * pe.length;
            for (int i = 0; i < pe.length; i++) {
                x[base + i] += pe[i];
            }
        }
    }

    private static void check(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + " but was " + value);
        }
    }
}
