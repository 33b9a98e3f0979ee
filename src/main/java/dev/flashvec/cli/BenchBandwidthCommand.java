package dev.flashvec.cli;

import dev.flashvec.report.JsonLine;
import dev.flashvec.simd.Simd;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code flashvec bench bandwidth}: the DRAM read bandwidth this JVM reaches on T threads. */
@Command(name = "bandwidth", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures the DRAM read bandwidth on T threads: the ceiling of decode attention.",
            "Each thread sums its own float array (256 MiB in all, far beyond the last-level cache) with full-width"
                    + " vector loads on the VECTOR backend, or scalar loads on the SCALAR backend. The threads warm up"
                    + " for --warmup-seconds, then run together for --seconds; gbPerSecond (10^9 bytes/s) is the sum of"
                    + " their rates.",
            "Output, one line per repeat: {\"bench\":\"bandwidth\",\"threads\":T,\"gbPerSecond\":…,"
                    + "\"gbPerSecondPerThread\":…,\"backend\":…,\"vectorBits\":…,\"seconds\":…,\"run\":…}"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Main.EXIT_0, Main.EXIT_2, Main.EXIT_3})
final class BenchBandwidthCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private BenchOptions bench;

    @Override
    public Integer call() {
        bench.validate();
        PrintWriter out = spec.commandLine().getOut();
        BenchRunner runner = new BenchRunner(bench, out, spec.commandLine().getErr());
        for (int run = 1; run <= bench.repeat; run++) {
            runner.progress("read bandwidth on %d thread%s for %s s after %s s of warm-up (%s)", bench.threads,
                    bench.threads == 1 ? "" : "s", bench.seconds, bench.warmupSeconds, Simd.description());
            MemoryBandwidth.Result r = MemoryBandwidth.measure(Simd.backend(), bench.threads, bench.warmupSeconds,
                    bench.seconds);
            out.println(new JsonLine().add("bench", "bandwidth").add("threads", bench.threads)
                    .add("gbPerSecond", r.gbPerSecond(), 4).add("gbPerSecondPerThread", r.gbPerSecond() / bench.threads, 4)
                    .add("backend", r.backend().name()).add("vectorBits", r.vectorBits())
                    .add("seconds", r.seconds(), 4).add("run", run));
            out.flush();
        }
        return Main.OK;
    }
}
