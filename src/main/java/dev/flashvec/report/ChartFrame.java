package dev.flashvec.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What every chart shares, laid out once: title and subtitle, the plot area, a linear y axis from 0 with
 * "nice" ticks and grid lines, horizontal reference rules with their labels, and a legend on the right.
 * The chart itself draws its x axis and its data between {@link #drawBackground} and {@link #drawForeground}.
 */
final class ChartFrame {
    static final double TITLE_SIZE = 16, TEXT_SIZE = 12, TICK_SIZE = 11;
    private static final double LEGEND_ROW = 20, LEGEND_SAMPLE = 34, PAD = 16;

    /** One legend row: a series label drawn with its style as a line (with marker) or as a bar swatch. */
    record LegendEntry(String label, SeriesStyle style, boolean bar) {}

    private final String title, subtitle, yLabel;
    private final List<Rule> rules;
    private final List<LegendEntry> legend;
    private final BigDecimal[] yTicks;
    private final double yTop;
    private final double legendWidth;
    final double plotLeft, plotTop, plotWidth, plotHeight, width, height;

    /**
     * @param yMax        largest y value of the data; rules are included automatically
     * @param bottomSpace room below the plot for x tick labels and the x axis label
     */
    ChartFrame(String title, String subtitle, String yLabel, double yMax, List<Rule> rules, List<LegendEntry> legend,
               double plotWidth, double plotHeight, double bottomSpace) {
        this.title = title;
        this.subtitle = subtitle == null ? "" : subtitle;
        this.yLabel = yLabel;
        this.rules = List.copyOf(rules);
        this.legend = List.copyOf(legend);
        double max = yMax;
        for (Rule r : rules) {
            max = Math.max(max, r.y());
        }
        yTicks = ticks(Double.isFinite(max) && max > 0 ? max * 1.04 : 1);
        yTop = yTicks[yTicks.length - 1].doubleValue();
        double tickWidth = 0;
        for (BigDecimal t : yTicks) {
            tickWidth = Math.max(tickWidth, Svg.textWidth(t.toPlainString(), TICK_SIZE));
        }
        double labelWidth = 0;
        for (LegendEntry e : legend) {
            labelWidth = Math.max(labelWidth, Svg.textWidth(e.label(), TEXT_SIZE));
        }
        legendWidth = legend.isEmpty() ? 0 : LEGEND_SAMPLE + 8 + labelWidth + 16;
        plotLeft = PAD + TEXT_SIZE + 12 + tickWidth + 8;
        plotTop = 12 + TITLE_SIZE + 12 + (this.subtitle.isEmpty() ? 0 : TEXT_SIZE + 8);
        this.plotWidth = plotWidth;
        this.plotHeight = Math.max(plotHeight, legend.size() * LEGEND_ROW + 16);
        double w = plotLeft + plotWidth + (legend.isEmpty() ? PAD : 20 + legendWidth + PAD);
        w = Math.max(w, Svg.textWidth(title, TITLE_SIZE) + 2 * PAD);
        width = Math.max(w, Svg.textWidth(this.subtitle, TEXT_SIZE) + 2 * PAD);
        height = plotTop + this.plotHeight + bottomSpace;
    }

    /** Pixel row of value {@code v} (clamped to the plot area). */
    double yPixel(double v) {
        double y = plotTop + plotHeight * (1 - v / yTop);
        return Math.max(plotTop, Math.min(plotTop + plotHeight, y));
    }

    double plotRight() {
        return plotLeft + plotWidth;
    }

    double plotBottom() {
        return plotTop + plotHeight;
    }

    /** Titles, grid lines, y ticks and label, and the rule lines: everything the data is drawn over. */
    void drawBackground(Svg svg) {
        svg.text(PAD, 12 + TITLE_SIZE, title, "font-size=\"" + Svg.num(TITLE_SIZE) + "\" font-weight=\"bold\""
                + " fill=\"#222222\"");
        if (!subtitle.isEmpty()) {
            svg.text(PAD, 12 + TITLE_SIZE + 8 + TEXT_SIZE, subtitle, "font-size=\"" + Svg.num(TEXT_SIZE)
                    + "\" fill=\"#555555\"");
        }
        for (BigDecimal t : yTicks) {
            double y = yPixel(t.doubleValue());
            if (t.signum() != 0) {
                svg.line(plotLeft, y, plotRight(), y, "stroke=\"#e3e3e3\" stroke-width=\"1\"");
            }
            svg.line(plotLeft - 5, y, plotLeft, y, "stroke=\"#444444\" stroke-width=\"1\"");
            svg.text(plotLeft - 8, y + 4, t.toPlainString(), "font-size=\"" + Svg.num(TICK_SIZE)
                    + "\" text-anchor=\"end\" fill=\"#333333\"");
        }
        double cy = plotTop + plotHeight / 2, cx = PAD + TEXT_SIZE - 2;
        svg.text(cx, cy, yLabel, "font-size=\"" + Svg.num(TEXT_SIZE) + "\" text-anchor=\"middle\" fill=\"#222222\""
                + " transform=\"rotate(-90 " + Svg.num(cx) + " " + Svg.num(cy) + ")\"");
        for (Rule r : rules) {
            double y = yPixel(r.y());
            svg.line(plotLeft, y, plotRight(), y, "stroke=\"#6b6b6b\" stroke-width=\"1.5\" stroke-dasharray=\"10 4 2 4\"");
        }
    }

    /**
     * Each rule's label at its right end, drawn over the data (bars would hide it); labels that would collide
     * move below their line.
     */
    private void drawRuleLabels(Svg svg) {
        List<Rule> sorted = new ArrayList<>(rules);
        sorted.sort(Comparator.comparingDouble(Rule::y).reversed());
        double lastLabel = Double.NEGATIVE_INFINITY;
        for (Rule r : sorted) {
            double y = yPixel(r.y());
            double labelY = y - 5;
            if (labelY - TICK_SIZE < plotTop || labelY - TICK_SIZE < lastLabel + 2) {
                labelY = y + TICK_SIZE + 3;
            }
            lastLabel = labelY;
            String attrs = "font-size=\"" + Svg.num(TICK_SIZE) + "\" text-anchor=\"end\" fill=\"#444444\"";
            // A white halo keeps the label readable where it crosses grid lines or data.
            svg.text(plotRight() - 6, labelY, r.label(), attrs + " stroke=\"#ffffff\" stroke-width=\"3\""
                    + " stroke-linejoin=\"round\" paint-order=\"stroke\"");
        }
    }

    /** The axis lines, the rule labels and the legend, over the data. */
    void drawForeground(Svg svg) {
        drawRuleLabels(svg);
        svg.line(plotLeft, plotBottom(), plotRight(), plotBottom(), "stroke=\"#444444\" stroke-width=\"1\"");
        svg.line(plotLeft, plotTop, plotLeft, plotBottom(), "stroke=\"#444444\" stroke-width=\"1\"");
        if (legend.isEmpty()) {
            return;
        }
        double x = plotRight() + 20, y = plotTop;
        svg.rect(x, y, legendWidth, legend.size() * LEGEND_ROW + 12, "fill=\"#ffffff\" stroke=\"#cccccc\"");
        for (int i = 0; i < legend.size(); i++) {
            LegendEntry e = legend.get(i);
            double rowY = y + 6 + LEGEND_ROW * i + LEGEND_ROW / 2;
            String color = e.style().colorHex();
            if (e.bar()) {
                svg.rect(x + 10 + LEGEND_SAMPLE / 2 - 7, rowY - 6, 14, 12, "fill=\"" + color + "\"");
            } else {
                svg.line(x + 8, rowY, x + 8 + LEGEND_SAMPLE, rowY, "stroke=\"" + color + "\" stroke-width=\"2\""
                        + e.style().dashAttribute());
                svg.raw(e.style().marker(x + 8 + LEGEND_SAMPLE / 2, rowY, e.label()));
            }
            svg.text(x + 16 + LEGEND_SAMPLE, rowY + 4, e.label(), "font-size=\"" + Svg.num(TEXT_SIZE)
                    + "\" fill=\"#222222\"");
        }
    }

    /** Tick values from 0 to at least {@code max}, 4 to 8 intervals of 1, 2, 2.5 or 5 times a power of ten. */
    static BigDecimal[] ticks(double max) {
        double raw = max / 5;
        int exponent = (int) Math.floor(Math.log10(raw));
        double mantissa = raw / Math.pow(10, exponent);
        String m = mantissa <= 1 ? "1" : mantissa <= 2 ? "2" : mantissa <= 2.5 ? "2.5" : mantissa <= 5 ? "5" : "10";
        BigDecimal step = new BigDecimal(m).scaleByPowerOfTen(exponent);
        List<BigDecimal> ticks = new ArrayList<>();
        BigDecimal t = BigDecimal.ZERO;
        ticks.add(t);
        while (t.doubleValue() < max) {
            t = t.add(step);
            ticks.add(t.stripTrailingZeros());
        }
        return ticks.toArray(BigDecimal[]::new);
    }
}
