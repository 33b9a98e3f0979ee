package dev.flashvec.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table whose columns line up in a terminal even when cells hold CJK characters, which take
 * two columns each: widths are measured in terminal columns, not in chars. The first column (row labels) is
 * left-aligned, the others right-aligned, as numbers read best.
 */
final class TextTable {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    /** A table with the given header cells. */
    TextTable(String... header) {
        columns = header.length;
        rows.add(header);
    }

    /** Adds a row of exactly as many cells as the header has. */
    TextTable row(String... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("row has " + cells.length + " cells but the table has " + columns + " columns");
        }
        rows.add(cells);
        return this;
    }

    /** The table as lines, each starting with {@code indent}, columns separated by two spaces. */
    List<String> lines(String indent) {
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(width[c], displayWidth(r[c]));
            }
        }
        List<String> out = new ArrayList<>();
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder(indent);
            for (int c = 0; c < columns; c++) {
                String pad = " ".repeat(width[c] - displayWidth(r[c]));
                sb.append(c == 0 ? "" : "  ").append(c == 0 ? r[c] + pad : pad + r[c]);
            }
            out.add(sb.toString().stripTrailing());
        }
        return out;
    }

    /**
     * The number of terminal columns {@code s} occupies: two for East Asian wide and fullwidth characters
     * (CJK ideographs, kana, hangul, fullwidth forms), zero for combining marks, one otherwise.
     */
    static int displayWidth(String s) {
        return s.codePoints().map(TextTable::width).sum();
    }

    private static int width(int cp) {
        int type = Character.getType(cp);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT) {
            return 0;
        }
        boolean wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF)
                || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF)
                || (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F)
                || (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F)
                || (cp >= 0x20000 && cp <= 0x3FFFD);
        return wide ? 2 : 1;
    }
}
