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
 * with one of the two strides equal to 1. Packing is a pure copy (alpha is applied when C is stored), so the
 * contiguous case is a run of {@link System#arraycopy} calls, which was 3× faster than a scaling loop when
 * packing a 4096×4096 operand. Both cases read the source in address order, because a gemv-like problem
 * reads each element of B exactly once and is bound by how fast that source streams from memory.
 */
final class Packing {
    /** Depth steps per chunk of a transposing pack: 16 floats, one cache line of each source row. */
    private static final int DEPTH_CHUNK = 16;

    private Packing() {}

    /**
     * Packs {@code width × kc} elements, element (u, p) at {@code x[base + u·su + p·sp]}, into {@code dst} from
     * index {@code dstOff}. One of {@code su} and {@code sp} is 1 (see the class comment).
     */
    static void pack(float[] x, int base, int su, int sp, int width, int kc, int w, float[] dst, int dstOff) {
        int full = width / w * w;
        int tail = width - full;
        if (su == 1) {
            // Contiguous along u: walk each source row once, in order, handing w-wide pieces to the slivers.
            for (int p = 0; p < kc; p++) {
                int src = base + p * sp;
                for (int u0 = 0; u0 < full; u0 += w) {
                    System.arraycopy(x, src + u0, dst, dstOff + u0 * kc + p * w, w);
                }
                if (tail > 0) {
                    int out = dstOff + full * kc + p * w;
                    System.arraycopy(x, src + full, dst, out, tail);
                    for (int q = tail; q < w; q++) {
                        dst[out + q] = 0f;
                    }
                }
            }
            return;
        }
        // Contiguous along p: a transposition. Depth runs in chunks of one cache line of each source row, so a
        // chunk's destination (DEPTH_CHUNK·w floats) stays in L1 while its w rows are read: packing B of Q·Kᵀ
        // (w = 32, 1024 × 1024) took 0.67 ms this way against 0.84 ms a whole row at a time.
        for (int u0 = 0; u0 < width; u0 += w) {
            int cols = Math.min(w, width - u0);
            int d = dstOff + u0 * kc;
            for (int p0 = 0; p0 < kc; p0 += DEPTH_CHUNK) {
                int pn = Math.min(DEPTH_CHUNK, kc - p0);
                for (int q = 0; q < cols; q++) {
                    int src = base + (u0 + q) * su + p0; // sp is 1 here, as su is not
                    int o = d + p0 * w + q;
                    for (int p = 0; p < pn; p++) {
                        dst[o + p * w] = x[src + p];
                    }
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
