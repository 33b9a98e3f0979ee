package dev.flashvec.gemm;

/**
 * Copies a block of an operand into the k-major sliver layout the micro-kernels read, for A and B alike.
 *
 * <p>A block of {@code width} rows of op(A) (or columns of op(B)) by {@code kc} depth steps becomes
 * {@code ceil(width / w)} slivers of {@code w × kc} floats (w = mr for A, nr for B); within a sliver the
 * {@code w} values of one depth step are contiguous, which is exactly the order in which the micro-kernel
 * consumes them. The last sliver is padded with zeros so the micro-kernel always runs a full tile: padded
 * rows or columns contribute exact zeros to lanes that are never stored to C.
 *
 * <p>Both transpositions of both operands reduce to "element (u, p) lives at {@code base + u·su + p·sp}",
 * with one of the two strides equal to 1; each case keeps the unit-stride side in the inner loop.
 */
final class Packing {
    private Packing() {}

    /**
     * Packs {@code width × kc} elements, element (u, p) at {@code x[base + u·su + p·sp]}, multiplied by
     * {@code scale}, into {@code dst} from index 0.
     */
    static void pack(float[] x, int base, int su, int sp, int width, int kc, int w, float scale, float[] dst) {
        for (int u0 = 0, d = 0; u0 < width; u0 += w, d += w * kc) {
            int cols = Math.min(w, width - u0);
            if (su == 1) {
                // op(X) is contiguous along u: each depth step copies a short contiguous run.
                for (int p = 0; p < kc; p++) {
                    int src = base + u0 + p * sp;
                    int out = d + p * w;
                    for (int q = 0; q < cols; q++) {
                        dst[out + q] = scale * x[src + q];
                    }
                    for (int q = cols; q < w; q++) {
                        dst[out + q] = 0f;
                    }
                }
            } else {
                // op(X) is contiguous along p: stream each row once, scattering with stride w.
                for (int q = 0; q < cols; q++) {
                    int src = base + (u0 + q) * su;
                    for (int p = 0; p < kc; p++) {
                        dst[d + p * w + q] = scale * x[src + p * sp];
                    }
                }
                for (int q = cols; q < w; q++) {
                    for (int p = 0; p < kc; p++) {
                        dst[d + p * w + q] = 0f;
                    }
                }
            }
        }
    }
}
