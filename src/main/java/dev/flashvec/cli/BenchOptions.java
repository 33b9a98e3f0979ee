package dev.flashvec.cli;

import java.util.Locale;
import picocli.CommandLine.Option;

/** The options every {@code bench} subcommand shares: threads, how long to warm up and measure, repeats. */
final class BenchOptions {
    /** Most threads accepted; more would measure the scheduler, not the kernels. */
    static final int MAX_THREADS = 1024;
    private static final double MAX_SECONDS = 3600;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
            description = "Worker threads of the kernel and of the FMA peak measured with it (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "2",
            description = "Seconds of untimed calls first, so the JIT compiles the kernel (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "3",
            description = "Seconds of timed calls; the median time per call is reported (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "Measure N times (peak included), one JSON line per result each time (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--peak-seconds", paramLabel = "S", defaultValue = "0.5", hidden = true,
            description = "Warm-up and measuring seconds of the FMA peak that precedes each timing.")
    double peakSeconds;

    /** Checks the values; throws IllegalArgumentException (a user error) naming the first bad option. */
    void validate() {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("--threads must be between 1 and " + MAX_THREADS + " but was " + threads);
        }
        seconds("--warmup-seconds", warmupSeconds, true);
        seconds("--seconds", seconds, false);
        seconds("--peak-seconds", peakSeconds, false);
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be >= 1 but was " + repeat);
        }
    }

    private static void seconds(String option, double value, boolean zeroAllowed) {
        if (!(zeroAllowed ? value >= 0 : value > 0) || !(value <= MAX_SECONDS)) {
            throw new IllegalArgumentException(option + " must be " + (zeroAllowed ? ">= 0" : "> 0") + " and at most "
                    + (int) MAX_SECONDS + " but was " + value);
        }
    }

    /** Checks that a size option is at least 1. */
    static void positive(String option, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be >= 1 but was " + value);
        }
    }

    /**
     * Fails before allocating when the arrays a run needs would not fit in the heap, which would otherwise end
     * in an OutOfMemoryError halfway through.
     */
    static void checkHeap(String what, double bytes) {
        long max = Runtime.getRuntime().maxMemory();
        if (bytes > 0.9 * max) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s needs about %.0f MiB of heap but"
                    + " this JVM may use %d MiB; use smaller sizes or give the JVM more with -Xmx", what,
                    bytes / (1 << 20), max >> 20));
        }
    }
}
