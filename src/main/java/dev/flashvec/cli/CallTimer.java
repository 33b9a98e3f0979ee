package dev.flashvec.cli;

import java.util.Arrays;

/**
 * Times repeated calls the simple way a benchmark harness does: warm up (so the JIT compiles the code) for a
 * while, then time samples for a while and take the median. Calls shorter than about a millisecond are
 * grouped so that each sample lasts at least that long and the clock's own cost does not count.
 */
final class CallTimer {
    private static final double MIN_SAMPLE_NANOS = 1e6;

    private CallTimer() {}

    /**
     * Per-call times.
     *
     * @param medianNanos median of the samples' time per call
     * @param minNanos    fastest sample's time per call
     * @param calls       timed calls (warm-up excluded)
     * @param samples     timed samples
     */
    record Timing(double medianNanos, double minNanos, long calls, int samples) {}

    /** Calls {@code call} for at least {@code warmupSeconds} (at least once), then times it for {@code seconds}. */
    static Timing time(Runnable call, double warmupSeconds, double seconds) {
        long start = System.nanoTime(), warmEnd = start + (long) (warmupSeconds * 1e9);
        long warmCalls = 0, now;
        do {
            call.run();
            warmCalls++;
            now = System.nanoTime();
        } while (now < warmEnd);
        double perCall = (double) (now - start) / warmCalls;
        long batch = (long) Math.min(1 << 20, Math.max(1, Math.ceil(MIN_SAMPLE_NANOS / Math.max(perCall, 1))));
        double[] perSample = new double[16];
        int samples = 0;
        long measureStart = System.nanoTime(), end = measureStart + (long) (seconds * 1e9);
        do {
            long t0 = System.nanoTime();
            for (long i = 0; i < batch; i++) {
                call.run();
            }
            long t1 = System.nanoTime();
            if (samples == perSample.length) {
                perSample = Arrays.copyOf(perSample, samples * 2);
            }
            perSample[samples++] = (double) (t1 - t0) / batch;
            now = t1;
        } while (now < end);
        double[] sorted = Arrays.copyOf(perSample, samples);
        Arrays.sort(sorted);
        double median = samples % 2 == 1 ? sorted[samples / 2] : (sorted[samples / 2 - 1] + sorted[samples / 2]) / 2;
        return new Timing(median, sorted[0], samples * batch, samples);
    }
}
