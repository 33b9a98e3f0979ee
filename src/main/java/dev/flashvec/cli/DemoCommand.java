package dev.flashvec.cli;

import dev.flashvec.parallel.ComputePool;
import dev.flashvec.simd.Simd;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code flashvec demo}: what attention computes, on six tokens small enough to print, then why computing
 * it fused matters, on sequences too long for an {@code n × n} score matrix to be cheap.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Shows attention on six tokens, then fused vs materialized attention as n grows.",
            "Part 1 prints the scores, softmax weights and outputs of six tokens as tables. Part 2 times the fused"
                    + " kernel against a materialized implementation for growing sequence lengths n (one head, D=64,"
                    + " one thread) and reports the heap each allocates. Takes about half a minute."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Main.EXIT_0, Main.EXIT_2, Main.EXIT_3})
final class DemoCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--max-n", hidden = true, defaultValue = "32768",
            description = "Largest n of the scaling run (powers of two from 256; below 256 skips it).")
    private int maxN;

    @Option(names = "--materialized-budget-mib", hidden = true, defaultValue = "1024",
            description = "Largest n×n score matrix, in MiB, that the materialized side may allocate.")
    private double budgetMib;

    @Option(names = "--time-budget", hidden = true, defaultValue = "25",
            description = "Seconds the scaling run may take; sizes predicted to overrun it are skipped.")
    private double timeBudget;

    @Override
    public Integer call() {
        if (!(budgetMib >= 0) || !(timeBudget > 0)) {
            throw new IllegalArgumentException("--materialized-budget-mib must be >= 0 and --time-budget > 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("flashvec demo: " + Simd.description());
        out.println();
        // One thread throughout: the scaling run measures allocation on the calling thread, which is then
        // the only thread doing any work.
        try (ComputePool pool = ComputePool.create(1)) {
            SixTokenDemo.print(out, EngineOptions.engine(pool));
            new ScalingDemo(out, EngineOptions.engine(pool), maxN, (long) Math.min(Long.MAX_VALUE, budgetMib * (1 << 20)),
                    timeBudget).run();
        }
        return Main.OK;
    }
}
