package dev.flashvec.report;

import java.util.HashSet;
import java.util.Set;

/**
 * Builds one JSON object on one line, member by member, for machine-readable output such as one benchmark
 * result per line (JSON Lines). Keys keep the order they are added in; strings are escaped with
 * {@link Json#quote}, numbers rounded with {@link Json#number}. Not thread-safe; one builder per line.
 */
public final class JsonLine {
    private final StringBuilder b = new StringBuilder("{");
    private final Set<String> keys = new HashSet<>();

    /** An empty object. */
    public JsonLine() {}

    /** Adds a string member; a null value is written as {@code null}. */
    public JsonLine add(String key, String value) {
        return raw(key, value == null ? "null" : Json.quote(value));
    }

    /** Adds an integer member. */
    public JsonLine add(String key, long value) {
        return raw(key, Long.toString(value));
    }

    /** Adds a boolean member. */
    public JsonLine add(String key, boolean value) {
        return raw(key, Boolean.toString(value));
    }

    /** Adds a number rounded to {@code significantDigits}; NaN and infinities are written as {@code null}. */
    public JsonLine add(String key, double value, int significantDigits) {
        return raw(key, Json.number(value, significantDigits));
    }

    private JsonLine raw(String key, String json) {
        if (!keys.add(key)) {
            throw new IllegalArgumentException("duplicate key " + key);
        }
        if (b.length() > 1) {
            b.append(',');
        }
        b.append(Json.quote(key)).append(':').append(json);
        return this;
    }

    /** The object, {@code {"key":value,…}}, with no line break. */
    @Override
    public String toString() {
        return b + "}";
    }
}
