package dev.flashvec.cli;

import dev.flashvec.report.JsonLine;
import dev.flashvec.simd.Simd;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code flashvec bench peak}: the FP32 FMA peak this JVM reaches on T threads. */
@Command(name = "peak", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures the FP32 fused-multiply-add peak on T threads: the ceiling of every kernel.",
            "Each thread runs 16 independent FMA chains in one loop: FloatVectors of the kernels' width on the"
                    + " VECTOR backend, or Math.fma on floats on the SCALAR backend (then \"backend\":\"SCALAR\" says"
                    + " the peak is a scalar estimate). The threads warm up for --warmup-seconds, then run together"
                    + " for --seconds; gflops is the sum of their rates.",
            "Output, one line per repeat: {\"bench\":\"peak\",\"threads\":T,\"gflops\":…,\"gflopsPerThread\":…,"
                    + "\"backend\":…,\"vectorBits\":…,\"seconds\":…,\"run\":…}"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Main.EXIT_0, Main.EXIT_2, Main.EXIT_3})
final class BenchPeakCommand implements Callable<Integer> {
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
            runner.progress("FMA peak on %d thread%s for %s s after %s s of warm-up (%s)", bench.threads,
                    bench.threads == 1 ? "" : "s", bench.seconds, bench.warmupSeconds, Simd.description());
            FmaPeak.Result peak = FmaPeak.measure(Simd.backend(), bench.threads, bench.warmupSeconds, bench.seconds);
            JsonLine line = new JsonLine().add("bench", "peak").add("threads", bench.threads)
                    .add("gflops", peak.gflops(), 4).add("gflopsPerThread", peak.gflops() / bench.threads, 4);
            out.println(BenchRunner.withBackend(line, peak).add("seconds", peak.seconds(), 4).add("run", run));
            out.flush();
        }
        return Main.OK;
    }
}
