package dev.flashvec.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON result file that JMH writes with {@code -rf json}: an array of result objects with
 * {@code "benchmark"}, {@code "mode"}, {@code "threads"}, {@code "params"} (an object of strings),
 * {@code "primaryMetric"} ({@code "score"}, {@code "scoreError"}, {@code "scoreUnit"}, …) and optionally
 * {@code "secondaryMetrics"} (an object of metrics by name). Members this reader does not use are ignored.
 *
 * <p>JMH writes scores that are not finite as the strings {@code "NaN"}, {@code "+INF"} and {@code "-INF"}
 * (plain JSON has no such numbers); they are read as the corresponding doubles. A result that lacks what the
 * format requires is reported with its position in the array and the benchmark's name.
 */
public final class JmhResults {
    private JmhResults() {}

    /** Reads and parses {@code file} (UTF-8). */
    public static List<JmhResult> read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new JsonException(file + ": not UTF-8 text, so not a JMH JSON result file");
        }
        try {
            return parse(text);
        } catch (JsonException e) {
            throw new JsonException(file + ": " + e.getMessage());
        }
    }

    /** Parses the text of a JMH JSON result file. */
    public static List<JmhResult> parse(String text) {
        JsonValue root = Json.parse(text);
        if (!(root instanceof JsonValue.Arr array)) {
            throw new JsonException("a JMH result file (written by -rf json) holds an array of results but this"
                    + " holds " + Json.article(root.typeName()));
        }
        List<JmhResult> results = new ArrayList<>();
        for (int i = 0; i < array.elements().size(); i++) {
            JsonValue e = array.elements().get(i);
            String where = "result " + (i + 1);
            if (!(e instanceof JsonValue.Obj o)) {
                throw new JsonException(where + " must be an object but is " + Json.article(e.typeName()));
            }
            if (o.get("benchmark") instanceof JsonValue.Str s) {
                where += " (" + s.value() + ")";
            }
            try {
                results.add(result(o));
            } catch (JsonException x) {
                throw new JsonException(where + ": " + x.getMessage());
            }
        }
        return results;
    }

    private static JmhResult result(JsonValue.Obj o) {
        String benchmark = o.string("benchmark");
        if (benchmark.isBlank()) {
            throw new JsonException("\"benchmark\" must name a method");
        }
        String mode = o.has("mode") ? o.string("mode") : "";
        int threads = 1;
        if (o.has("threads")) {
            double t = o.number("threads");
            if (!(t >= 1 && t <= Integer.MAX_VALUE && t == Math.rint(t))) {
                throw new JsonException("\"threads\" must be a positive integer but is " + Json.number(t, 17));
            }
            threads = (int) t;
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (o.has("params") && !(o.get("params") instanceof JsonValue.Null)) {
            for (Map.Entry<String, JsonValue> p : o.object("params").members().entrySet()) {
                params.put(p.getKey(), paramText(p.getKey(), p.getValue()));
            }
        }
        JmhResult.Metric primary = metric("primaryMetric", o.object("primaryMetric"));
        Map<String, JmhResult.Metric> secondary = new LinkedHashMap<>();
        if (o.has("secondaryMetrics") && !(o.get("secondaryMetrics") instanceof JsonValue.Null)) {
            for (Map.Entry<String, JsonValue> m : o.object("secondaryMetrics").members().entrySet()) {
                if (!(m.getValue() instanceof JsonValue.Obj mo)) {
                    throw new JsonException("secondary metric \"" + m.getKey() + "\" must be an object but is "
                            + Json.article(m.getValue().typeName()));
                }
                secondary.put(m.getKey(), metric("secondary metric \"" + m.getKey() + "\"", mo));
            }
        }
        return new JmhResult(benchmark, mode, threads, params, primary, secondary);
    }

    private static JmhResult.Metric metric(String name, JsonValue.Obj m) {
        try {
            double score = score(m, "score");
            double error = m.has("scoreError") ? score(m, "scoreError") : Double.NaN;
            String unit = m.string("scoreUnit");
            return new JmhResult.Metric(score, error, unit);
        } catch (JsonException e) {
            throw new JsonException(name + ": " + e.getMessage());
        }
    }

    /** A number, or one of the strings JMH writes for scores that are not finite. */
    private static double score(JsonValue.Obj m, String key) {
        JsonValue v = m.get(key);
        if (v instanceof JsonValue.Str s) {
            return switch (s.value()) {
                case "NaN" -> Double.NaN;
                case "+INF", "Infinity" -> Double.POSITIVE_INFINITY;
                case "-INF", "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> throw new JsonException("\"" + key + "\" must be a number (or \"NaN\", \"+INF\", \"-INF\")"
                        + " but is the string " + Json.quote(s.value()));
            };
        }
        return m.number(key);
    }

    /** JMH writes every parameter as a string; numbers and booleans written by hand are taken as their text. */
    private static String paramText(String key, JsonValue v) {
        return switch (v) {
            case JsonValue.Str s -> s.value();
            case JsonValue.Num n -> n.text();
            case JsonValue.Bool b -> Boolean.toString(b.value());
            default -> throw new JsonException("parameter \"" + key + "\" must be a string but is "
                    + Json.article(v.typeName()));
        };
    }
}
