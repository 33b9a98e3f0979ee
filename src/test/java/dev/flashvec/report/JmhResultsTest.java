package dev.flashvec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmhResultsTest {
    @TempDir
    Path dir;

    @Test
    void readsARealShapedRecord() {
        List<JmhResult> results = JmhResults.parse(JmhFixtures.file(JmhFixtures.REAL_PEAK_1_THREAD));
        assertEquals(1, results.size());
        JmhResult r = results.get(0);
        assertEquals("dev.flashvec.bench.FmaPeakBenchmark.peak1Thread", r.benchmark());
        assertEquals("FmaPeakBenchmark", r.className());
        assertEquals("peak1Thread", r.method());
        assertEquals("thrpt", r.mode());
        assertEquals(1, r.threads());
        assertEquals(Map.of(), r.params());
        assertEquals(new JmhResult.Metric(1.1467061876161441E11, 5.036748439937553E9, "ops/s"), r.primary());
        assertEquals(Map.of(), r.secondary());
    }

    @Test
    void readsParamsSecondaryMetricsAndNaN() {
        List<JmhResult> results = JmhResults.parse(JmhFixtures.file(JmhFixtures.GEMM_1024,
                JmhFixtures.attention(1024, 64, 2, true, "fused", 12.5, Double.NaN)));
        JmhResult gemm = results.get(0);
        assertEquals(Map.of("backend", "VECTOR", "op", "NN", "size", "1024", "threads", "1"), gemm.params());
        assertEquals(98309680200.40584, gemm.secondary().get("flops").score());
        JmhResult attention = results.get(1);
        assertEquals("2", attention.param("threads"));
        assertEquals("true", attention.param("causal"));
        assertEquals(12.5, attention.primary().score());
        assertTrue(Double.isNaN(attention.primary().error()));
        assertEquals("ms/op", attention.primary().unit());
    }

    @Test
    void acceptsNonFiniteScoresAsJmhWritesThemAndHandWrittenParams() {
        List<JmhResult> r = JmhResults.parse("""
                [{"benchmark": "a.B.c", "params": {"n": 3, "flag": true},
                  "primaryMetric": {"score": "+INF", "scoreError": "-INF", "scoreUnit": "ops/s"}}]""");
        assertEquals(Double.POSITIVE_INFINITY, r.get(0).primary().score());
        assertEquals(Double.NEGATIVE_INFINITY, r.get(0).primary().error());
        assertEquals(Map.of("n", "3", "flag", "true"), r.get(0).params());
        assertEquals(1, r.get(0).threads());
        assertEquals("", r.get(0).mode());
    }

    @Test
    void namesTheResultThatIsMalformed() {
        assertEquals("a JMH result file (written by -rf json) holds an array of results but this holds an object",
                assertThrows(JsonException.class, () -> JmhResults.parse("{}")).getMessage());
        assertEquals("result 2 must be an object but is a number",
                assertThrows(JsonException.class, () -> JmhResults.parse("[" + JmhFixtures.GEMM_1024 + ", 3]"))
                        .getMessage());
        assertEquals("result 1 (x.Y.z): missing \"primaryMetric\"", assertThrows(JsonException.class,
                () -> JmhResults.parse("[{\"benchmark\": \"x.Y.z\"}]")).getMessage());
        assertEquals("result 1: missing \"benchmark\"", assertThrows(JsonException.class,
                () -> JmhResults.parse("[{\"primaryMetric\": {}}]")).getMessage());
        assertEquals("result 1 (x.Y.z): primaryMetric: \"score\" must be a number (or \"NaN\", \"+INF\", \"-INF\") but"
                + " is the string \"fast\"", assertThrows(JsonException.class, () -> JmhResults.parse(
                "[{\"benchmark\": \"x.Y.z\", \"primaryMetric\": {\"score\": \"fast\", \"scoreUnit\": \"ops/s\"}}]"))
                .getMessage());
        assertEquals("result 1 (x.Y.z): \"threads\" must be a positive integer but is 1.5", assertThrows(
                JsonException.class, () -> JmhResults.parse("[{\"benchmark\": \"x.Y.z\", \"threads\": 1.5,"
                        + " \"primaryMetric\": {\"score\": 1, \"scoreUnit\": \"ops/s\"}}]")).getMessage());
        assertEquals("result 1 (x.Y.z): parameter \"p\" must be a string but is an array", assertThrows(
                JsonException.class, () -> JmhResults.parse("[{\"benchmark\": \"x.Y.z\", \"params\": {\"p\": []},"
                        + " \"primaryMetric\": {\"score\": 1, \"scoreUnit\": \"ops/s\"}}]")).getMessage());
    }

    @Test
    void readsFilesAndNamesThemInErrors() throws IOException {
        Path good = dir.resolve("good.json");
        Files.writeString(good, JmhFixtures.sweep());
        assertEquals(2 + 16 + 8, JmhResults.read(good).size());
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "[\n{\"benchmark\": 1,}\n]");
        JsonException e = assertThrows(JsonException.class, () -> JmhResults.read(bad));
        assertEquals(bad + ": line 2, column 17: expected a string key in the object starting at line 2, column 1"
                + " but found '}'", e.getMessage());
        Path binary = dir.resolve("binary.json");
        Files.write(binary, new byte[] {'[', (byte) 0xff, ']'});
        assertEquals(binary + ": not UTF-8 text, so not a JMH JSON result file",
                assertThrows(JsonException.class, () -> JmhResults.read(binary)).getMessage());
    }

    @Test
    void ratesConvertTimeAndThroughputUnits() {
        Rate ms = Rate.of(new JmhResult.Metric(4, 1, "ms/op"));
        assertEquals(250, ms.perSecond(), 1e-9);
        assertEquals(200, ms.low(), 1e-9);
        assertEquals(1000 / 3.0, ms.high(), 1e-9);
        assertEquals(1e6, Rate.of(new JmhResult.Metric(1, Double.NaN, "us/op")).perSecond(), 1e-6);
        assertEquals(2e9, Rate.of(new JmhResult.Metric(0.5, 0, "ns/op")).perSecond(), 1e-3);
        assertEquals(0.5, Rate.of(new JmhResult.Metric(2, 0, "s/op")).perSecond());
        Rate thrpt = Rate.of(new JmhResult.Metric(3, 1, "ops/ms"));
        assertEquals(3000, thrpt.perSecond(), 1e-9);
        assertEquals(2000, thrpt.low(), 1e-9);
        assertEquals(4000, thrpt.high(), 1e-9);
        assertEquals(Double.POSITIVE_INFINITY, Rate.of(new JmhResult.Metric(1, 2, "ms/op")).high());
        assertEquals(0, Rate.of(new JmhResult.Metric(1, 2, "ops/s")).low());
        assertEquals(6e-6, Rate.of(new JmhResult.Metric(3, 0, "ops/ms")).times(2e-9).perSecond(), 1e-15);
        assertEquals("unknown time unit 'B' in score unit 'B/op'",
                assertThrows(JsonException.class, () -> Rate.of(new JmhResult.Metric(1, 0, "B/op"))).getMessage());
        assertTrue(assertThrows(JsonException.class, () -> Rate.of(new JmhResult.Metric(1, 0, "#")))
                .getMessage().startsWith("score unit '#' is neither"));
    }
}
