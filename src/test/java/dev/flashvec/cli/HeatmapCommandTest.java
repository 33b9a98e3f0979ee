package dev.flashvec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.tensor.Npy;
import dev.flashvec.tensor.NpyArray;
import dev.flashvec.viz.HeatmapRenderer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The heatmap command writes PNGs of the size its layout promises, and fails cleanly on bad input. */
class HeatmapCommandTest {
    @TempDir
    Path dir;

    private BufferedImage png(Path p) throws IOException {
        BufferedImage img = ImageIO.read(p.toFile());
        assertTrue(img != null, p + " is not a readable PNG");
        return img;
    }

    @Test
    void rendersTheSixTokenExampleWithoutInput() throws IOException {
        Path out = dir.resolve("six.png");
        Cli.Run run = Cli.run("heatmap", "--out", out.toString());
        assertEquals(Main.OK, run.code(), run::toString);
        BufferedImage img = png(out);
        // Six 56-px cells, a 72-px label band, the colour scale and margins: 32+72+6·56+96 by 32+32+24+72+6·56.
        assertEquals(536, img.getWidth());
        assertEquals(496, img.getHeight());
        assertTrue(run.out().contains("1 panel of 6×6"), run::toString);
    }

    @Test
    void rendersOnePanelPerHeadOrTheChosenHead() throws IOException {
        float[] w = new float[2 * 3 * 5];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 5) / 10f;
        }
        Path in = dir.resolve("w.npy");
        Npy.write(in, NpyArray.ofFloats(new int[] {2, 3, 5}, w));
        Path all = dir.resolve("all.png"), one = dir.resolve("one.png");
        Cli.Run run = Cli.run("heatmap", "--weights", in.toString(), "--out", all.toString(), "--tokens", "a,b,c",
                "--key-tokens", "我,爱,人,工,智");
        assertEquals(Main.OK, run.code(), run::toString);
        assertEquals(HeatmapRenderer.width(2, 3, 5), png(all).getWidth());
        assertEquals(32 + 2 * (72 + 5 * 56) + 24 + 96, png(all).getWidth());
        assertEquals(32 + 32 + 24 + 72 + 3 * 56, png(all).getHeight());
        run = Cli.run("heatmap", "--weights", in.toString(), "--out", one.toString(), "--head", "1");
        assertEquals(Main.OK, run.code(), run::toString);
        assertEquals(32 + 72 + 5 * 56 + 96, png(one).getWidth());
    }

    @Test
    void badInputIsOneLineAndExitTwoWithNoOutput() throws IOException {
        Path out = dir.resolve("x.png");
        Path flat = dir.resolve("flat.npy");
        Npy.write(flat, NpyArray.ofFloats(new int[] {3, 5}, new float[15]));
        Path cube = dir.resolve("cube.npy");
        Npy.write(cube, NpyArray.ofFloats(new int[] {2, 3, 3}, new float[18]));
        Path wide = dir.resolve("wide.npy");
        Npy.write(wide, NpyArray.ofFloats(new int[] {1, 2, 1025}, new float[2 * 1025]));
        String[][] cases = {
            {"--weights", wide.toString()},
            {"--weights", flat.toString()},
            {"--weights", dir.resolve("missing.npy").toString()},
            {"--weights", cube.toString(), "--head", "2"},
            {"--weights", cube.toString(), "--tokens", "a,b"},
            {"--head", "1"},
        };
        String[] expected = {
            "panels are 2×1025 but a heatmap shows at most 1024 queries and keys; slice the weights first",
            "has shape (3, 5) but attention weights must be [H, Sq, Sk] or [B, H, Sq, Sk]",
            "missing.npy",
            "--head must be in [0, 2)",
            "--tokens has 2 labels but the weights have Sq=3 query rows",
            "--head must be 0 for the six-token example",
        };
        for (int c = 0; c < cases.length; c++) {
            String[] args = new String[cases[c].length + 3];
            args[0] = "heatmap";
            args[1] = "--out";
            args[2] = out.toString();
            System.arraycopy(cases[c], 0, args, 3, cases[c].length);
            Cli.Run run = Cli.run(args);
            assertEquals(Main.USER_ERROR, run.code(), run::toString);
            assertEquals(1, run.err().lines().count(), run::toString);
            assertTrue(run.err().contains(expected[c]), run::toString);
            assertFalse(Files.exists(out), "no PNG after a failed run");
        }
    }
}
