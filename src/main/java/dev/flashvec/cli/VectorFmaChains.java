package dev.flashvec.cli;

import dev.flashvec.simd.VectorProbe;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FmaPeak}'s vector loop: 16 independent {@code FloatVector} chains {@code c = c·x + y} in one flat
 * method with the vectors in locals (so C2 keeps them in registers and nothing is allocated), at the width the
 * kernels use. Loaded only through {@code Simd.select}, after the Vector API was found usable. The chains
 * converge to 1 (x &lt; 1), so no denormals or infinities slow the loop. The JMH {@code FmaPeakBenchmark} runs
 * this same loop, so the CLI and the benchmark suite measure one peak.
 */
public final class VectorFmaChains implements FmaPeak.Chains {
    private static final VectorSpecies<Float> S = VectorProbe.floatSpecies();
    private static final int CHAINS = 16, FLOATS_PER_CHAIN = 1 << 14;
    /** Floating-point operations in one {@link #run()}, whatever the vector width (an FMA counts 2). */
    public static final int FLOPS_PER_RUN = 2 * CHAINS * FLOATS_PER_CHAIN;

    /** Fields, not constants, so that the JIT cannot fold the arithmetic. */
    private float x = 0.999f, y = 0.001f, start = 0.5f;

    /** Chains at the width {@code Simd} chose; call only when the Vector API is available. */
    public VectorFmaChains() {}

    /** Runs the chains once and returns their sum (so the JIT cannot drop them). */
    @Override
    public float run() {
        FloatVector xv = FloatVector.broadcast(S, x), yv = FloatVector.broadcast(S, y);
        FloatVector c0 = FloatVector.broadcast(S, start), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        FloatVector c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
        for (int i = 0, n = FLOATS_PER_CHAIN / S.length(); i < n; i++) {
            c0 = c0.fma(xv, yv);
            c1 = c1.fma(xv, yv);
            c2 = c2.fma(xv, yv);
            c3 = c3.fma(xv, yv);
            c4 = c4.fma(xv, yv);
            c5 = c5.fma(xv, yv);
            c6 = c6.fma(xv, yv);
            c7 = c7.fma(xv, yv);
            c8 = c8.fma(xv, yv);
            c9 = c9.fma(xv, yv);
            c10 = c10.fma(xv, yv);
            c11 = c11.fma(xv, yv);
            c12 = c12.fma(xv, yv);
            c13 = c13.fma(xv, yv);
            c14 = c14.fma(xv, yv);
            c15 = c15.fma(xv, yv);
        }
        FloatVector sum = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7)
                .add(c8).add(c9).add(c10).add(c11).add(c12).add(c13).add(c14).add(c15);
        return sum.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public long flopsPerRun() {
        // FLOATS_PER_CHAIN / lanes steps of 16 vectors of lanes floats, 2 flops per FMA.
        return 2L * CHAINS * (FLOATS_PER_CHAIN / S.length()) * S.length();
    }
}
