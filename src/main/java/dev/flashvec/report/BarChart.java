package dev.flashvec.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A grouped bar chart with a linear y axis from 0, rendered as standalone SVG: one group of bars per category,
 * one bar per series in each group (with error bars, where known), horizontal reference rules, a legend.
 *
 * @param title      the heading
 * @param subtitle   a second line under the title; may be empty
 * @param yLabel     the y axis label
 * @param categories the groups, left to right; a {@code \n} splits a label into lines
 * @param series     the bars: each series has one entry per category (null where it has no value)
 * @param rules      horizontal reference lines
 */
public record BarChart(String title, String subtitle, String yLabel, List<String> categories, List<Bars> series,
                       List<Rule> rules) {
    private static final double PLOT_HEIGHT = 380, MIN_PLOT_WIDTH = 560, MIN_BAR = 12;

    /**
     * One bar.
     *
     * @param value   height, finite and at least 0
     * @param low     lower end of the error bar (equal to value for none)
     * @param high    upper end of the error bar
     * @param tooltip text shown when the pointer rests on the bar
     */
    public record Bar(double value, double low, double high, String tooltip) {
        /** Checks that the value is finite and not negative. */
        public Bar {
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("a bar's value must be finite and >= 0 but was " + value);
            }
        }
    }

    /**
     * One series of bars.
     *
     * @param label legend text
     * @param style colour (dash and marker are not used)
     * @param bars  one entry per category, null where the series has no value
     */
    public record Bars(String label, SeriesStyle style, List<Bar> bars) {
        /** Copies the bars (nulls allowed). */
        public Bars {
            bars = Collections.unmodifiableList(new ArrayList<>(bars));
        }
    }

    /** Copies the lists and checks that every series has one entry per category. */
    public BarChart {
        categories = List.copyOf(categories);
        series = List.copyOf(series);
        rules = List.copyOf(rules);
        if (categories.isEmpty()) {
            throw new IllegalArgumentException("a bar chart needs at least one category");
        }
        for (Bars s : series) {
            if (s.bars().size() != categories.size()) {
                throw new IllegalArgumentException("series " + s.label() + " has " + s.bars().size()
                        + " entries but there are " + categories.size() + " categories");
            }
        }
    }

    /** The chart as a standalone SVG document. */
    public String toSvg() {
        int n = Math.max(1, series.size());
        double labelWidth = 0;
        int labelLines = 1;
        for (String c : categories) {
            String[] lines = c.split("\n");
            labelLines = Math.max(labelLines, lines.length);
            for (String l : lines) {
                labelWidth = Math.max(labelWidth, Svg.textWidth(l, ChartFrame.TICK_SIZE));
            }
        }
        double groupWidth = Math.max(n * MIN_BAR / 0.8, labelWidth + 14);
        groupWidth = Math.max(groupWidth, MIN_PLOT_WIDTH / categories.size());
        double maxY = 0;
        List<ChartFrame.LegendEntry> legend = new ArrayList<>();
        for (Bars s : series) {
            legend.add(new ChartFrame.LegendEntry(s.label(), s.style(), true));
            for (Bar b : s.bars()) {
                if (b != null) {
                    maxY = Math.max(maxY, Math.max(b.value(), Double.isFinite(b.high()) ? b.high() : 0));
                }
            }
        }
        double bottom = 16 + labelLines * 14 + 12;
        ChartFrame f = new ChartFrame(title, subtitle, yLabel, maxY, rules, legend, groupWidth * categories.size(),
                PLOT_HEIGHT, bottom);
        Svg svg = new Svg(f.width, f.height);
        f.drawBackground(svg);
        double inner = groupWidth * 0.8, barWidth = inner / n;
        for (int c = 0; c < categories.size(); c++) {
            double groupX = f.plotLeft + c * groupWidth;
            String[] lines = categories.get(c).split("\n");
            for (int l = 0; l < lines.length; l++) {
                svg.text(groupX + groupWidth / 2, f.plotBottom() + 18 + 14 * l, lines[l], "font-size=\""
                        + Svg.num(ChartFrame.TICK_SIZE) + "\" text-anchor=\"middle\" fill=\"#333333\"");
            }
            if (c > 0) {
                svg.line(groupX, f.plotBottom(), groupX, f.plotBottom() + 5, "stroke=\"#444444\" stroke-width=\"1\"");
            }
            for (int s = 0; s < series.size(); s++) {
                Bar b = series.get(s).bars().get(c);
                if (b != null) {
                    drawBar(svg, f, series.get(s).style(), b, groupX + (groupWidth - inner) / 2 + s * barWidth, barWidth);
                }
            }
        }
        f.drawForeground(svg);
        return svg.finish();
    }

    private static void drawBar(Svg svg, ChartFrame f, SeriesStyle style, Bar b, double x, double width) {
        double top = f.yPixel(b.value());
        double gap = Math.min(2, width * 0.1);
        svg.raw("<g>\n");
        svg.raw("<rect x=\"" + Svg.num(x + gap / 2) + "\" y=\"" + Svg.num(top) + "\" width=\"" + Svg.num(width - gap)
                + "\" height=\"" + Svg.num(f.plotBottom() - top) + "\" fill=\"" + style.colorHex() + "\">"
                + Svg.title(b.tooltip()) + "</rect>\n");
        double cx = x + width / 2;
        double errTop = f.yPixel(Double.isFinite(b.high()) ? b.high() : Double.MAX_VALUE), errBottom = f.yPixel(b.low());
        if (errBottom - errTop >= 3) {
            String stroke = "stroke=\"#333333\" stroke-width=\"1.2\"";
            svg.line(cx, errTop, cx, errBottom, stroke);
            svg.line(cx - 3, errTop, cx + 3, errTop, stroke);
            svg.line(cx - 3, errBottom, cx + 3, errBottom, stroke);
        }
        String value = Json.number(b.value(), 3);
        if (Svg.textWidth(value, 10) <= width + 2) {
            svg.text(cx, Math.min(top, errTop) - 4, value, "font-size=\"10\" text-anchor=\"middle\" fill=\"#333333\"");
        }
        svg.raw("</g>\n");
    }
}
