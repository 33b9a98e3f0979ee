package dev.flashvec.viz;

import java.util.Arrays;
import java.util.List;

/**
 * What a heatmap shows: one or more panels of attention weights {@code [Sq][Sk]} (one per head), their titles,
 * and the labels of the query rows and key columns.
 *
 * @param title     headline above the panels
 * @param panels    weight matrices, all {@code rows × cols}, rows = queries
 * @param panelTitles one title per panel
 * @param rowLabels   {@code rows} query labels
 * @param colLabels   {@code cols} key labels
 */
public record Heatmap(String title, List<float[][]> panels, List<String> panelTitles, List<String> rowLabels,
                      List<String> colLabels) {
    /** Most query rows or key columns a panel may have. */
    public static final int MAX_SIDE = 1024;

    /** Checks that every panel has the same shape and that labels and titles match it. */
    public Heatmap {
        if (panels == null || panels.isEmpty()) {
            throw new IllegalArgumentException("a heatmap needs at least one panel");
        }
        int rows = panels.get(0).length, cols = rows == 0 ? 0 : panels.get(0)[0].length;
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("panels must be at least 1×1 but are " + rows + "×" + cols);
        }
        if (rows > MAX_SIDE || cols > MAX_SIDE) {
            // Cells are at least 2 px: a larger matrix would make an image of hundreds of megabytes.
            throw new IllegalArgumentException("panels are " + rows + "×" + cols + " but a heatmap shows at most "
                    + MAX_SIDE + " queries and keys; slice the weights first");
        }
        for (float[][] p : panels) {
            if (p.length != rows || Arrays.stream(p).anyMatch(r -> r.length != cols)) {
                throw new IllegalArgumentException("every panel must be " + rows + "×" + cols);
            }
        }
        check("panel titles", panelTitles, panels.size(), "panels");
        check("row labels", rowLabels, rows, "query rows");
        check("column labels", colLabels, cols, "key columns");
        panels = List.copyOf(panels);
        panelTitles = List.copyOf(panelTitles);
        rowLabels = List.copyOf(rowLabels);
        colLabels = List.copyOf(colLabels);
        title = title == null ? "" : title;
    }

    private static void check(String name, List<String> list, int want, String of) {
        if (list == null || list.size() != want) {
            throw new IllegalArgumentException(name + ": expected " + want + " (one per " + of.replaceAll("s$", "")
                    + ") but got " + (list == null ? "none" : list.size()));
        }
    }

    public int rows() {
        return panels.get(0).length;
    }

    public int cols() {
        return panels.get(0)[0].length;
    }

    /** Numeric labels {@code 0 … n−1}. */
    public static List<String> indexLabels(int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(Integer::toString).toList();
    }
}
