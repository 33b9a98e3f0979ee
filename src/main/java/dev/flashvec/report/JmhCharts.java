package dev.flashvec.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns flashvec's JMH results into charts: attention GFLOP/s against the sequence length
 * ({@code AttentionBenchmark}, a {@link LineChart}) and GEMM GFLOP/s per problem size ({@code GemmBenchmark}, a
 * {@link BarChart}), each with the FMA peak ({@code FmaPeakBenchmark} of the same file) as a horizontal rule
 * for every thread count the chart shows.
 *
 * <p>Benchmarks are recognised by their class's simple name, so a renamed package still works. Attention
 * FLOPs are {@code 4·B·H·S²·D} per call (B from a {@code batch} parameter, else 1), counted as the full square
 * for causal runs too, as {@code AttentionBenchmark} documents; GEMM FLOPs are the benchmark's {@code flops}
 * secondary metric, or {@code 2·m·n·k} times the calls per second when it is missing. A peak is the FMA
 * benchmark's score in operations (= floating-point operations) per second, at its JMH thread count.
 */
public final class JmhCharts {
    /** Simple class names of the benchmarks this class reads. */
    public static final String ATTENTION = "AttentionBenchmark", GEMM = "GemmBenchmark", PEAK = "FmaPeakBenchmark";

    private JmhCharts() {}

    /** Results of the benchmark class {@code simpleName}, in file order. */
    public static List<JmhResult> of(List<JmhResult> results, String simpleName) {
        return results.stream().filter(r -> r.className().equals(simpleName)).toList();
    }

    /**
     * The attention line chart: one series per combination of parameters other than {@code seq}.
     *
     * @param title the heading, or null for a default
     * @throws IllegalArgumentException if there is no attention result or one lacks seq, dim or heads
     */
    public static LineChart attention(List<JmhResult> results, String title) {
        List<JmhResult> attention = of(results, ATTENTION);
        if (attention.isEmpty()) {
            throw new IllegalArgumentException("no " + ATTENTION + " results" + found(results));
        }
        Map<Map<String, String>, List<LineChart.Point>> bySeries = new TreeMap<>(SERIES_ORDER);
        Map<Map<String, String>, Set<Integer>> seqs = new LinkedHashMap<>();
        Set<Integer> threads = new LinkedHashSet<>();
        for (JmhResult r : attention) {
            int seq = intParam(r, "seq"), dim = intParam(r, "dim"), heads = intParam(r, "heads");
            int batch = r.param("batch") != null ? intParam(r, "batch") : 1;
            double flops = 4.0 * batch * heads * (double) seq * seq * dim;
            Rate gflops = rate(r, r.primary()).times(flops / 1e9);
            Map<String, String> key = new LinkedHashMap<>(r.params());
            key.remove("seq");
            if (!seqs.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(seq)) {
                throw new IllegalArgumentException("two " + ATTENTION + " results have seq=" + seq + " and the same"
                        + " other parameters " + key);
            }
            threads.add(threadsOf(r));
            String tooltip = "S=" + seq + ": " + Json.number(gflops.perSecond(), 4) + " GFLOP/s ("
                    + Json.number(r.primary().score(), 4) + plusMinus(r.primary()) + " " + r.primary().unit() + ")";
            bySeries.computeIfAbsent(key, k -> new ArrayList<>()).add(
                    new LineChart.Point(seq, gflops.perSecond(), gflops.low(), gflops.high(), tooltip));
        }
        Labels labels = new Labels(bySeries.keySet());
        List<Map<String, String>> keys = new ArrayList<>(bySeries.keySet());
        List<LineChart.Series> series = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            Map<String, String> key = keys.get(i);
            String label = labels.label(key);
            List<LineChart.Point> points = bySeries.get(key).stream().map(p -> new LineChart.Point(p.x(), p.y(),
                    p.low(), p.high(), label + ", " + p.tooltip())).toList();
            series.add(new LineChart.Series(label, labels.style(key), points));
        }
        String subtitle = labels.common("B=1");
        return new LineChart(title != null ? title : "Attention forward: GFLOP/s by sequence length",
                subtitle, "sequence length S = L (log scale)", "GFLOP/s  (4·B·H·S²·D per call)", series,
                peaks(results, threads));
    }

    /**
     * The GEMM bar chart: one group per problem size (and op), one bar per combination of the other
     * parameters.
     *
     * @param title the heading, or null for a default
     * @throws IllegalArgumentException if there is no GEMM result or a size cannot be read
     */
    public static BarChart gemm(List<JmhResult> results, String title) {
        List<JmhResult> gemm = of(results, GEMM);
        if (gemm.isEmpty()) {
            throw new IllegalArgumentException("no " + GEMM + " results" + found(results));
        }
        Set<String> ops = new LinkedHashSet<>();
        for (JmhResult r : gemm) {
            ops.add(r.param("op") == null ? "" : r.param("op"));
        }
        boolean showOp = ops.size() > 1;
        Map<List<Object>, String> categories = new TreeMap<>(Comparator.<List<Object>>comparingLong(c -> (Long) c.get(0))
                .thenComparing(c -> (String) c.get(1)).thenComparing(c -> (String) c.get(2)));
        Map<Map<String, String>, Map<String, BarChart.Bar>> bySeries = new TreeMap<>(SERIES_ORDER);
        Set<Integer> threads = new LinkedHashSet<>();
        for (JmhResult r : gemm) {
            String size = r.param("size");
            if (size == null) {
                throw new IllegalArgumentException(r.shortName() + " result has no \"size\" parameter (params: "
                        + r.params() + ")");
            }
            long[] mnk = gemmSize(size, r);
            String op = r.param("op") == null ? "" : r.param("op");
            String category = sizeLabel(mnk) + (showOp ? "\n" + op : "");
            categories.put(List.of(mnk[0] * mnk[1] * mnk[2], size, op), category);
            JmhResult.Metric flopsMetric = r.secondary().get("flops");
            Rate gflops = flopsMetric != null ? rate(r, flopsMetric).times(1e-9)
                    : rate(r, r.primary()).times(2.0 * mnk[0] * mnk[1] * mnk[2] / 1e9);
            Map<String, String> key = new LinkedHashMap<>(r.params());
            key.remove("size");
            key.remove("op");
            threads.add(threadsOf(r));
            String tooltip = sizeLabel(mnk) + (op.isEmpty() ? "" : " " + op) + ": " + Json.number(gflops.perSecond(), 4)
                    + " GFLOP/s";
            BarChart.Bar bar = new BarChart.Bar(gflops.perSecond(), gflops.low(), gflops.high(), tooltip);
            if (bySeries.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(category, bar) != null) {
                throw new IllegalArgumentException("two " + GEMM + " results have size=" + size + ", op=" + op
                        + " and the same other parameters " + key);
            }
        }
        Labels labels = new Labels(bySeries.keySet());
        List<String> categoryLabels = new ArrayList<>(categories.values());
        List<BarChart.Bars> series = new ArrayList<>();
        int i = 0;
        for (Map.Entry<Map<String, String>, Map<String, BarChart.Bar>> e : bySeries.entrySet()) {
            String label = labels.label(e.getKey());
            List<BarChart.Bar> bars = new ArrayList<>();
            for (String c : categoryLabels) {
                BarChart.Bar b = e.getValue().get(c);
                bars.add(b == null ? null : new BarChart.Bar(b.value(), b.low(), b.high(), label + ", " + b.tooltip()));
            }
            series.add(new BarChart.Bars(label, new SeriesStyle(i++, 0, 0), bars));
        }
        String common = labels.common("");
        if (!showOp && !ops.iterator().next().isEmpty()) {
            String op = ops.iterator().next();
            String what = op.equals("NN") ? "C = A·B" : op.equals("NT") ? "C = A·Bᵀ" : "op " + op;
            common = common.isEmpty() ? what : what + ", " + common;
        }
        return new BarChart(title != null ? title : "SGEMM: GFLOP/s by problem size (M×N×K)", common,
                "GFLOP/s  (2·M·N·K per call)", categoryLabels, series, peaks(results, threads));
    }

    /**
     * Peak GFLOP/s by JMH thread count from the {@code FmaPeakBenchmark} results (the highest, when several
     * share a thread count).
     */
    public static Map<Integer, Double> peakGflops(List<JmhResult> results) {
        Map<Integer, Double> peaks = new TreeMap<>();
        for (JmhResult r : of(results, PEAK)) {
            double gflops = rate(r, r.primary()).perSecond() / 1e9;
            peaks.merge(r.threads(), gflops, Math::max);
        }
        return peaks;
    }

    /** A rule for every peak whose thread count the chart shows. */
    private static List<Rule> peaks(List<JmhResult> results, Set<Integer> threads) {
        List<Rule> rules = new ArrayList<>();
        for (Map.Entry<Integer, Double> p : peakGflops(results).entrySet()) {
            if (threads.contains(p.getKey())) {
                rules.add(new Rule("FMA peak, " + threadsLabel(p.getKey()) + ": " + Json.number(p.getValue(), 3)
                        + " GFLOP/s", p.getValue()));
            }
        }
        return rules;
    }

    private static Rate rate(JmhResult r, JmhResult.Metric m) {
        try {
            return Rate.of(m);
        } catch (JsonException e) {
            throw new JsonException(r.shortName() + ": " + e.getMessage());
        }
    }

    private static int threadsOf(JmhResult r) {
        return r.param("threads") != null ? intParam(r, "threads") : r.threads();
    }

    private static int intParam(JmhResult r, String name) {
        String v = r.param(name);
        if (v == null) {
            throw new IllegalArgumentException(r.shortName() + " result has no \"" + name + "\" parameter (params: "
                    + r.params() + ")");
        }
        try {
            int i = Integer.parseInt(v.strip());
            if (i >= 1) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(r.shortName() + " parameter " + name + "=" + v + " is not a positive integer");
    }

    /** {@code s} (a cube) or {@code MxNxK}. */
    static long[] gemmSize(String size, JmhResult r) {
        String[] parts = size.strip().toLowerCase(Locale.ROOT).split("[x×]", -1);
        if (parts.length == 1 || parts.length == 3) {
            try {
                long[] d = new long[3];
                for (int i = 0; i < 3; i++) {
                    d[i] = Long.parseLong(parts[parts.length == 3 ? i : 0].strip());
                    if (d[i] < 1 || d[i] > Integer.MAX_VALUE) {
                        throw new NumberFormatException();
                    }
                }
                return d;
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException(r.shortName() + " parameter size=" + size + " is neither s nor MxNxK"
                + " with positive integers");
    }

    private static String sizeLabel(long[] mnk) {
        return mnk[0] == mnk[1] && mnk[1] == mnk[2] ? mnk[0] + "³" : mnk[0] + "×" + mnk[1] + "×" + mnk[2];
    }

    private static String plusMinus(JmhResult.Metric m) {
        return Double.isFinite(m.error()) && m.error() > 0 ? " ± " + Json.number(m.error(), 2) : "";
    }

    private static String found(List<JmhResult> results) {
        Set<String> names = new LinkedHashSet<>();
        results.forEach(r -> names.add(r.shortName()));
        return names.isEmpty() ? " (the file holds no results)" : " (the file holds " + String.join(", ", names) + ")";
    }

    static String threadsLabel(int threads) {
        return threads + (threads == 1 ? " thread" : " threads");
    }

    /**
     * Series first by implementation ({@code fused} before the rest), then by their parameters in order,
     * numbers compared as numbers.
     */
    private static final Comparator<Map<String, String>> SERIES_ORDER = (a, b) -> {
        int c = Integer.compare(implRank(a.get("impl")), implRank(b.get("impl")));
        if (c != 0) {
            return c;
        }
        Set<String> names = new LinkedHashSet<>(a.keySet());
        names.addAll(b.keySet());
        for (String name : names) {
            c = compareValues(a.get(name), b.get(name));
            if (c != 0) {
                return c;
            }
        }
        // Values equal as numbers but written differently ("1", "1.0") still make different series.
        return a.toString().compareTo(b.toString());
    };

    private static int implRank(String impl) {
        return impl == null || impl.equals("fused") ? 0 : 1;
    }

    private static int compareValues(String a, String b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        try {
            return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }

    /**
     * Legend labels from the parameters that differ between series, a subtitle from those they share, and
     * styles: series that differ only in {@code impl} share a colour and differ in dash and marker.
     */
    private static final class Labels {
        private static final List<String> LABEL_ORDER = List.of("impl", "batch", "dim", "heads", "threads", "causal",
                "backend");
        private final List<String> varying = new ArrayList<>();
        private final Map<String, String> constant = new LinkedHashMap<>();
        private final List<Map<String, String>> colorKeys = new ArrayList<>();
        private final List<String> impls = new ArrayList<>();

        Labels(Set<Map<String, String>> keys) {
            Set<String> names = new LinkedHashSet<>();
            keys.forEach(k -> names.addAll(k.keySet()));
            // impl first, as it is what a reader compares first; then the shape, then how it ran.
            List<String> ordered = new ArrayList<>();
            for (String name : LABEL_ORDER) {
                if (names.remove(name)) {
                    ordered.add(name);
                }
            }
            ordered.addAll(names);
            for (String name : ordered) {
                Set<String> values = new LinkedHashSet<>();
                keys.forEach(k -> values.add(String.valueOf(k.get(name))));
                if (values.size() > 1) {
                    varying.add(name);
                } else {
                    constant.put(name, values.iterator().next());
                }
            }
            for (Map<String, String> k : keys) {
                Map<String, String> colorKey = new LinkedHashMap<>(k);
                colorKey.remove("impl");
                if (!colorKeys.contains(colorKey)) {
                    colorKeys.add(colorKey);
                }
                String impl = String.valueOf(k.get("impl"));
                if (!impls.contains(impl)) {
                    impls.add(impl);
                }
            }
        }

        String label(Map<String, String> key) {
            List<String> parts = new ArrayList<>();
            for (String name : varying) {
                parts.add(describe(name, key.get(name)));
            }
            if (parts.isEmpty()) {
                parts.add(key.containsKey("impl") ? key.get("impl") : "result");
            }
            return String.join(", ", parts);
        }

        SeriesStyle style(Map<String, String> key) {
            int impl = impls.indexOf(String.valueOf(key.get("impl")));
            if (colorKeys.size() == 1) {
                return new SeriesStyle(impl, impl, impl);
            }
            Map<String, String> colorKey = new LinkedHashMap<>(key);
            colorKey.remove("impl");
            return new SeriesStyle(colorKeys.indexOf(colorKey), impl, impl);
        }

        /** The shared parameters, described; {@code prefix} (if not empty) first. */
        String common(String prefix) {
            List<String> parts = new ArrayList<>();
            if (!prefix.isEmpty() && !constant.containsKey("batch") && !varying.contains("batch")) {
                parts.add(prefix);
            }
            constant.forEach((name, value) -> {
                if (!value.equals("null")) {
                    parts.add(describe(name, value));
                }
            });
            return String.join(", ", parts);
        }

        private static String describe(String name, String value) {
            if (value == null) {
                return name + " n/a";
            }
            return switch (name) {
                case "impl" -> value;
                case "threads" -> {
                    try {
                        yield threadsLabel(Integer.parseInt(value));
                    } catch (NumberFormatException e) {
                        yield "threads=" + value;
                    }
                }
                case "dim" -> "D=" + value;
                case "heads" -> "H=" + value;
                case "batch" -> "B=" + value;
                case "causal" -> value.equals("true") ? "causal" : value.equals("false") ? "non-causal" : "causal=" + value;
                case "backend" -> value + " backend";
                default -> name + "=" + value;
            };
        }
    }
}
