package dev.flashvec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.report.JmhFixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class ReportCommandTest {
    @TempDir
    Path dir;
    private Path sweep;

    @BeforeEach
    void fixture() throws IOException {
        sweep = dir.resolve("result.json");
        Files.writeString(sweep, JmhFixtures.sweep());
    }

    private static List<String> svgTexts(Path svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(Files.readAllBytes(svg)));
        assertEquals("svg", d.getDocumentElement().getLocalName());
        NodeList nodes = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            texts.add(nodes.item(i).getTextContent());
        }
        return texts;
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void drawsTheAttentionChart() throws Exception {
        Path out = dir.resolve("attention.svg");
        Cli.Run run = Cli.run("report", "--jmh", sweep.toString(), "--out", out.toString(), "--title", "Fused <vs> materialized");
        assertEquals(Main.OK, run.code(), run::toString);
        assertEquals("wrote " + out + ": 4 series, 16 points, 2 peak lines", run.out().strip());
        assertEquals("", run.err());
        List<String> texts = svgTexts(out);
        for (String s : List.of("Fused <vs> materialized", "fused, 1 thread", "fused, 2 threads", "materialized, 1 thread",
                "materialized, 2 threads", "FMA peak, 1 thread: 115 GFLOP/s", "FMA peak, 2 threads: 229 GFLOP/s")) {
            assertTrue(texts.contains(s), () -> s + " in " + texts);
        }
        assertEquals(List.of(out, sweep), files(), "no temporary file is left behind");
    }

    @Test
    void drawsTheGemmChartAndReplacesAnOldFile() throws Exception {
        Path out = dir.resolve("gemm.svg");
        Files.writeString(out, "old");
        Cli.Run run = Cli.run("report", "--kind", "gemm", "--jmh", sweep.toString(), "--out", out.toString());
        assertEquals(Main.OK, run.code(), run::toString);
        assertEquals("wrote " + out + ": 2 series, 4 sizes, 1 peak line", run.out().strip());
        assertTrue(svgTexts(out).containsAll(List.of("SGEMM: GFLOP/s by problem size (M×N×K)", "VECTOR backend",
                "1024³", "64×4096×64")));
        assertTrue(Files.readString(out, StandardCharsets.UTF_8).startsWith("<?xml"));
    }

    @Test
    void saysWhenThereIsNoPeakToDraw() throws IOException {
        Path only = dir.resolve("only.json");
        Files.writeString(only, JmhFixtures.file(JmhFixtures.attention(1024, 64, 1, false, "fused", 10, Double.NaN)));
        Cli.Run run = Cli.run("report", "--jmh", only.toString(), "--out", dir.resolve("o.svg").toString());
        assertEquals(Main.OK, run.code(), run::toString);
        assertTrue(run.out().contains("1 series, 1 point, no peak line"), run::toString);
    }

    @Test
    void userErrorsAreOneLine() throws IOException {
        Path out = dir.resolve("o.svg");
        Path gemmOnly = dir.resolve("gemm.json");
        Files.writeString(gemmOnly, JmhFixtures.file(JmhFixtures.GEMM_1024));
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "[{\"benchmark\": \"x\",]");
        Path noSize = dir.resolve("nosize.json");
        Files.writeString(noSize, "[{\"benchmark\": \"b.GemmBenchmark.multiply\", \"primaryMetric\": {\"score\": 1,"
                + " \"scoreUnit\": \"ops/s\"}}]");
        String[][] cases = {
            {"report", "--out", out.toString()},
            {"flashvec: Missing required option: '--jmh=RESULT.json' (see 'flashvec report --help')"},
            {"report", "--jmh", dir.resolve("missing.json").toString(), "--out", out.toString()},
            {"flashvec: " + dir.resolve("missing.json") + ": no such file"},
            {"report", "--jmh", broken.toString(), "--out", out.toString()},
            {"flashvec: " + broken + ": line 1, column 20: expected a string key in the object starting at line 1,"
                    + " column 2 but found ']'"},
            {"report", "--jmh", gemmOnly.toString(), "--out", out.toString()},
            {"flashvec: " + gemmOnly + " has no AttentionBenchmark results; it has GemmBenchmark results: use --kind gemm"},
            {"report", "--kind", "gemm", "--jmh", noSize.toString(), "--out", out.toString()},
            {"flashvec: " + noSize + ": GemmBenchmark.multiply result has no \"size\" parameter (params: {})"},
            {"report", "--kind", "pie", "--jmh", sweep.toString(), "--out", out.toString()},
            {"flashvec: Invalid value for option '--kind': kind must be attention or gemm but was 'pie'"
                    + " (see 'flashvec report --help')"},
            {"report", "--jmh", sweep.toString(), "--out", dir.resolve("no/such/dir/o.svg").toString()},
            {"flashvec: cannot write " + dir.resolve("no/such/dir/o.svg") + ": directory " + dir.resolve("no/such/dir")
                    + " does not exist"},
            {"report", "--jmh", sweep.toString(), "--out", dir.toString()},
            {"flashvec: cannot write " + dir + ": it is a directory"},
        };
        for (int i = 0; i < cases.length; i += 2) {
            Cli.Run run = Cli.run(cases[i]);
            assertEquals(Main.USER_ERROR, run.code(), run::toString);
            assertEquals(cases[i + 1][0], run.err().strip(), run::toString);
            assertEquals("", run.out(), run::toString);
        }
        assertFalse(Files.exists(out), "nothing written on error");
    }

    @Test
    void helpDescribesTheCharts() {
        Cli.Run help = Cli.run("report", "--help");
        assertEquals(Main.OK, help.code());
        assertTrue(help.out().startsWith("Usage: flashvec report"), help::toString);
        assertTrue(help.out().contains("--kind") && help.out().contains("FmaPeakBenchmark"), help::toString);
    }
}
