package dev.flashvec.cli;

import dev.flashvec.simd.VectorProbe;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MemoryBandwidth}'s vector loop: reads a float range with full-width loads into 8 independent
 * accumulators (one flat method, vectors in locals), so the loads, not the adds, are the limit. Loaded only
 * through {@code Simd.select}; the JMH {@code BandwidthBenchmark} runs this same loop.
 */
public final class VectorReadLoop implements MemoryBandwidth.ReadLoop {
    private static final VectorSpecies<Float> S = VectorProbe.floatSpecies();

    /** A loop at the width {@code Simd} chose; call only when the Vector API is available. */
    public VectorReadLoop() {}

    @Override
    public float sum(float[] a, int from, int to) {
        int vl = S.length(), step = 8 * vl;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        int i = from;
        for (; i + step <= to; i += step) {
            s0 = s0.add(FloatVector.fromArray(S, a, i));
            s1 = s1.add(FloatVector.fromArray(S, a, i + vl));
            s2 = s2.add(FloatVector.fromArray(S, a, i + 2 * vl));
            s3 = s3.add(FloatVector.fromArray(S, a, i + 3 * vl));
            s4 = s4.add(FloatVector.fromArray(S, a, i + 4 * vl));
            s5 = s5.add(FloatVector.fromArray(S, a, i + 5 * vl));
            s6 = s6.add(FloatVector.fromArray(S, a, i + 6 * vl));
            s7 = s7.add(FloatVector.fromArray(S, a, i + 7 * vl));
        }
        float tail = 0f;
        for (; i < to; i++) {
            tail += a[i];
        }
        return s0.add(s1).add(s2).add(s3).add(s4).add(s5).add(s6).add(s7).reduceLanes(VectorOperators.ADD) + tail;
    }
}
