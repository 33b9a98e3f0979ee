package dev.flashvec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.attention.Attention;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.simd.Simd;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DemoCommandTest {
    @Test
    void sixTokenTablesComeFromTheEngine() {
        SixTokenDemo.Tables t;
        try (ComputePool pool = ComputePool.create(1)) {
            t = SixTokenDemo.compute(Attention.create(Simd.backend(), pool));
        }
        int n = SixTokenDemo.TOKENS.length, d = SixTokenDemo.DIMS.length;
        for (int i = 0; i < n; i++) {
            assertEquals(1.0, Arrays.stream(t.weights()[i]).sum(), 1e-6, "weights from the LSE sum to 1");
            for (int k = 0; k < d; k++) {
                double o = 0;
                for (int j = 0; j < n; j++) {
                    o += t.weights()[i][j] * SixTokenDemo.EMBEDDINGS[j][k];
                }
                assertEquals(o, t.output()[i][k], 1e-5, "the engine's output is the LSE weights times V");
            }
        }
    }

    @Test
    void demoPrintsAlignedTablesAndCanSkipTheScalingRun() {
        Cli.Run run = Cli.run("demo", "--max-n", "0");
        assertEquals(Main.OK, run.code(), run::toString);
        assertTrue(run.out().contains("我爱人工智能"), run::toString);
        assertTrue(run.out().contains("skipped: --max-n 0"), run::toString);
        assertTrue(run.out().contains("Strongest link of each query: 我→我"), run::toString);
        String[] rows = run.out().lines().filter(l -> l.startsWith("     能")).toArray(String[]::new);
        assertEquals(4, rows.length, "one 能 row per table");
        String[] weights = run.out().lines().dropWhile(l -> !l.contains("Softmax weights")).skip(2).limit(6)
                .toArray(String[]::new);
        for (String row : weights) {
            assertTrue(row.endsWith("1.000"), row);
        }
        // Aligned: every row of a table has the same display width as its header.
        String[] scores = run.out().lines().dropWhile(l -> !l.contains("Scaled scores")).skip(1).limit(7)
                .toArray(String[]::new);
        int[] widths = Arrays.stream(scores).mapToInt(TextTable::displayWidth).toArray();
        int[] same = new int[widths.length];
        Arrays.fill(same, widths[0]);
        assertArrayEquals(same, widths, String.join("\n", scores));
    }

    @Test
    void scalingRunReportsBothSidesAndSkipsOverBudget() {
        Cli.Run run = Cli.run("demo", "--max-n", "512", "--materialized-budget-mib", "0.5");
        assertEquals(Main.OK, run.code(), run::toString);
        String out = run.out();
        assertTrue(out.contains("JIT warm-up"), out);
        String n256 = line(out, "   n=256 ");
        assertTrue(n256.matches(".*fused +[0-9.]+ (µs|ms|s) +[0-9.]+ (B|KiB|MiB)  \\|  materialized +[0-9.]+ (µs|ms|s) .*"),
                n256);
        assertTrue(line(out, "   n=512 ").contains("materialized skipped: its 1.0 MiB score matrix exceeds the 512 KiB"
                + " memory budget"), out);
        assertTrue(line(out, "   512 ").contains("skipped"), out);
        assertTrue(out.contains("ThreadMXBean.getThreadAllocatedBytes"), out);
    }

    @Test
    void sizesPredictedToOverrunTheTimeBudgetAreSkipped() {
        Cli.Run run = Cli.run("demo", "--max-n", "512", "--time-budget", "1e-6");
        assertEquals(Main.OK, run.code(), run::toString);
        assertTrue(line(run.out(), "   n=512 ").contains("fused skipped: would take"), run::toString);
    }

    @Test
    void invalidBudgetsAreUserErrors() {
        Cli.Run run = Cli.run("demo", "--time-budget", "0");
        assertEquals(Main.USER_ERROR, run.code(), run::toString);
        assertEquals(1, run.err().lines().count(), run::toString);
    }

    private static String line(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(
                "no line starting with '" + prefix + "' in\n" + text));
    }
}
