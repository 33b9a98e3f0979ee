package dev.flashvec.decode;

/**
 * The decode kernel's arithmetic in plain Java loops: the twin of {@link VectorDecodeKernel}, run when the
 * Vector API is unavailable and used as a second opinion in tests.
 */
final class ScalarDecodeKernel extends DecodeKernel {
    @Override
    void scores(float[] q, int rows, int dk, float[] k, int kOff, int kStride, int n, float scale, float[] s,
                int sOff, int stride) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                float dot = 0f;
                for (int d = 0, ko = kOff + j * kStride; d < dk; d++) {
                    dot += q[r * dk + d] * k[ko + d];
                }
                s[r * stride + sOff + j] = scale * dot;
            }
        }
    }

    @Override
    float expRow(float[] s, int off, int count, float max, float[] lanes) {
        float sum = 0f;
        for (int j = off; j < off + count; j++) {
            float e = (float) Math.exp(s[j] - max);
            s[j] = e;
            sum += e;
        }
        return sum;
    }

    @Override
    void accumulate(float[] p, int pOff, int stride, int rows, float[] v, int vOff, int vStride, int n, int dv,
                    float[] alpha, float[] acc) {
        for (int r = 0; r < rows; r++) {
            float a = alpha[r];
            for (int d = 0; d < dv; d++) {
                acc[r * dv + d] *= a;
            }
            for (int j = 0; j < n; j++) {
                float pj = p[r * stride + pOff + j];
                for (int d = 0, vo = vOff + j * vStride; d < dv; d++) {
                    acc[r * dv + d] += pj * v[vo + d];
                }
            }
        }
    }

    @Override
    void convert(KvStore store, int row0, int n, float[] dst, int dstOff) {
        for (int t = 0; t < n; t++) {
            store.read(row0 + t, dst, dstOff + t * store.dim);
        }
    }
}
