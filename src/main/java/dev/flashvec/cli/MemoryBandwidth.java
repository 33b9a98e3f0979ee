package dev.flashvec.cli;

import dev.flashvec.simd.Backend;
import dev.flashvec.simd.Simd;

/**
 * Measures the DRAM read bandwidth this JVM reaches on a number of threads: the ceiling of decode attention,
 * which streams the KV cache once per token. Each thread repeatedly sums its own float array of
 * {@link #BYTES_PER_RUN}{@code / T} bytes (together 8× the 32 MiB L3 of this machine kind, so the caches cannot hold
 * it) with full-width vector loads on the VECTOR backend, or with scalar loads on the SCALAR backend (then the
 * number says what scalar code reaches, not what the memory can do).
 */
final class MemoryBandwidth {
    /** Bytes all threads read together per pass. */
    static final long BYTES_PER_RUN = 256L << 20;
    private static final String VECTOR_LOOP = "dev.flashvec.cli.VectorReadLoop";

    private MemoryBandwidth() {}

    /** Reads a float range and returns a value derived from every element (so the JIT cannot drop the reads). */
    interface ReadLoop {
        float sum(float[] a, int from, int to);
    }

    /**
     * A measured bandwidth.
     *
     * @param gbPerSecond total read bandwidth of all threads, 10⁹ bytes per second
     * @param threads     threads that ran at once
     * @param backend     VECTOR (vector loads) or SCALAR
     * @param vectorBits  vector width in bits, 0 for SCALAR
     * @param seconds     measuring time of each thread
     */
    record Result(double gbPerSecond, int threads, Backend backend, int vectorBits, double seconds) {}

    /** Measures the read bandwidth of {@code threads} threads on {@code backend}, each warming up first. */
    static Result measure(Backend backend, int threads, double warmupSeconds, double seconds) {
        int floats = (int) (BYTES_PER_RUN / Float.BYTES / threads);
        BenchOptions.checkHeap("the bandwidth measurement", (double) floats * Float.BYTES * threads);
        double bytes = ThreadedRate.measure("bandwidth", threads, t -> {
            ReadLoop loop = Simd.select(backend, ReadLoop.class, VECTOR_LOOP, ScalarReadLoop::new);
            float[] a = new float[floats]; // allocated on its thread, so first-touch places it near that core
            java.util.Arrays.fill(a, 1e-3f);
            return () -> loop.sum(a, 0, a.length);
        }, (double) floats * Float.BYTES, warmupSeconds, seconds);
        return new Result(bytes / 1e9, threads, backend, backend == Backend.VECTOR ? Simd.vectorBits() : 0, seconds);
    }

    /** The scalar twin of {@link VectorReadLoop}: 8 float accumulators. */
    static final class ScalarReadLoop implements ReadLoop {
        @Override
        public float sum(float[] a, int from, int to) {
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            int i = from;
            for (; i + 8 <= to; i += 8) {
                s0 += a[i];
                s1 += a[i + 1];
                s2 += a[i + 2];
                s3 += a[i + 3];
                s4 += a[i + 4];
                s5 += a[i + 5];
                s6 += a[i + 6];
                s7 += a[i + 7];
            }
            for (; i < to; i++) {
                s0 += a[i];
            }
            return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
        }
    }
}
