package dev.flashvec.cli;

import dev.flashvec.io.AtomicFiles;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.tensor.Npy;
import dev.flashvec.tensor.NpyArray;
import dev.flashvec.viz.Heatmap;
import dev.flashvec.viz.HeatmapRenderer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code flashvec heatmap}: renders attention weights from a {@code .npy} file (or, without one, the six-token
 * 我爱人工智能 example) as a PNG with token labels and a colour scale, one panel per head.
 */
@Command(name = "heatmap", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Renders attention weights as a PNG heatmap: rows are queries, columns keys, one panel per head.",
            "WEIGHTS.npy holds float weights [H,Sq,Sk] or [B,H,Sq,Sk] (for example softmax probabilities). Without"
                    + " --weights, renders the six-token example 我爱人工智能 of 'flashvec demo'. Chinese labels use"
                    + " the bundled Noto Sans SC font. The PNG appears only if rendering succeeds."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Main.EXIT_0, Main.EXIT_2, Main.EXIT_3})
final class HeatmapCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "Where to write the PNG.")
    private Path out;

    @Option(names = "--weights", paramLabel = "WEIGHTS.npy",
            description = "Attention weights [H,Sq,Sk] or [B,H,Sq,Sk] (default: the six-token example).")
    private Path weights;

    @Option(names = "--tokens", paramLabel = "A,B,…", split = ",",
            description = "Query labels, one per row; also the key labels when Sq = Sk and --key-tokens is absent.")
    private List<String> tokens;

    @Option(names = "--key-tokens", paramLabel = "A,B,…", split = ",", description = "Key labels, one per column.")
    private List<String> keyTokens;

    @Option(names = "--head", paramLabel = "H", description = "Render only this head (default: every head).")
    private Integer head;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "0",
            description = "Batch entry of a 4-D weights array (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Override
    public Integer call() throws IOException {
        // Rendering needs no display; set before the first AWT class loads so that a DISPLAY-less machine works.
        System.setProperty("java.awt.headless", "true");
        Path dir = out.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("cannot write " + out + ": directory " + dir + " does not exist");
        }
        Heatmap map = weights == null ? sixTokens() : fromFile(Npy.read(weights));
        BufferedImage img = HeatmapRenderer.render(map);
        AtomicFiles.writeAll(Map.of(out, temp -> {
            if (!ImageIO.write(img, "png", temp.toFile())) {
                throw new IOException("no PNG writer in this JVM");
            }
        }));
        spec.commandLine().getOut().printf("wrote %s (%d×%d px, %d panel%s of %d×%d)%n", out, img.getWidth(),
                img.getHeight(), map.panels().size(), map.panels().size() == 1 ? "" : "s", map.rows(), map.cols());
        return Main.OK;
    }

    /** The demo's six tokens, their weights recovered from the engine's LSE exactly as {@code demo} prints them. */
    private Heatmap sixTokens() {
        SixTokenDemo.Tables t;
        try (ComputePool pool = ComputePool.create(1)) {
            t = SixTokenDemo.compute(EngineOptions.engine(pool));
        }
        int n = SixTokenDemo.TOKENS.length;
        float[][] w = new float[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                w[i][j] = (float) t.weights()[i][j];
            }
        }
        if (head != null && head != 0) {
            throw new IllegalArgumentException("--head must be 0 for the six-token example (one head) but was " + head);
        }
        List<String> labels = tokens != null ? tokens : List.of(SixTokenDemo.TOKENS);
        return heatmap("我爱人工智能: softmax(q·k/√4), Q = K = V = embeddings", List.<float[][]>of(w), List.of("head 0"), labels,
                keyTokens != null ? keyTokens : labels);
    }

    private Heatmap fromFile(NpyArray a) {
        int[] s = a.shape();
        if (s.length != 3 && s.length != 4) {
            throw new IllegalArgumentException(a.name() + " has shape " + a.shapeString()
                    + " but attention weights must be [H, Sq, Sk] or [B, H, Sq, Sk]");
        }
        if (Arrays.stream(s).anyMatch(d -> d == 0)) {
            throw new IllegalArgumentException(a.name() + " has shape " + a.shapeString() + " with an empty dimension");
        }
        int b = s.length == 4 ? s[0] : 1, h = s[s.length - 3], sq = s[s.length - 2], sk = s[s.length - 1];
        if (batch < 0 || batch >= b) {
            throw new IllegalArgumentException("--batch must be in [0, " + b + ") for " + a.name() + " of shape "
                    + a.shapeString() + " but was " + batch);
        }
        if (head != null && (head < 0 || head >= h)) {
            throw new IllegalArgumentException("--head must be in [0, " + h + ") for " + a.name() + " of shape "
                    + a.shapeString() + " but was " + head);
        }
        float[] data = a.asFloats();
        List<float[][]> panels = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        for (int hh = head != null ? head : 0; hh < (head != null ? head + 1 : h); hh++) {
            float[][] m = new float[sq][sk];
            for (int i = 0; i < sq; i++) {
                System.arraycopy(data, ((batch * h + hh) * sq + i) * sk, m[i], 0, sk);
            }
            panels.add(m);
            titles.add("head " + hh);
        }
        List<String> rows = tokens != null ? tokens : Heatmap.indexLabels(sq);
        List<String> cols = keyTokens != null ? keyTokens : tokens != null && sq == sk ? tokens : Heatmap.indexLabels(sk);
        String title = weights.getFileName() + (b > 1 ? ", batch " + batch : "");
        return heatmap(title, panels, titles, rows, cols);
    }

    /** Builds the heatmap, naming the flag whose labels do not fit. */
    private static Heatmap heatmap(String title, List<float[][]> panels, List<String> titles, List<String> rows,
                                   List<String> cols) {
        int sq = panels.get(0).length, sk = panels.get(0)[0].length;
        if (rows.size() != sq) {
            throw new IllegalArgumentException("--tokens has " + rows.size() + " labels but the weights have Sq=" + sq
                    + " query rows");
        }
        if (cols.size() != sk) {
            throw new IllegalArgumentException("--key-tokens has " + cols.size() + " labels but the weights have Sk="
                    + sk + " key columns");
        }
        return new Heatmap(title, panels, titles, rows, cols);
    }
}
