package dev.flashvec.report;

/**
 * A horizontal reference line across a chart, such as the FMA peak that bounds every kernel's GFLOP/s.
 *
 * @param label text written beside the line
 * @param y     the value, in the chart's y units
 */
public record Rule(String label, double y) {}
