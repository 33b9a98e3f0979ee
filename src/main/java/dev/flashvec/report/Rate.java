package dev.flashvec.report;

/**
 * A JMH score turned into operations per second, with the interval its error gives: from {@code ms/op} (time
 * per operation, any JMH time unit) or from {@code ops/s} (operations per time).
 *
 * @param perSecond operations per second
 * @param low       lower end of the interval (equal to {@code perSecond} when the error is unknown)
 * @param high      upper end; {@code +Infinity} when a time score's error reaches zero time
 */
public record Rate(double perSecond, double low, double high) {
    /** Converts {@code metric}; throws JsonException naming the unit when it is not a time or rate unit. */
    public static Rate of(JmhResult.Metric metric) {
        String unit = metric.unit().strip();
        double score = metric.score(), error = metric.error();
        boolean hasError = Double.isFinite(error) && error > 0;
        if (unit.endsWith("/op")) {
            double seconds = seconds(unit.substring(0, unit.length() - 3), unit);
            double t = score * seconds;
            if (!hasError) {
                return new Rate(1 / t, 1 / t, 1 / t);
            }
            double shortest = (score - error) * seconds;
            return new Rate(1 / t, 1 / ((score + error) * seconds), shortest > 0 ? 1 / shortest : Double.POSITIVE_INFINITY);
        }
        if (unit.startsWith("ops/")) {
            double seconds = seconds(unit.substring(4), unit);
            double r = score / seconds;
            if (!hasError) {
                return new Rate(r, r, r);
            }
            return new Rate(r, Math.max(0, (score - error) / seconds), (score + error) / seconds);
        }
        throw new JsonException("score unit '" + unit + "' is neither a time per operation (such as ms/op) nor"
                + " operations per time (such as ops/s)");
    }

    /** This rate times {@code factor} (operations per call, say), interval included. */
    public Rate times(double factor) {
        return new Rate(perSecond * factor, low * factor, high * factor);
    }

    /** Seconds in one JMH time unit (JMH writes {@code ns}, {@code us}, {@code ms}, {@code s}, {@code min}, …). */
    private static double seconds(String timeUnit, String unit) {
        return switch (timeUnit) {
            case "ns" -> 1e-9;
            case "us", "µs", "μs" -> 1e-6;
            case "ms" -> 1e-3;
            case "s" -> 1;
            case "min" -> 60;
            case "hr", "h" -> 3600;
            case "day", "d" -> 86400;
            default -> throw new JsonException("unknown time unit '" + timeUnit + "' in score unit '" + unit + "'");
        };
    }
}
