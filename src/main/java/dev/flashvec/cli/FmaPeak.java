package dev.flashvec.cli;

import dev.flashvec.simd.Backend;
import dev.flashvec.simd.Simd;

/**
 * Measures the FP32 fused-multiply-add peak this JVM reaches on a number of threads: the ceiling that
 * {@code bench} divides a kernel's GFLOP/s by. The idea of {@code FmaPeakBenchmark} (JMH), made small enough
 * to run in about a second before every timing.
 *
 * <p>Every thread runs its own {@link Chains}: 16 independent accumulator chains {@code c = fma(c, x, y)} in
 * one flat loop, enough to hide the FMA latency on two pipes. On the VECTOR backend they are
 * {@code FloatVector}s of the kernels' width ({@link VectorFmaChains}); on the SCALAR backend they are floats
 * and {@link Math#fma}, the scalar kernels' own instruction, so the peak is then a scalar estimate. All
 * threads first warm up (the JIT compiles the loop), meet at a barrier, then each counts its own calls for
 * the measuring time ({@link ThreadedRate}); the peak is the sum of the threads' rates, as JMH sums
 * {@code @Threads}.
 */
final class FmaPeak {
    private static final String VECTOR_CHAINS = "dev.flashvec.cli.VectorFmaChains";

    private FmaPeak() {}

    /** One thread's FMA loop; {@link #run} returns a value derived from every chain so the JIT keeps them. */
    interface Chains {
        /** Runs the chains once. */
        float run();

        /** Floating-point operations per {@link #run} (an FMA counts 2). */
        long flopsPerRun();
    }

    /**
     * A measured peak.
     *
     * @param gflops     total GFLOP/s of all threads
     * @param threads    threads that ran at once
     * @param backend    VECTOR (FloatVector FMAs) or SCALAR (a scalar estimate)
     * @param vectorBits vector width in bits, 0 for SCALAR
     * @param seconds    measuring time of each thread
     */
    record Result(double gflops, int threads, Backend backend, int vectorBits, double seconds) {}

    /** Measures the peak of {@code threads} threads on {@code backend}, each warming up first. */
    static Result measure(Backend backend, int threads, double warmupSeconds, double seconds) {
        Chains[] chains = new Chains[threads];
        for (int i = 0; i < threads; i++) {
            chains[i] = Simd.select(backend, Chains.class, VECTOR_CHAINS, ScalarChains::new);
        }
        double flops = ThreadedRate.measure("FMA peak", threads, t -> chains[t]::run, chains[0].flopsPerRun(),
                warmupSeconds, seconds);
        return new Result(flops / 1e9, threads, backend, backend == Backend.VECTOR ? Simd.vectorBits() : 0, seconds);
    }

    /** The scalar twin of {@link VectorFmaChains}: 16 float chains of {@link Math#fma}. */
    static final class ScalarChains implements Chains {
        private static final int CHAINS = 16, STEPS = 1 << 12;
        /** Fields, not constants, so that the JIT cannot fold the arithmetic. */
        private float x = 0.999f, y = 0.001f, start = 0.5f;

        @Override
        public float run() {
            float xv = x, yv = y;
            float c0 = start, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
            float c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
            for (int i = 0; i < STEPS; i++) {
                c0 = Math.fma(c0, xv, yv);
                c1 = Math.fma(c1, xv, yv);
                c2 = Math.fma(c2, xv, yv);
                c3 = Math.fma(c3, xv, yv);
                c4 = Math.fma(c4, xv, yv);
                c5 = Math.fma(c5, xv, yv);
                c6 = Math.fma(c6, xv, yv);
                c7 = Math.fma(c7, xv, yv);
                c8 = Math.fma(c8, xv, yv);
                c9 = Math.fma(c9, xv, yv);
                c10 = Math.fma(c10, xv, yv);
                c11 = Math.fma(c11, xv, yv);
                c12 = Math.fma(c12, xv, yv);
                c13 = Math.fma(c13, xv, yv);
                c14 = Math.fma(c14, xv, yv);
                c15 = Math.fma(c15, xv, yv);
            }
            return c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13 + c14 + c15;
        }

        @Override
        public long flopsPerRun() {
            return 2L * CHAINS * STEPS;
        }
    }
}
