package dev.flashvec.scoring;

import dev.flashvec.gemm.Gemm;
import dev.flashvec.gemm.Transpose;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;

/**
 * Applies one linear map to every head vector of a tensor with a single SGEMM: in a dense BHSD or BSHD tensor
 * the head vectors are the rows of one {@code [B·H·S, D]} matrix (in storage order), so the result keeps the
 * input's layout. Other stride patterns are first copied to BHSD.
 */
final class RowProjection {
    private RowProjection() {}

    /**
     * {@code y = x·Wᵀ} per head vector, W {@code [out, D]} row-major ({@code y = x·W} with W {@code [D, out]}
     * when {@code wt} is NO); each output row is stored {@code padded} floats apart (zeros after {@code out}),
     * and the returned view has {@code dim = out}.
     */
    static Tensor project(Gemm gemm, Tensor x, float[] w, Transpose wt, int out, int padded) {
        Layout layout = x.layout();
        if (layout == null) {
            x = x.copy(Layout.BHSD);
            layout = Layout.BHSD;
        }
        int b = x.batch(), h = x.heads(), s = x.seq(), d = x.dim();
        int rows = b * h * s;
        float[] y = new float[Math.multiplyExact(rows, padded)];
        gemm.multiply(Transpose.NO, wt, rows, out, d, 1f, x.array(), x.offset(), d, w, 0, wt == Transpose.YES ? d : out,
                0f, y, 0, padded);
        int[] strides = layout == Layout.BHSD ? new int[] {h * s * padded, s * padded, padded, 1}
                : new int[] {s * h * padded, padded, h * padded, 1};
        return Tensor.view(y, 0, new int[] {b, h, s, out}, strides);
    }
}
