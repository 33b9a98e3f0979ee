package dev.flashvec.cli;

import dev.flashvec.report.Json;
import dev.flashvec.report.JsonLine;
import dev.flashvec.simd.Simd;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The measuring loop {@code bench gemm} and {@code bench attention} share: check every implementation's
 * first result, then for each repeat measure the FMA peak and time every implementation, printing one JSON
 * line per result on stdout. Progress goes to stderr, so stdout stays machine-readable.
 */
final class BenchRunner {
    /**
     * One implementation to time.
     *
     * @param impl  its name in the JSON ({@code fused}, {@code materialized}, …)
     * @param call  one call, with all inputs and outputs prepared
     * @param check after a call: null if its result is right, else what is wrong
     */
    record Subject(String impl, Runnable call, Supplier<String> check) {}

    private final BenchOptions options;
    private final PrintWriter out, err;

    BenchRunner(BenchOptions options, PrintWriter out, PrintWriter err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs the measurement.
     *
     * @param bench        {@code gemm} or {@code attention}, for messages
     * @param flopsPerCall floating-point operations counted per call
     * @param subjects     the implementations, the engine's first
     * @param shape        a new JSON line holding the problem's fields, which this method completes
     * @return {@link Main#OK}, or {@link Main#CHECK_FAILED} when an implementation computed a wrong result
     */
    int run(String bench, double flopsPerCall, List<Subject> subjects, Supplier<JsonLine> shape) {
        for (Subject s : subjects) {
            progress("%s %s: one call, then a check of sampled results against float64", bench, s.impl());
            s.call().run();
            String problem = s.check().get();
            if (problem != null) {
                err.println("flashvec: bench " + bench + " " + s.impl() + " computed a wrong result, so no time is"
                        + " reported: " + problem);
                return Main.CHECK_FAILED;
            }
        }
        for (int run = 1; run <= options.repeat; run++) {
            FmaPeak.Result peak = peak();
            for (Subject s : subjects) {
                progress("%s %s: warm-up %s s, then timing %s s", bench, s.impl(), seconds(options.warmupSeconds),
                        seconds(options.seconds));
                CallTimer.Timing t = CallTimer.time(s.call(), options.warmupSeconds, options.seconds);
                double gflops = flopsPerCall / t.medianNanos();
                JsonLine line = shape.get().add("threads", options.threads).add("impl", s.impl())
                        .add("gflops", gflops, 4).add("peakGflops", peak.gflops(), 4)
                        .add("fractionOfPeak", gflops / peak.gflops(), 3).add("ms", t.medianNanos() / 1e6, 4)
                        .add("msMin", t.minNanos() / 1e6, 4).add("calls", t.calls());
                out.println(withBackend(line, peak).add("run", run));
                out.flush();
            }
        }
        return Main.OK;
    }

    /** Measures the FMA peak on this run's thread count, as {@code bench} does before every timing. */
    FmaPeak.Result peak() {
        progress("FMA peak on %s (%s)", options.threads + (options.threads == 1 ? " thread" : " threads"), Simd.description());
        return FmaPeak.measure(Simd.backend(), options.threads, options.peakSeconds, options.peakSeconds);
    }

    /** Adds which backend ran (and so which peak was measured: SIMD FMAs, or a scalar estimate). */
    static JsonLine withBackend(JsonLine line, FmaPeak.Result peak) {
        return line.add("backend", peak.backend().name()).add("vectorBits", peak.vectorBits());
    }

    void progress(String format, Object... args) {
        err.println("bench: " + String.format(Locale.ROOT, format, args));
        err.flush();
    }

    private static String seconds(double s) {
        return Json.number(s, 3);
    }
}
