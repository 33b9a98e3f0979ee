package dev.flashvec.cli;

import dev.flashvec.io.AtomicFiles;
import dev.flashvec.report.BarChart;
import dev.flashvec.report.JmhCharts;
import dev.flashvec.report.JmhResult;
import dev.flashvec.report.JmhResults;
import dev.flashvec.report.LineChart;
import dev.flashvec.report.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code flashvec report}: an SVG chart from a JMH JSON result file. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draws an SVG chart from a JMH result file written with -rf json.",
            "--kind attention: GFLOP/s of AttentionBenchmark against the sequence length S on a log2 axis, one line"
                    + " per combination of the other parameters (dim, threads, causal, impl, …); GFLOP/s ="
                    + " 4·H·S²·D / time, counted as full for causal runs.",
            "--kind gemm: GFLOP/s of GemmBenchmark (its flops metric) as bars, one group per size and op.",
            "FmaPeakBenchmark results in the same file become a dashed peak line for each thread count shown."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Main.EXIT_0, Main.EXIT_2, Main.EXIT_3})
final class ReportCommand implements Callable<Integer> {
    /** Which benchmark to chart. */
    enum Kind { ATTENTION, GEMM }

    @Spec
    private CommandSpec spec;

    @Option(names = "--jmh", required = true, paramLabel = "RESULT.json", description = "JMH result file (-rf json).")
    private Path jmh;

    @Option(names = "--out", required = true, paramLabel = "CHART.svg", description = "Where to write the SVG chart.")
    private Path out;

    @Option(names = "--kind", paramLabel = "attention|gemm", defaultValue = "attention", converter = KindConverter.class,
            description = "Which results to chart (default: ${DEFAULT-VALUE}).")
    private Kind kind;

    @Option(names = "--title", paramLabel = "TEXT", description = "Chart title (default: says what is plotted).")
    private String title;

    @Override
    public Integer call() throws IOException {
        Path dir = out.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("cannot write " + out + ": directory " + dir + " does not exist");
        }
        if (Files.isDirectory(out)) {
            throw new IllegalArgumentException("cannot write " + out + ": it is a directory");
        }
        List<JmhResult> results = JmhResults.read(jmh);
        String benchmark = kind == Kind.ATTENTION ? JmhCharts.ATTENTION : JmhCharts.GEMM;
        if (JmhCharts.of(results, benchmark).isEmpty()) {
            String other = kind == Kind.ATTENTION ? JmhCharts.GEMM : JmhCharts.ATTENTION;
            String hint = JmhCharts.of(results, other).isEmpty() ? ""
                    : "; it has " + other + " results: use --kind " + (kind == Kind.ATTENTION ? "gemm" : "attention");
            throw new IllegalArgumentException(jmh + " has no " + benchmark + " results" + hint);
        }
        String svg;
        String summary;
        List<Rule> rules;
        try {
            if (kind == Kind.ATTENTION) {
                LineChart chart = JmhCharts.attention(results, title);
                int points = chart.series().stream().mapToInt(s -> s.points().size()).sum();
                summary = chart.series().size() + " series, " + points + " point" + (points == 1 ? "" : "s");
                rules = chart.rules();
                svg = chart.toSvg();
            } else {
                BarChart chart = JmhCharts.gemm(results, title);
                summary = chart.series().size() + " series, " + chart.categories().size() + " size"
                        + (chart.categories().size() == 1 ? "" : "s");
                rules = chart.rules();
                svg = chart.toSvg();
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(jmh + ": " + e.getMessage(), e);
        }
        AtomicFiles.writeString(out, svg);
        String peaks = rules.isEmpty() ? "no peak line (no FmaPeakBenchmark result for the thread counts shown)"
                : rules.size() + " peak line" + (rules.size() == 1 ? "" : "s");
        spec.commandLine().getOut().println("wrote " + out + ": " + summary + ", " + peaks);
        return Main.OK;
    }

    /** {@code attention} or {@code gemm}. */
    static final class KindConverter implements CommandLine.ITypeConverter<Kind> {
        @Override
        public Kind convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "attention" -> Kind.ATTENTION;
                case "gemm" -> Kind.GEMM;
                default -> throw new CommandLine.TypeConversionException("kind must be attention or gemm but was '"
                        + value + "'");
            };
        }
    }
}
