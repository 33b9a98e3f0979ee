package dev.flashvec.layers;

import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.position.RopeReference;
import dev.flashvec.position.RotaryEmbedding;
import dev.flashvec.position.RotaryStyle;
import dev.flashvec.reference.ReferenceAttention;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;

/**
 * Multi-head attention written out literally in double precision: project, split heads, (RoPE), reference
 * attention per head, concatenate, project. The oracle of the layer tests; slow and obvious on purpose.
 */
final class ReferenceMultiHeadAttention {
    private ReferenceMultiHeadAttention() {}

    /** Separate weights of a layer, PyTorch layout {@code [out, in]}; biases may be null. */
    record Weights(float[] wq, float[] bq, float[] wk, float[] bk, float[] wv, float[] bv, float[] wo, float[] bo) {}

    static double[] forward(MultiHeadAttention.Shape s, Weights w, float[] query, float[] key, float[] value,
                            int batch, int sq, int sk, AttentionOptions options, RotaryStyle rope) {
        int hq = s.heads(), hkv = s.kvHeads(), dk = s.headDim(), dv = s.valueHeadDim();
        double[] q = linear(query, batch * sq, s.embedDim(), w.wq(), w.bq(), hq * dk);
        double[] k = linear(key, batch * sk, s.keyDim(), w.wk(), w.bk(), hkv * dk);
        double[] v = linear(value, batch * sk, s.valueDim(), w.wv(), w.bv(), hkv * dv);
        Tensor qt = heads(q, batch, hq, sq, dk, rope);
        Tensor kt = heads(k, batch, hkv, sk, dk, rope);
        Tensor vt = heads(v, batch, hkv, sk, dv, null);
        ReferenceAttention.Result r = ReferenceAttention.compute(qt, kt, vt, options);
        double[] concat = new double[batch * sq * hq * dv];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < sq; i++) {
                for (int h = 0; h < hq; h++) {
                    for (int d = 0; d < dv; d++) {
                        concat[((b * sq + i) * hq + h) * dv + d] = r.output(b, h, i, d);
                    }
                }
            }
        }
        return linear(concat, batch * sq, hq * dv, w.wo(), w.bo(), s.outDim());
    }

    /** {@code y = x·Wᵀ + b} in double; W is {@code [out, in]}. */
    static double[] linear(float[] x, int rows, int in, float[] w, float[] bias, int out) {
        double[] xd = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            xd[i] = x[i];
        }
        return linear(xd, rows, in, w, bias, out);
    }

    static double[] linear(double[] x, int rows, int in, float[] w, float[] bias, int out) {
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < out; c++) {
                double s = bias == null ? 0 : bias[c];
                for (int i = 0; i < in; i++) {
                    s += x[r * in + i] * w[c * in + i];
                }
                y[r * out + c] = s;
            }
        }
        return y;
    }

    /** Splits {@code [B·S, H·D]} into a BHSD tensor, rotating each head vector when {@code rope} is set. */
    private static Tensor heads(double[] x, int batch, int heads, int seq, int dim, RotaryStyle rope) {
        float[] t = new float[batch * heads * seq * dim];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < seq; i++) {
                    double[] vec = new double[dim];
                    System.arraycopy(x, (b * seq + i) * heads * dim + h * dim, vec, 0, dim);
                    if (rope != null) {
                        vec = RopeReference.rotate(vec, i, rope, RotaryEmbedding.DEFAULT_BASE);
                    }
                    for (int d = 0; d < dim; d++) {
                        t[((b * heads + h) * seq + i) * dim + d] = (float) vec[d];
                    }
                }
            }
        }
        return Tensor.wrap(t, Layout.BHSD, batch, heads, seq, dim);
    }
}
