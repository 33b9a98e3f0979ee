package dev.flashvec.scoring;

/** The plain-Java twin of {@link VectorAdditiveKernel}: the fallback and a second opinion in tests. */
final class ScalarAdditiveKernel extends AdditiveKernel {
    @Override
    int lanes() {
        return 1;
    }

    @Override
    void scoreTile(float[] q, int qOff, float[] k, int kOff, int kStride, int n, float[] v, int paddedDim, Scratch s) {
        for (int t = 0; t < n; t++) {
            float sum = 0f;
            int kRow = kOff + t * kStride;
            for (int a = 0; a < paddedDim; a++) {
                sum += v[a] * (float) Math.tanh(q[qOff + a] + k[kRow + a]);
            }
            s.scores[t] = sum;
        }
    }

    @Override
    void accumulate(float[] p, int n, float[] val, int vOff, int vStride, int dv, float[] acc) {
        for (int t = 0; t < n; t++) {
            int row = vOff + t * vStride;
            for (int d = 0; d < dv; d++) {
                acc[d] += p[t] * val[row + d];
            }
        }
    }
}
