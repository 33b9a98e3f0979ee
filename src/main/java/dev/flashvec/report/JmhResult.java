package dev.flashvec.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One result of a JMH run as written by {@code -rf json}: which benchmark method ran with which parameters,
 * and its scores.
 *
 * @param benchmark fully qualified method name, e.g. {@code dev.flashvec.bench.AttentionBenchmark.forward}
 * @param mode      JMH mode: {@code thrpt}, {@code avgt}, {@code sample}, {@code ss}, or empty when not given
 * @param threads   JMH worker threads that ran the method together (1 when not given)
 * @param params    the {@code @Param} values, as strings
 * @param primary   the primary score
 * @param secondary secondary scores by name (such as {@code @AuxCounters} fields); may be empty
 */
public record JmhResult(String benchmark, String mode, int threads, Map<String, String> params, Metric primary,
                        Map<String, Metric> secondary) {
    /**
     * A score with its error and unit.
     *
     * @param score the score; NaN when JMH wrote {@code "NaN"}
     * @param error half-width of JMH's confidence interval (99.9% by default); NaN when unknown (one iteration)
     * @param unit  JMH's unit, such as {@code ms/op} or {@code ops/s}
     */
    public record Metric(double score, double error, String unit) {}

    /** Copies the maps, which keep their order. */
    public JmhResult {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        secondary = Collections.unmodifiableMap(new LinkedHashMap<>(secondary));
    }

    /** The benchmark class's simple name: {@code AttentionBenchmark}. */
    public String className() {
        int method = benchmark.lastIndexOf('.');
        String cls = method < 0 ? benchmark : benchmark.substring(0, method);
        return cls.substring(cls.lastIndexOf('.') + 1);
    }

    /** The benchmark method's name: {@code forward}. */
    public String method() {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /** {@code Class.method}, for messages. */
    public String shortName() {
        return className() + "." + method();
    }

    /** The parameter's value, or null when the benchmark has no such parameter. */
    public String param(String name) {
        return params.get(name);
    }
}
