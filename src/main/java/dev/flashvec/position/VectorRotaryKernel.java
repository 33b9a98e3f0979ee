package dev.flashvec.position;

import dev.flashvec.simd.VectorProbe;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * RoPE on the Vector API: a fused multiply-add of each row with its cos table and of its partner lanes with
 * the signed sin table. Interleaved pairs are swapped inside one vector by a constant shuffle; half-split
 * pairs are two loads {@code D/2} apart. Loaded reflectively by {@link RotaryEmbedding}; each loop keeps its
 * vectors in locals (no vector crosses a call).
 */
final class VectorRotaryKernel implements RotaryKernel {
    private static final VectorSpecies<Float> F = VectorProbe.floatSpecies();
    private static final VectorShuffle<Float> SWAP_PAIRS = VectorShuffle.fromOp(F, i -> i ^ 1);

    @Override
    public void rotate(float[] x, int off, int rowStride, int rows, int dim, float[] cos, float[] sin,
                       int firstTableRow, boolean interleaved) {
        int lanes = F.length(), half = dim / 2;
        for (int r = 0; r < rows; r++) {
            int o = off + r * rowStride, t = (firstTableRow + r) * dim;
            if (interleaved) {
                int end = dim - dim % lanes; // lanes is even, so a vector never splits a pair
                for (int d = 0; d < end; d += lanes) {
                    FloatVector v = FloatVector.fromArray(F, x, o + d);
                    FloatVector swapped = v.rearrange(SWAP_PAIRS);
                    FloatVector c = FloatVector.fromArray(F, cos, t + d);
                    FloatVector s = FloatVector.fromArray(F, sin, t + d);
                    swapped.fma(s, v.mul(c)).intoArray(x, o + d);
                }
                ScalarRotaryKernel.rotateInterleaved(x, o, end, dim, cos, sin, t);
            } else {
                int end = half - half % lanes;
                for (int d = 0; d < end; d += lanes) {
                    FloatVector a = FloatVector.fromArray(F, x, o + d);
                    FloatVector b = FloatVector.fromArray(F, x, o + d + half);
                    FloatVector ca = FloatVector.fromArray(F, cos, t + d);
                    FloatVector sa = FloatVector.fromArray(F, sin, t + d);
                    FloatVector cb = FloatVector.fromArray(F, cos, t + d + half);
                    FloatVector sb = FloatVector.fromArray(F, sin, t + d + half);
                    b.fma(sa, a.mul(ca)).intoArray(x, o + d);
                    a.fma(sb, b.mul(cb)).intoArray(x, o + d + half);
                }
                ScalarRotaryKernel.rotateHalf(x, o, end, half, cos, sin, t);
            }
        }
    }
}
