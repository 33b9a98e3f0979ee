package dev.flashvec.report;

/**
 * How one series is drawn, as indices into fixed palettes so that charts stay consistent and readable in
 * grey-scale: a colour (Okabe–Ito, safe for colour-blind readers), a dash pattern and a marker shape.
 *
 * @param color  index into the colour palette (taken modulo its size)
 * @param dash   0 = solid; other values select dash patterns (modulo their number)
 * @param marker 0 = circle, 1 = square, 2 = triangle, 3 = diamond (modulo 4)
 */
public record SeriesStyle(int color, int dash, int marker) {
    private static final String[] COLORS = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
        "#000000"};
    private static final String[] DASHES = {"", "7 4", "2 3", "9 3 2 3"};

    /** Checks that indices are not negative. */
    public SeriesStyle {
        if (color < 0 || dash < 0 || marker < 0) {
            throw new IllegalArgumentException("style indices must be >= 0");
        }
    }

    /** The colour as {@code #rrggbb}. */
    public String colorHex() {
        return COLORS[color % COLORS.length];
    }

    /** The {@code stroke-dasharray} attribute with a leading space, or empty for a solid line. */
    String dashAttribute() {
        String d = DASHES[dash % DASHES.length];
        return d.isEmpty() ? "" : " stroke-dasharray=\"" + d + "\"";
    }

    /** A marker centred on (x, y) with a tooltip. */
    String marker(double x, double y, String tooltip) {
        String fill = " fill=\"" + colorHex() + "\" stroke=\"#ffffff\" stroke-width=\"1\">" + Svg.title(tooltip);
        return switch (marker % 4) {
            case 0 -> "<circle cx=\"" + Svg.num(x) + "\" cy=\"" + Svg.num(y) + "\" r=\"4\"" + fill + "</circle>\n";
            case 1 -> "<rect x=\"" + Svg.num(x - 3.6) + "\" y=\"" + Svg.num(y - 3.6)
                    + "\" width=\"7.2\" height=\"7.2\"" + fill + "</rect>\n";
            case 2 -> polygon(fill, x, y - 4.8, x + 4.6, y + 3.4, x - 4.6, y + 3.4);
            default -> polygon(fill, x, y - 5, x + 5, y, x, y + 5, x - 5, y);
        };
    }

    private static String polygon(String fill, double... xy) {
        StringBuilder p = new StringBuilder("<polygon points=\"");
        for (int i = 0; i < xy.length; i += 2) {
            p.append(i == 0 ? "" : " ").append(Svg.num(xy[i])).append(',').append(Svg.num(xy[i + 1]));
        }
        return p.append('"').append(fill).append("</polygon>\n").toString();
    }
}
