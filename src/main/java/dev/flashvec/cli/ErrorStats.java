package dev.flashvec.cli;

/**
 * Accumulates how far computed values are from reference values under SPEC's tolerance
 * {@code |x − ref| ≤ 1e-5 + 1e-4·|ref|}: maximum absolute and relative error and how many elements fail.
 *
 * <p>Non-finite references (an LSE of {@code -inf} for a fully masked row) must be matched exactly; a NaN or
 * infinity where the reference is finite always fails.
 */
final class ErrorStats {
    /** SPEC's absolute tolerance. */
    static final double ATOL = 1e-5;
    /** SPEC's relative tolerance. */
    static final double RTOL = 1e-4;

    private double maxAbs;
    private double maxRel;
    private double worstRatio;
    private long count;
    private long outside;

    /** Adds one element. */
    void add(double value, double ref) {
        count++;
        if (!Double.isFinite(ref) || !Double.isFinite(value)) {
            boolean same = Double.compare(value, ref) == 0;
            if (!same) {
                outside++;
                maxAbs = maxRel = worstRatio = Double.POSITIVE_INFINITY;
            }
            return;
        }
        double diff = Math.abs(value - ref);
        maxAbs = Math.max(maxAbs, diff);
        if (ref != 0) {
            maxRel = Math.max(maxRel, diff / Math.abs(ref));
        }
        double ratio = diff / (ATOL + RTOL * Math.abs(ref));
        worstRatio = Math.max(worstRatio, ratio);
        if (ratio > 1) {
            outside++;
        }
    }

    /** Adds {@code values[i]} against {@code refs[i]} for every i. */
    void addAll(float[] values, double[] refs) {
        for (int i = 0; i < values.length; i++) {
            add(values[i], refs[i]);
        }
    }

    /** Largest {@code |x − ref|}. */
    double maxAbs() {
        return maxAbs;
    }

    /** Largest {@code |x − ref| / |ref|} over nonzero references. */
    double maxRel() {
        return maxRel;
    }

    /** True when every element is within tolerance. */
    boolean passed() {
        return outside == 0;
    }

    /** One line: the errors, the worst use of the tolerance and how many elements fail. */
    String summary() {
        return String.format("max abs error %.3e   max rel error %.3e   worst |Δ|/tol %.3f   %d of %d outside tolerance",
                maxAbs, maxRel, worstRatio, outside, count);
    }
}
