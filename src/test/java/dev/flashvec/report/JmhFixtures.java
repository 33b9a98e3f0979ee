package dev.flashvec.report;

import java.util.Locale;
import java.util.StringJoiner;

/** Hand-written JMH JSON result files (the {@code -rf json} format) for the report tests. */
public final class JmhFixtures {
    private JmhFixtures() {}

    /** A record exactly as JMH 1.37 writes it (every member, pretty-printed), of the FMA peak on one thread. */
    public static final String REAL_PEAK_1_THREAD = """
            {
                "jmhVersion" : "1.37",
                "benchmark" : "dev.flashvec.bench.FmaPeakBenchmark.peak1Thread",
                "mode" : "thrpt",
                "threads" : 1,
                "forks" : 1,
                "jvm" : "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java",
                "jvmArgs" : [
                    "--add-modules=jdk.incubator.vector",
                    "--add-modules=jdk.incubator.vector"
                ],
                "jdkVersion" : "25.0.3",
                "vmName" : "OpenJDK 64-Bit Server VM",
                "vmVersion" : "25.0.3+9-LTS",
                "warmupIterations" : 3,
                "warmupTime" : "1 s",
                "warmupBatchSize" : 1,
                "measurementIterations" : 5,
                "measurementTime" : "1 s",
                "measurementBatchSize" : 1,
                "primaryMetric" : {
                    "score" : 1.1467061876161441E11,
                    "scoreError" : 5.036748439937553E9,
                    "scoreConfidence" : [
                        1.0963387032167685E11,
                        1.1970736720155197E11
                    ],
                    "scorePercentiles" : {
                        "0.0" : 1.1269469659872945E11,
                        "50.0" : 1.145647185251085E11,
                        "90.0" : 1.161536320670675E11,
                        "95.0" : 1.161536320670675E11,
                        "99.0" : 1.161536320670675E11,
                        "99.9" : 1.161536320670675E11,
                        "99.99" : 1.161536320670675E11,
                        "99.999" : 1.161536320670675E11,
                        "99.9999" : 1.161536320670675E11,
                        "100.0" : 1.161536320670675E11
                    },
                    "scoreUnit" : "ops/s",
                    "rawData" : [
                        [
                            1.161536320670675E11,
                            1.144457873578746E11,
                            1.1549425925929198E11,
                            1.145647185251085E11,
                            1.1269469659872945E11
                        ]
                    ]
                },
                "secondaryMetrics" : {
                }
            }""";

    /** Peak of two threads, 228.6 GFLOP/s. */
    public static final String PEAK_2_THREADS = """
            {"benchmark": "dev.flashvec.bench.FmaPeakBenchmark.peak2Threads", "mode": "thrpt", "threads": 2,
             "primaryMetric": {"score": 2.2857118727624503E11, "scoreError": 6.492147277602136E9, "scoreUnit": "ops/s"},
             "secondaryMetrics": {}}""";

    /** A GEMM record with its flops secondary metric (98.3 GFLOP/s), as JMH writes @AuxCounters. */
    public static final String GEMM_1024 = """
            {"benchmark": "dev.flashvec.bench.GemmBenchmark.multiply", "mode": "thrpt", "threads": 1,
             "params": {"backend": "VECTOR", "op": "NN", "size": "1024", "threads": "1"},
             "primaryMetric": {"score": 45.77901223693315, "scoreError": 5.186378989887961, "scoreUnit": "ops/s"},
             "secondaryMetrics": {"flops": {"score": 98309680200.40584, "scoreError": 11137664073.115154,
                                            "scoreUnit": "ops/s"}}}""";

    /** An AttentionBenchmark record (average time, ms/op). */
    public static String attention(int seq, int dim, int threads, boolean causal, String impl, double ms, double error) {
        return String.format(Locale.ROOT, """
                {"benchmark": "dev.flashvec.bench.AttentionBenchmark.forward", "mode": "avgt", "threads": 1,
                 "params": {"backend": "VECTOR", "causal": "%s", "dim": "%d", "heads": "8", "impl": "%s",
                            "seq": "%d", "threads": "%d"},
                 "primaryMetric": {"score": %s, "scoreError": %s, "scoreUnit": "ms/op"}, "secondaryMetrics": {}}""",
                causal, dim, impl, seq, threads, Double.toString(ms),
                Double.isNaN(error) ? "\"NaN\"" : Double.toString(error));
    }

    /** A GemmBenchmark record whose flops metric is {@code gflops}·1e9 ops/s. */
    public static String gemm(String size, String op, int threads, String backend, double gflops) {
        return String.format(Locale.ROOT, """
                {"benchmark": "dev.flashvec.bench.GemmBenchmark.multiply", "mode": "thrpt", "threads": 1,
                 "params": {"backend": "%s", "op": "%s", "size": "%s", "threads": "%d"},
                 "primaryMetric": {"score": 1.0, "scoreError": "NaN", "scoreUnit": "ops/s"},
                 "secondaryMetrics": {"flops": {"score": %s, "scoreError": %s, "scoreUnit": "ops/s"}}}""",
                backend, op, size, threads, Double.toString(gflops * 1e9), Double.toString(gflops * 1e9 * 0.02));
    }

    /**
     * Milliseconds per call for {@code gflops} GFLOP/s of attention with 8 heads at {@code seq} and {@code dim},
     * so that a fixture's expected chart values are round numbers.
     */
    public static double msFor(double gflops, int seq, int dim) {
        return 4.0 * 8 * seq * (double) seq * dim / (gflops * 1e6);
    }

    /** A JSON array of the given records. */
    public static String file(String... records) {
        StringJoiner j = new StringJoiner(",\n", "[\n", "\n]\n");
        for (String r : records) {
            j.add(r);
        }
        return j.toString();
    }

    /**
     * A sweep like a real run: fused and materialized attention at S = 512 … 4096 on 1 and 2 threads (D = 64),
     * the two FMA peaks, and GEMM results of two sizes, backends and ops. Fused on 1 thread runs at 50, 60, 70,
     * 80 GFLOP/s; everything else at other round numbers.
     */
    public static String sweep() {
        StringJoiner j = new StringJoiner(",\n", "[\n", "\n]\n");
        j.add(REAL_PEAK_1_THREAD).add(PEAK_2_THREADS);
        int[] seqs = {512, 1024, 2048, 4096};
        for (int threads = 1; threads <= 2; threads++) {
            for (String impl : new String[] {"fused", "materialized"}) {
                for (int s = 0; s < seqs.length; s++) {
                    double gflops = (impl.equals("fused") ? 50 + 10 * s : 20 + 2 * s) * threads;
                    double ms = msFor(gflops, seqs[s], 64);
                    j.add(attention(seqs[s], 64, threads, false, impl, ms, ms * 0.03));
                }
            }
        }
        for (String size : new String[] {"1024", "64x4096x64"}) {
            for (String op : new String[] {"NN", "NT"}) {
                j.add(gemm(size, op, 1, "VECTOR", size.equals("1024") ? 98 : 60));
                j.add(gemm(size, op, 1, "SCALAR", 12));
            }
        }
        return j.toString();
    }
}
