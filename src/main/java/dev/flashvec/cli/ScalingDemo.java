package dev.flashvec.cli;

import dev.flashvec.attention.Attention;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.baseline.MaterializedAttention;
import dev.flashvec.gemm.Gemm;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Part two of the demo: time and heap allocation of the fused kernel against a materialized implementation
 * (full {@code n × n} score matrix) for growing sequence lengths, one head, {@code D = 64}, one thread.
 *
 * <p>Memory is measured as the heap bytes the calling thread allocates during one call
 * ({@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}); with a one-thread pool the calling
 * thread does all the work, so that is all the call allocates. The fused output is allocated beforehand, so its
 * number is the call's own working memory. Sizes whose score matrix would exceed the memory
 * budget, or that would overrun the time budget judging by the previous size (time grows as n²), are skipped
 * and the table says so.
 */
final class ScalingDemo {
    private static final int D = 64;
    private static final int FIRST_N = 256;
    /** Small inputs run repeatedly until this much time has passed, so that the minimum is a stable figure. */
    private static final double REPEAT_SECONDS = 0.2;
    private static final int MAX_REPEATS = 20;
    private static final double WARMUP_SECONDS = 2.0;
    private static final int WARMUP_MAX_N = 2048;

    private final PrintWriter out;
    private final Attention fused;
    private final int maxN;
    private final long budgetBytes;
    private final double timeBudget;
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    ScalingDemo(PrintWriter out, Attention fused, int maxN, long budgetBytes, double timeBudget) {
        this.out = out;
        this.fused = fused;
        this.maxN = maxN;
        this.budgetBytes = budgetBytes;
        this.timeBudget = timeBudget;
    }

    /** One implementation under test: computes {@code out} from q, k, v. */
    private interface Side {
        void run(Tensor q, Tensor k, Tensor v, Tensor out);
    }

    /** What one side did at one n: best time, allocated bytes, or why it did not run. */
    private record Measurement(double seconds, long allocated, String skipped) {
        static Measurement skip(String why) {
            return new Measurement(Double.NaN, -1, why);
        }
    }

    void run() {
        out.println("2. Fused vs materialized attention as n grows: n queries × n keys, one head, D=" + D + ", one thread");
        if (maxN < FIRST_N) {
            out.println("   (skipped: --max-n " + maxN + " is below " + FIRST_N + ")");
            return;
        }
        // A budget the heap cannot hold would end the demo with an OutOfMemoryError: stay well inside it.
        long budget = Math.min(budgetBytes, Runtime.getRuntime().maxMemory() / 4);
        if (budget < budgetBytes) {
            out.println("   (materialized budget lowered to " + bytes(budget) + ", a quarter of the maximum heap)");
        }
        Side fusedSide = (q, k, v, o) -> fused.forward(q, k, v, AttentionOptions.defaults(), o, null);
        Side materialized = materializedSide();
        long start = System.nanoTime();
        warmUp(fusedSide, materialized);
        out.printf(Locale.ROOT, "   JIT warm-up: %.1f s%n", seconds(start));
        TextTable table = new TextTable("n", "fused time", "fused alloc", "materialized time", "materialized alloc",
                "n×n scores", "max |Δ|");
        Measurement lastFused = null, lastMaterialized = null;
        for (int n = FIRST_N; n <= maxN && n > 0; n *= 2) {
            Random r = new Random(n);
            Tensor q = random(r, n), k = random(r, n), v = random(r, n);
            Tensor fo = Tensor.zeros(1, 1, n, D), mo = Tensor.zeros(1, 1, n, D);
            out.printf(Locale.ROOT, "   n=%-5d fused ", n);
            out.flush();
            Measurement f = measure(fusedSide, q, k, v, fo, lastFused, start);
            out.print(describe(f) + "  |  materialized ");
            out.flush();
            long matrix = 4L * n * n;
            Measurement m = matrix > budget
                    ? Measurement.skip("skipped: its " + bytes(matrix) + " score matrix exceeds the " + bytes(budget)
                            + " memory budget")
                    : measure(materialized, q, k, v, mo, lastMaterialized, start);
            out.println(describe(m));
            boolean both = f.skipped() == null && m.skipped() == null;
            String delta = both ? String.format(Locale.ROOT, "%.1e", maxDiff(fo, mo)) : "";
            table.row(Integer.toString(n), time(f), alloc(f), time(m), alloc(m), bytes(matrix), delta);
            lastFused = f.skipped() == null ? f : lastFused;
            lastMaterialized = m.skipped() == null ? m : lastMaterialized;
        }
        out.println();
        table.lines("   ").forEach(out::println);
        out.println();
        out.println("   time: best of up to " + MAX_REPEATS + " calls (a single call for large n).");
        out.println("   alloc: heap bytes allocated by the calling thread during one call (ThreadMXBean.getThreadAllocatedBytes;");
        out.println("   with one thread it does all the work). The fused output is preallocated, the materialized side");
        out.println("   allocates its own (n·D floats). The fused kernel streams K/V tiles through an online softmax and");
        out.println("   needs only per-tile scratch; the materialized one stores all n×n scores, so its memory grows as n².");
        out.println("   max |Δ|: largest difference between the two outputs.");
    }

    /** Our own SGEMM → softmax → SGEMM, on the same backend and pool as the fused side. */
    private Side materializedSide() {
        MaterializedAttention m = MaterializedAttention.create(Gemm.create(fused.backend(), fused.pool()));
        return (q, k, v, o) -> {
            Tensor r = m.forward(q, k, v, CausalAlignment.NONE);
            // Both outputs are dense BHSD [1, 1, n, D]: copy so the two sides are compared the same way.
            System.arraycopy(r.array(), r.offset(), o.array(), o.offset(), (int) r.elementCount());
        };
    }

    /**
     * Runs both sides on the smaller sizes, round after round, until the warm-up time (at most a fifth of the
     * time budget) is up. Every size takes part because the matrix products choose different blockings and loop
     * tails by shape, and a path that C2 has not compiled yet runs vector code interpreted, boxing every vector
     * on the heap: slow, and fatal to the allocation figures.
     */
    private void warmUp(Side... sides) {
        List<Tensor[]> inputs = new ArrayList<>();
        Random r = new Random(1);
        for (int n = FIRST_N; n <= Math.min(maxN, WARMUP_MAX_N); n *= 2) {
            inputs.add(new Tensor[] {random(r, n), random(r, n), random(r, n), Tensor.zeros(1, 1, n, D)});
        }
        long start = System.nanoTime();
        do {
            for (Tensor[] in : inputs) {
                for (Side s : sides) {
                    s.run(in[0], in[1], in[2], in[3]);
                }
            }
        } while (seconds(start) < Math.min(WARMUP_SECONDS, timeBudget / 5));
    }

    private Measurement measure(Side side, Tensor q, Tensor k, Tensor v, Tensor o, Measurement previous, long start) {
        if (previous != null) {
            // Work grows as n²: predict this size from the last one and keep the whole run within the budget.
            double predicted = 4 * previous.seconds();
            double left = timeBudget - seconds(start);
            if (predicted > left) {
                return Measurement.skip(String.format(Locale.ROOT, "skipped: would take ~%.0f s, over the time budget",
                        predicted));
            }
        }
        double best = Double.POSITIVE_INFINITY;
        long allocated = Long.MAX_VALUE;
        long begin = System.nanoTime();
        for (int i = 0; i < MAX_REPEATS && (i == 0 || seconds(begin) < REPEAT_SECONDS); i++) {
            long bytes0 = threads.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            side.run(q, k, v, o);
            long t1 = System.nanoTime();
            long bytes1 = threads.getCurrentThreadAllocatedBytes();
            best = Math.min(best, (t1 - t0) / 1e9);
            allocated = Math.min(allocated, bytes1 - bytes0);
        }
        return new Measurement(best, allocated, null);
    }

    private static Tensor random(Random r, int n) {
        float[] data = new float[n * D];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) r.nextGaussian();
        }
        return Tensor.wrap(data, Layout.BHSD, 1, 1, n, D);
    }

    private static double maxDiff(Tensor a, Tensor b) {
        float[] x = a.toArray(), y = b.toArray();
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Math.abs(x[i] - y[i]));
        }
        return max;
    }

    /** A progress-line entry: fixed widths, so that the lines printed as sizes finish line up. */
    private static String describe(Measurement m) {
        return m.skipped() != null ? m.skipped() : String.format(Locale.ROOT, "%9s %9s", time(m), alloc(m));
    }

    private static String time(Measurement m) {
        if (m.skipped() != null) {
            return "skipped";
        }
        double s = m.seconds();
        return s < 1e-3 ? String.format(Locale.ROOT, "%.0f µs", s * 1e6)
                : s < 1 ? String.format(Locale.ROOT, "%.1f ms", s * 1e3) : String.format(Locale.ROOT, "%.2f s", s);
    }

    private static String alloc(Measurement m) {
        return m.skipped() != null ? "" : bytes(m.allocated());
    }

    /** Bytes in B, KiB, MiB or GiB. */
    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

}
