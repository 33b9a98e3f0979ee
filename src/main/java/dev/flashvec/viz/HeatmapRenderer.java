package dev.flashvec.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * Draws a {@link Heatmap} into an image: one grid of coloured cells per panel, query labels down the left,
 * key labels along the top, the panel's title, and a colour scale from 0 to the largest weight shown. Cells
 * are large enough to print their value when the matrix is small. Needs no display when the JVM runs with
 * {@code java.awt.headless=true}.
 *
 * <p>The geometry depends only on the matrix and panel counts (not on fonts), so the image size is
 * predictable: see {@link #width} and {@link #height}.
 */
public final class HeatmapRenderer {
    static final int MARGIN = 16, TITLE = 32, PANEL_TITLE = 24, LABELS = 72, GAP = 24, SCALE = 96, MAX_COLUMNS = 4;
    /** The grid of a panel is at most this many pixels on its longer side (cells shrink for large matrices). */
    static final int GRID = 480;
    /** Viridis at five stops: perceptually uniform and readable in grey and by most colour-blind readers. */
    private static final int[] STOPS = {0x440154, 0x3B528B, 0x21918C, 0x5EC962, 0xFDE725};

    private HeatmapRenderer() {}

    /** Side of one cell in pixels: the grid fits {@value #GRID} px, cells between 2 and 56 px. */
    public static int cell(int rows, int cols) {
        return Math.max(2, Math.min(56, GRID / Math.max(rows, cols)));
    }

    static int columns(int panels) {
        return Math.min(panels, MAX_COLUMNS);
    }

    /** Image width in pixels for {@code panels} panels of {@code rows × cols}. */
    public static int width(int panels, int rows, int cols) {
        int c = columns(panels);
        return 2 * MARGIN + c * (LABELS + cols * cell(rows, cols)) + (c - 1) * GAP + SCALE;
    }

    /** Image height in pixels for {@code panels} panels of {@code rows × cols}. */
    public static int height(int panels, int rows, int cols) {
        int r = (panels + MAX_COLUMNS - 1) / MAX_COLUMNS;
        return 2 * MARGIN + TITLE + r * (PANEL_TITLE + LABELS + rows * cell(rows, cols)) + (r - 1) * GAP;
    }

    /** Renders the heatmap. */
    public static BufferedImage render(Heatmap map) {
        int rows = map.rows(), cols = map.cols(), n = map.panels().size(), cell = cell(rows, cols);
        int w = width(n, rows, cols), h = height(n, rows, cols);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            float max = maxWeight(map);
            g.setColor(Color.BLACK);
            g.drawString(fit(g, map.title(), 18f, w - 2 * MARGIN), MARGIN, MARGIN + 20);
            int panelW = LABELS + cols * cell, panelH = PANEL_TITLE + LABELS + rows * cell;
            for (int p = 0; p < n; p++) {
                int x0 = MARGIN + (p % MAX_COLUMNS) * (panelW + GAP);
                int y0 = MARGIN + TITLE + (p / MAX_COLUMNS) * (panelH + GAP);
                panel(g, map, p, x0, y0, cell, max);
            }
            scale(g, w - SCALE + 8, MARGIN + TITLE + PANEL_TITLE + LABELS, Math.min(rows * cell, GRID), max);
        } finally {
            g.dispose();
        }
        return img;
    }

    private static void panel(Graphics2D g, Heatmap map, int p, int x0, int y0, int cell, float max) {
        float[][] wts = map.panels().get(p);
        int rows = map.rows(), cols = map.cols();
        int gx = x0 + LABELS, gy = y0 + PANEL_TITLE + LABELS;
        g.setColor(Color.BLACK);
        g.drawString(fit(g, map.panelTitles().get(p), 14f, cols * cell), gx, y0 + 16);
        g.setColor(Color.GRAY);
        g.drawString(fit(g, "q↓ k→", 11f, LABELS - 4), x0, y0 + 16);
        boolean values = cell >= 36;
        Font valueFont = LabelFonts.cjk(Math.min(12f, cell / 3.5f));
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float t = max > 0 ? wts[i][j] / max : 0f;
                Color c = colour(t);
                g.setColor(c);
                g.fillRect(gx + j * cell, gy + i * cell, cell, cell);
                if (values) {
                    String s = String.format(Locale.ROOT, "%.2f", wts[i][j]);
                    g.setFont(valueFont);
                    g.setColor(luminance(c) > 0.5 ? Color.BLACK : Color.WHITE);
                    FontMetrics fm = g.getFontMetrics();
                    g.drawString(s, gx + j * cell + (cell - fm.stringWidth(s)) / 2,
                            gy + i * cell + (cell + fm.getAscent() - fm.getDescent()) / 2);
                }
            }
        }
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(gx, gy, cols * cell, rows * cell);
        labels(g, map, gx, gy, cell);
    }

    /** Query labels right-aligned left of the rows; key labels above the columns, turned when too wide. */
    private static void labels(Graphics2D g, Heatmap map, int gx, int gy, int cell) {
        int step = Math.max(1, (int) Math.ceil(10.0 / cell)); // labels need ~10 px: thin cells label every k-th
        float size = Math.max(9f, Math.min(20f, cell * 0.6f));
        g.setColor(Color.BLACK);
        for (int i = 0; i < map.rows(); i += step) {
            String s = fit(g, map.rowLabels().get(i), size, LABELS - 6);
            FontMetrics fm = g.getFontMetrics();
            g.drawString(s, gx - 6 - fm.stringWidth(s), gy + i * cell + (cell + fm.getAscent() - fm.getDescent()) / 2);
        }
        for (int j = 0; j < map.cols(); j += step) {
            String s = fit(g, map.colLabels().get(j), size, LABELS - 6);
            FontMetrics fm = g.getFontMetrics();
            int cx = gx + j * cell + cell / 2;
            if (fm.stringWidth(s) <= cell) {
                g.drawString(s, cx - fm.stringWidth(s) / 2, gy - 6);
            } else {
                AffineTransform saved = g.getTransform();
                g.translate(cx + (fm.getAscent() - fm.getDescent()) / 2, gy - 6);
                g.rotate(-Math.PI / 2);
                g.drawString(s, 0, 0);
                g.setTransform(saved);
            }
        }
    }

    /** Sets a font for {@code s} and shortens it with an ellipsis until it fits {@code width} pixels. */
    private static String fit(Graphics2D g, String s, float size, int width) {
        g.setFont(LabelFonts.forText(s, size));
        FontMetrics fm = g.getFontMetrics();
        if (fm.stringWidth(s) <= width) {
            return s;
        }
        String t = s;
        while (t.length() > 1 && fm.stringWidth(t + "…") > width) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "…";
    }

    private static void scale(Graphics2D g, int x, int y, int height, float max) {
        int barW = 16;
        for (int k = 0; k < height; k++) {
            g.setColor(colour(1f - k / (float) Math.max(1, height - 1)));
            g.fillRect(x, y + k, barW, 1);
        }
        g.setColor(Color.GRAY);
        g.drawRect(x, y, barW, height);
        g.setColor(Color.BLACK);
        g.setFont(LabelFonts.cjk(11f));
        for (int t = 0; t <= 4; t++) {
            float v = max * (4 - t) / 4f;
            int ty = y + Math.round(t * (height - 1) / 4f);
            g.drawLine(x + barW, ty, x + barW + 3, ty);
            g.drawString(String.format(Locale.ROOT, "%.3g", v), x + barW + 6, ty + 4);
        }
    }

    private static float maxWeight(Heatmap map) {
        float max = 0f;
        for (float[][] p : map.panels()) {
            for (float[] row : p) {
                for (float v : row) {
                    if (v > max) {
                        max = v; // NaN never compares greater: it is drawn as the lowest colour
                    }
                }
            }
        }
        return max;
    }

    /** The colour of {@code t} in [0, 1] (clamped), interpolated between the viridis stops. */
    static Color colour(float t) {
        float x = Float.isNaN(t) ? 0f : Math.max(0f, Math.min(1f, t)) * (STOPS.length - 1);
        int k = Math.min(STOPS.length - 2, (int) x);
        float f = x - k;
        int a = STOPS[k], b = STOPS[k + 1];
        return new Color(mix(a >> 16, b >> 16, f), mix(a >> 8, b >> 8, f), mix(a, b, f));
    }

    private static int mix(int a, int b, float f) {
        return Math.round((a & 0xFF) + ((b & 0xFF) - (a & 0xFF)) * f);
    }

    private static double luminance(Color c) {
        return (0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue()) / 255;
    }
}
