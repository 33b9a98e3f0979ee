package dev.flashvec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ChartsTest {
    /** Parses {@code svg} as XML (failing the test if it is not well-formed) and checks it is an SVG document. */
    static Document parseSvg(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        Element root = d.getDocumentElement();
        assertEquals("svg", root.getLocalName());
        assertEquals("http://www.w3.org/2000/svg", root.getNamespaceURI());
        return d;
    }

    static List<String> texts(Document d) {
        List<String> texts = new ArrayList<>();
        NodeList nodes = d.getElementsByTagNameNS("*", "text");
        for (int i = 0; i < nodes.getLength(); i++) {
            texts.add(nodes.item(i).getTextContent());
        }
        return texts;
    }

    @Test
    void attentionChartHasOneSeriesPerParameterCombinationAndThePeaks() throws Exception {
        LineChart chart = JmhCharts.attention(JmhResults.parse(JmhFixtures.sweep()), null);
        List<String> labels = chart.series().stream().map(LineChart.Series::label).toList();
        assertEquals(List.of("fused, 1 thread", "fused, 2 threads", "materialized, 1 thread",
                "materialized, 2 threads"), labels);
        assertEquals("B=1, D=64, H=8, non-causal, VECTOR backend", chart.subtitle());
        LineChart.Series fused1 = chart.series().get(0);
        assertEquals(List.of(512.0, 1024.0, 2048.0, 4096.0), fused1.points().stream().map(LineChart.Point::x).toList());
        double[] want = {50, 60, 70, 80};
        for (int i = 0; i < want.length; i++) {
            LineChart.Point p = fused1.points().get(i);
            assertEquals(want[i], p.y(), 1e-9);
            // 3% error in time gives a GFLOP/s interval of [y/1.03, y/0.97].
            assertEquals(want[i] / 1.03, p.low(), 1e-9);
            assertEquals(want[i] / 0.97, p.high(), 1e-9);
        }
        assertEquals(List.of("FMA peak, 1 thread: 115 GFLOP/s", "FMA peak, 2 threads: 229 GFLOP/s"),
                chart.rules().stream().map(Rule::label).toList());
        assertEquals(114.67061876161441, chart.rules().get(0).y(), 1e-9);
        assertEquals(228.57118727624503, chart.rules().get(1).y(), 1e-9);
        // Series that differ only in impl share a colour and differ in dash and marker.
        assertEquals(chart.series().get(0).style().color(), chart.series().get(2).style().color());
        assertTrue(chart.series().get(0).style().dash() != chart.series().get(2).style().dash());
        assertTrue(chart.series().get(0).style().color() != chart.series().get(1).style().color());

        Document svg = parseSvg(chart.toSvg());
        List<String> texts = texts(svg);
        for (String s : List.of("fused, 1 thread", "materialized, 2 threads", "FMA peak, 1 thread: 115 GFLOP/s",
                "FMA peak, 2 threads: 229 GFLOP/s", "512", "4096", "sequence length S = L (log scale)",
                "Attention forward: GFLOP/s by sequence length")) {
            assertTrue(texts.contains(s), () -> s + " in " + texts);
        }
        assertEquals(4, svg.getElementsByTagNameNS("*", "polyline").getLength());
    }

    @Test
    void onlyPeaksOfThreadCountsShownAreDrawn() {
        String file = JmhFixtures.file(JmhFixtures.REAL_PEAK_1_THREAD, JmhFixtures.PEAK_2_THREADS,
                JmhFixtures.attention(1024, 64, 2, false, "fused", 10, 0.1),
                JmhFixtures.attention(1024, 128, 2, true, "fused", 20, 0.1));
        LineChart chart = JmhCharts.attention(JmhResults.parse(file), "T");
        assertEquals(1, chart.rules().size());
        assertTrue(chart.rules().get(0).label().startsWith("FMA peak, 2 threads"));
        assertEquals(List.of("D=64, non-causal", "D=128, causal"),
                chart.series().stream().map(LineChart.Series::label).toList());
        assertEquals("T", chart.title());
    }

    @Test
    void aFileWithoutPeaksGivesAChartWithoutRules() throws Exception {
        LineChart chart = JmhCharts.attention(JmhResults.parse(JmhFixtures.file(
                JmhFixtures.attention(4096, 64, 1, false, "fused", JmhFixtures.msFor(100, 4096, 64), Double.NaN))), null);
        assertEquals(List.of(), chart.rules());
        assertEquals("fused", chart.series().get(0).label());
        assertEquals(100, chart.series().get(0).points().get(0).y(), 1e-9);
        parseSvg(chart.toSvg());
    }

    @Test
    void attentionErrorsNameTheProblem() {
        assertEquals("no AttentionBenchmark results (the file holds GemmBenchmark.multiply)",
                assertThrows(IllegalArgumentException.class, () -> JmhCharts.attention(
                        JmhResults.parse(JmhFixtures.file(JmhFixtures.GEMM_1024)), null)).getMessage());
        String twice = JmhFixtures.file(JmhFixtures.attention(1024, 64, 1, false, "fused", 10, 0.1),
                JmhFixtures.attention(1024, 64, 1, false, "fused", 11, 0.1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JmhCharts.attention(JmhResults.parse(twice),
                null)).getMessage().startsWith("two AttentionBenchmark results have seq=1024 and the same other"));
        String noSeq = "[{\"benchmark\": \"b.AttentionBenchmark.forward\", \"params\": {\"dim\": \"64\", \"heads\": \"8\"},"
                + " \"primaryMetric\": {\"score\": 1, \"scoreUnit\": \"ms/op\"}}]";
        assertEquals("AttentionBenchmark.forward result has no \"seq\" parameter (params: {dim=64, heads=8})",
                assertThrows(IllegalArgumentException.class, () -> JmhCharts.attention(JmhResults.parse(noSeq), null))
                        .getMessage());
        String badSeq = noSeq.replace("\"dim\": \"64\"", "\"seq\": \"-4\", \"dim\": \"64\"");
        assertEquals("AttentionBenchmark.forward parameter seq=-4 is not a positive integer",
                assertThrows(IllegalArgumentException.class, () -> JmhCharts.attention(JmhResults.parse(badSeq), null))
                        .getMessage());
        String badUnit = noSeq.replace("\"dim\": \"64\"", "\"seq\": \"4\", \"dim\": \"64\"").replace("ms/op", "B/op");
        assertEquals("AttentionBenchmark.forward: unknown time unit 'B' in score unit 'B/op'",
                assertThrows(JsonException.class, () -> JmhCharts.attention(JmhResults.parse(badUnit), null))
                        .getMessage());
    }

    @Test
    void gemmChartGroupsBySizeAndOp() throws Exception {
        BarChart chart = JmhCharts.gemm(JmhResults.parse(JmhFixtures.sweep()), null);
        // Smaller problems (by m·n·k) first.
        assertEquals(List.of("64×4096×64\nNN", "64×4096×64\nNT", "1024³\nNN", "1024³\nNT"), chart.categories());
        assertEquals(List.of("SCALAR backend", "VECTOR backend"),
                chart.series().stream().map(BarChart.Bars::label).toList());
        assertEquals("1 thread", chart.subtitle());
        BarChart.Bars vector = chart.series().get(1);
        double[] want = {60, 60, 98, 98};
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], vector.bars().get(i).value(), 1e-9);
        }
        assertEquals(98 * 1.02, vector.bars().get(2).high(), 1e-9);
        assertEquals(1, chart.rules().size());
        Document svg = parseSvg(chart.toSvg());
        List<String> texts = texts(svg);
        for (String s : List.of("64×4096×64", "1024³", "NN", "NT", "VECTOR backend", "SCALAR backend", "98", "12",
                "FMA peak, 1 thread: 115 GFLOP/s")) {
            assertTrue(texts.contains(s), () -> s + " in " + texts);
        }
    }

    @Test
    void gemmWithoutFlopsMetricUsesTwoMnkPerCallAndOneOpGoesToTheSubtitle() {
        String file = "[{\"benchmark\": \"b.GemmBenchmark.multiply\", \"params\": {\"size\": \"2x3x4\", \"op\": \"NT\"},"
                + " \"primaryMetric\": {\"score\": 1e9, \"scoreUnit\": \"ops/s\"}}]";
        BarChart chart = JmhCharts.gemm(JmhResults.parse(file), null);
        assertEquals(List.of("2×3×4"), chart.categories());
        assertEquals(48, chart.series().get(0).bars().get(0).value(), 1e-9);
        assertEquals("C = A·Bᵀ", chart.subtitle());
        String bad = file.replace("2x3x4", "2x3");
        assertEquals("GemmBenchmark.multiply parameter size=2x3 is neither s nor MxNxK with positive integers",
                assertThrows(IllegalArgumentException.class, () -> JmhCharts.gemm(JmhResults.parse(bad), null))
                        .getMessage());
    }

    @Test
    void gemmSizesParse() {
        JmhResult r = JmhResults.parse(JmhFixtures.file(JmhFixtures.GEMM_1024)).get(0);
        assertEquals(List.of(7L, 7L, 7L), boxed(JmhCharts.gemmSize("7", r)));
        assertEquals(List.of(1L, 4096L, 64L), boxed(JmhCharts.gemmSize("1x4096X64", r)));
        assertEquals(List.of(2L, 3L, 4L), boxed(JmhCharts.gemmSize("2×3×4", r)));
        for (String bad : new String[] {"", "x", "0", "1x2x3x4", "axbxc", "-1", "99999999999"}) {
            assertThrows(IllegalArgumentException.class, () -> JmhCharts.gemmSize(bad, r), bad);
        }
    }

    private static List<Long> boxed(long[] a) {
        return Arrays.stream(a).boxed().toList();
    }

    @Test
    void textIsEscapedSoTheSvgStaysWellFormed() throws Exception {
        String title = "<b>&\"it's\"</b>\u0001\ud800 😀";
        LineChart chart = new LineChart(title, "a < b", "x & y", "y", List.of(new LineChart.Series("s<1>",
                new SeriesStyle(0, 0, 0), List.of(new LineChart.Point(1, 2, 1, 3, "t&t")))),
                List.of(new Rule("r>", 5)));
        Document d = parseSvg(chart.toSvg());
        List<String> texts = texts(d);
        assertTrue(texts.contains("<b>&\"it's\"</b>\uFFFD\uFFFD 😀"), texts::toString);
        assertTrue(texts.contains("s<1>"), texts::toString);
        assertTrue(texts.contains("r>"), texts::toString);
        BarChart bars = new BarChart(title, "", "y", List.of("a&b\nc<d"), List.of(new BarChart.Bars("q\"",
                new SeriesStyle(1, 0, 0), Arrays.asList((BarChart.Bar) null))), List.of());
        assertTrue(texts(parseSvg(bars.toSvg())).containsAll(List.of("a&b", "c<d", "q\"")));
    }

    @Test
    void everyMarkerAndDashIsValidSvg() throws Exception {
        List<LineChart.Series> series = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            series.add(new LineChart.Series("s" + i, new SeriesStyle(i, i, i), List.of(
                    new LineChart.Point(1 << i, i, i, Double.POSITIVE_INFINITY, "p"),
                    new LineChart.Point(1 << (i + 12), i + 1, i, i + 2, "q"))));
        }
        Document d = parseSvg(new LineChart("t", "", "x", "y", series, List.of()).toSvg());
        assertEquals(9, d.getElementsByTagNameNS("*", "polyline").getLength());
        // Long x ranges label every other power of two, with K suffixes past 65536.
        List<String> texts = texts(d);
        assertTrue(texts.contains("1M"), texts::toString);
        // (odd powers such as 32 and 128 are skipped; small numbers would be ambiguous with the y ticks)
        assertFalse(texts.contains("32") || texts.contains("128"), texts::toString);
    }

    @Test
    void aWideErrorBarIsClippedInsteadOfStretchingTheAxis() throws Exception {
        LineChart chart = new LineChart("t", "", "x", "y", List.of(new LineChart.Series("s", new SeriesStyle(0, 0, 0),
                List.of(new LineChart.Point(1024, 90, 20, 2500, "p"), new LineChart.Point(2048, 95, 90, 100, "q")))),
                List.of());
        List<String> texts = texts(parseSvg(chart.toSvg()));
        assertTrue(texts.contains("100") && !texts.contains("500") && !texts.contains("2500"), texts::toString);
    }

    @Test
    void ticksAreRoundNumbers() {
        assertEquals("[0, 25, 50, 75, 100, 125]", ticks(119.3));
        assertEquals("[0, 20, 40, 60, 80, 100]", ticks(98));
        assertEquals("[0, 0.25, 0.5, 0.75, 1, 1.25]", ticks(1.04));
        assertEquals("[0, 50, 100, 150, 200, 250]", ticks(238));
        assertEquals("[0, 0.2, 0.4, 0.6, 0.8, 1]", ticks(1));
        assertEquals("[0, 2000, 4000, 6000, 8000, 10000]", ticks(9000));
        assertEquals("[0, 0.0005, 0.001, 0.0015, 0.002, 0.0025]", ticks(0.0025));
        assertEquals(Map.of(3, "8", 17, "128K", 20, "1M", 30, "1G"), Map.of(3, LineChart.powerOfTwoLabel(3),
                17, LineChart.powerOfTwoLabel(17), 20, LineChart.powerOfTwoLabel(20), 30, LineChart.powerOfTwoLabel(30)));
    }

    private static String ticks(double max) {
        return Arrays.stream(ChartFrame.ticks(max)).map(BigDecimal::toPlainString).toList().toString();
    }

    @Test
    void modelsRejectWhatCannotBeDrawn() {
        SeriesStyle s = new SeriesStyle(0, 0, 0);
        assertThrows(IllegalArgumentException.class, () -> new LineChart.Point(0, 1, 1, 1, ""));
        assertThrows(IllegalArgumentException.class, () -> new LineChart.Point(1, Double.NaN, 1, 1, ""));
        assertThrows(IllegalArgumentException.class, () -> new LineChart("t", "", "x", "y",
                List.of(new LineChart.Series("a", s, List.of())), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new BarChart.Bar(-1, 0, 0, ""));
        assertThrows(IllegalArgumentException.class, () -> new BarChart("t", "", "y", List.of("a", "b"),
                List.of(new BarChart.Bars("a", s, List.of(new BarChart.Bar(1, 1, 1, "")))), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new SeriesStyle(-1, 0, 0));
    }
}
