package dev.flashvec.layers;

import dev.flashvec.gemm.Gemm;
import dev.flashvec.gemm.Transpose;

/**
 * A linear map {@code y = x·Wᵀ + b} with PyTorch's weight layout: {@code W} is {@code [out, in]} row-major,
 * {@code b} is {@code [out]} or absent. Runs on the SGEMM, reading W transposed in place (no copy), and writes
 * into any column range of a wider output, so several projections can fill one buffer whose column blocks are
 * later viewed as heads. Immutable; the arrays are not copied, so do not change them while in use.
 */
public final class Projection {
    private final String name;
    private final float[] weight;
    private final float[] bias;
    private final int out;
    private final int in;

    /**
     * @param name   names the projection in error messages (e.g. {@code "W_Q"})
     * @param weight {@code [out, in]} row-major
     * @param bias   {@code [out]}, or null for none
     */
    public Projection(String name, float[] weight, int out, int in, float[] bias) {
        if (out < 1 || in < 1) {
            throw new IllegalArgumentException(name + " must be at least 1×1 but is " + out + "×" + in);
        }
        if (weight == null || weight.length != (long) out * in) {
            throw new IllegalArgumentException(name + " weight must have " + out + "×" + in + " = " + (long) out * in
                    + " elements but has " + (weight == null ? "none (null)" : weight.length));
        }
        if (bias != null && bias.length != out) {
            throw new IllegalArgumentException(name + " bias must have " + out + " elements but has " + bias.length);
        }
        this.name = name;
        this.weight = weight;
        this.bias = bias;
        this.out = out;
        this.in = in;
    }

    public String name() {
        return name;
    }

    /** Output features. */
    public int out() {
        return out;
    }

    /** Input features. */
    public int in() {
        return in;
    }

    /** The weight {@code [out, in]} (shared, not copied). */
    public float[] weight() {
        return weight;
    }

    /** The bias {@code [out]} (shared), or null. */
    public float[] bias() {
        return bias;
    }

    /**
     * Writes {@code y[yOff + r·ldy + c] = Σ_i x[xOff + r·ldx + i]·W[c, i] + b[c]} for {@code r < rows},
     * {@code c < out}.
     */
    public void apply(Gemm gemm, float[] x, int xOff, int ldx, int rows, float[] y, int yOff, int ldy) {
        float beta = 0f;
        if (bias != null) {
            // Start C at the bias and let the GEMM accumulate onto it (beta = 1): no second pass over y.
            for (int r = 0; r < rows; r++) {
                System.arraycopy(bias, 0, y, yOff + r * ldy, out);
            }
            beta = 1f;
        }
        gemm.multiply(Transpose.NO, Transpose.YES, rows, out, in, 1f, x, xOff, ldx, weight, 0, in, beta, y, yOff, ldy);
    }

    @Override
    public String toString() {
        return name + " [" + out + ", " + in + "]" + (bias != null ? " + bias" : "");
    }
}
