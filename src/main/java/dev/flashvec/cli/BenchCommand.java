package dev.flashvec.cli;

import picocli.CommandLine.Command;

/**
 * {@code flashvec bench}: a number without learning JMH. Its subcommands time the FMA peak, the memory
 * bandwidth, a GEMM, attention or KV-cache decoding in this JVM and print one JSON object per result line on
 * stdout. Not {@link Runnable}, so that picocli reports a missing subcommand as a user error.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        subcommands = {BenchPeakCommand.class, BenchGemmCommand.class, BenchAttentionCommand.class,
            BenchBandwidthCommand.class, BenchDecodeCommand.class},
        description = {"Times a kernel in this JVM and prints one JSON object per result line on stdout.",
            "Each subcommand warms up (so the JIT compiles the code), then times repeated calls and reports the median"
                    + " time per call, GFLOP/s, and the fraction of the FP32 FMA peak that the same process measures"
                    + " right before on the same number of threads. Every implementation's first result is checked"
                    + " against float64 on sampled entries before it is timed. Progress goes to stderr.",
            "For careful measurements (forks, error bars) use the JMH benchmarks in jmh/; see README."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Main.EXIT_0, BenchCommand.EXIT_1, Main.EXIT_2,
            Main.EXIT_3})
final class BenchCommand {
    static final String EXIT_1 = "1:an implementation computed a wrong result (nothing is reported for it)";
}
