package dev.flashvec.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A line chart with a base-2 logarithmic x axis and a linear y axis from 0, rendered as standalone SVG: one
 * polyline with markers (and error bars, where known) per series, horizontal reference rules, a legend.
 *
 * @param title    the heading
 * @param subtitle a second line under the title (what all series share); may be empty
 * @param xLabel   the x axis label
 * @param yLabel   the y axis label
 * @param series   the lines, drawn in order
 * @param rules    horizontal reference lines
 */
public record LineChart(String title, String subtitle, String xLabel, String yLabel, List<Series> series,
                        List<Rule> rules) {
    private static final double PLOT_WIDTH = 620, PLOT_HEIGHT = 380;

    /**
     * One data point.
     *
     * @param x       position on the x axis, &gt; 0
     * @param y       value
     * @param low     lower end of the error bar (equal to y for none)
     * @param high    upper end of the error bar (may be infinite: drawn to the top)
     * @param tooltip text shown when the pointer rests on the marker
     */
    public record Point(double x, double y, double low, double high, String tooltip) {
        /** Checks that x is positive and y finite. */
        public Point {
            if (!(x > 0) || Double.isInfinite(x)) {
                throw new IllegalArgumentException("x must be positive and finite on a log axis but was " + x);
            }
            if (!Double.isFinite(y)) {
                throw new IllegalArgumentException("y must be finite but was " + y);
            }
        }
    }

    /**
     * One line.
     *
     * @param label  legend text
     * @param style  colour, dash and marker
     * @param points the points, in any order (drawn sorted by x)
     */
    public record Series(String label, SeriesStyle style, List<Point> points) {
        /** Copies the points sorted by x. */
        public Series {
            List<Point> sorted = new ArrayList<>(points);
            sorted.sort(Comparator.comparingDouble(Point::x));
            points = List.copyOf(sorted);
        }
    }

    /** Copies the lists; needs at least one point. */
    public LineChart {
        series = List.copyOf(series);
        rules = List.copyOf(rules);
        if (series.stream().allMatch(s -> s.points().isEmpty())) {
            throw new IllegalArgumentException("a line chart needs at least one point");
        }
    }

    /** The chart as a standalone SVG document. */
    public String toSvg() {
        double minX = Double.POSITIVE_INFINITY, maxX = 0, maxY = 0;
        for (Series s : series) {
            for (Point p : s.points()) {
                minX = Math.min(minX, p.x());
                maxX = Math.max(maxX, p.x());
                // The axis covers the points (and the frame adds the rules); an error bar reaching higher is
                // clipped at the frame. With three JMH iterations one disturbed iteration can put a rate's upper
                // bound at many times the point, which squashed every line into the bottom of the chart.
                maxY = Math.max(maxY, p.y());
            }
        }
        List<ChartFrame.LegendEntry> legend = new ArrayList<>();
        for (Series s : series) {
            legend.add(new ChartFrame.LegendEntry(s.label(), s.style(), false));
        }
        ChartFrame f = new ChartFrame(title, subtitle, yLabel, maxY, rules, legend, PLOT_WIDTH, PLOT_HEIGHT, 56);
        // Half an octave of room either side keeps the end points off the frame.
        double lo = log2(minX) - 0.5, hi = log2(maxX) + 0.5;
        Svg svg = new Svg(f.width, f.height);
        f.drawBackground(svg);
        drawXAxis(svg, f, lo, hi);
        for (Series s : series) {
            drawSeries(svg, f, s, lo, hi);
        }
        f.drawForeground(svg);
        return svg.finish();
    }

    private void drawXAxis(Svg svg, ChartFrame f, double lo, double hi) {
        int first = (int) Math.ceil(lo), last = (int) Math.floor(hi);
        int every = (last - first) > 12 ? 2 : 1;
        for (int k = first; k <= last; k++) {
            double x = xPixel(f, Math.scalb(1.0, k), lo, hi);
            svg.line(x, f.plotTop, x, f.plotBottom(), "stroke=\"#f0f0f0\" stroke-width=\"1\"");
            svg.line(x, f.plotBottom(), x, f.plotBottom() + 5, "stroke=\"#444444\" stroke-width=\"1\"");
            if ((k - first) % every == 0) {
                svg.text(x, f.plotBottom() + 19, powerOfTwoLabel(k), "font-size=\"" + Svg.num(ChartFrame.TICK_SIZE)
                        + "\" text-anchor=\"middle\" fill=\"#333333\"");
            }
        }
        svg.text(f.plotLeft + f.plotWidth / 2, f.plotBottom() + 44, xLabel, "font-size=\""
                + Svg.num(ChartFrame.TEXT_SIZE) + "\" text-anchor=\"middle\" fill=\"#222222\"");
    }

    private static void drawSeries(Svg svg, ChartFrame f, Series s, double lo, double hi) {
        String color = s.style().colorHex();
        StringBuilder points = new StringBuilder();
        for (Point p : s.points()) {
            points.append(points.isEmpty() ? "" : " ").append(Svg.num(xPixel(f, p.x(), lo, hi))).append(',')
                    .append(Svg.num(f.yPixel(p.y())));
        }
        svg.raw("<g>\n");
        if (s.points().size() > 1) {
            svg.raw("<polyline points=\"" + points + "\" fill=\"none\" stroke=\"" + color + "\" stroke-width=\"2\""
                    + " stroke-linejoin=\"round\"" + s.style().dashAttribute() + "/>\n");
        }
        for (Point p : s.points()) {
            double x = xPixel(f, p.x(), lo, hi);
            double top = f.yPixel(Double.isFinite(p.high()) ? p.high() : Double.MAX_VALUE), bottom = f.yPixel(p.low());
            if (bottom - top >= 3) {
                String stroke = "stroke=\"" + color + "\" stroke-width=\"1.2\"";
                svg.line(x, top, x, bottom, stroke);
                svg.line(x - 3.5, top, x + 3.5, top, stroke);
                svg.line(x - 3.5, bottom, x + 3.5, bottom, stroke);
            }
            svg.raw(s.style().marker(x, f.yPixel(p.y()), p.tooltip()));
        }
        svg.raw("</g>\n");
    }

    private static double xPixel(ChartFrame f, double x, double lo, double hi) {
        return f.plotLeft + f.plotWidth * (log2(x) - lo) / (hi - lo);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** {@code 2^k} as digits up to 65536, then with K, M or G for powers of 1024: {@code 128K}, {@code 1M}. */
    static String powerOfTwoLabel(int k) {
        if (k < 0) {
            return "1/" + (1L << -k);
        }
        if (k <= 16) {
            return Long.toString(1L << k);
        }
        String[] suffix = {"K", "M", "G", "T"};
        int group = Math.min(k / 10, suffix.length);
        return (1L << (k - 10 * group)) + suffix[group - 1];
    }
}
