package dev.flashvec.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A value parsed by {@link Json}: an object, array, string, number, boolean or null, each an immutable record.
 *
 * <p>Objects keep their members in document order. The accessors of {@link Obj} that name a type throw
 * {@link JsonException} when the member is missing or of another type, so that readers of a format (such as
 * {@link JmhResults}) get a message that says what was expected where, without casting by hand.
 */
public sealed interface JsonValue permits JsonValue.Obj, JsonValue.Arr, JsonValue.Str, JsonValue.Num,
        JsonValue.Bool, JsonValue.Null {

    /** The JSON name of this value's type, for messages: {@code object}, {@code array}, {@code string}, … */
    String typeName();

    /** A JSON object; members in document order, keys unique. */
    record Obj(Map<String, JsonValue> members) implements JsonValue {
        /** Copies {@code members}, keeping their order. */
        public Obj {
            members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }

        /** The member {@code key}, or null if there is none. */
        public JsonValue get(String key) {
            return members.get(key);
        }

        /** Whether the object has a member {@code key}. */
        public boolean has(String key) {
            return members.containsKey(key);
        }

        /** The member {@code key}, which must be an object. */
        public Obj object(String key) {
            return member(key, Obj.class);
        }

        /** The member {@code key}, which must be an array. */
        public Arr array(String key) {
            return member(key, Arr.class);
        }

        /** The member {@code key}, which must be a string. */
        public String string(String key) {
            return member(key, Str.class).value();
        }

        /** The member {@code key}, which must be a number. */
        public double number(String key) {
            return member(key, Num.class).value();
        }

        private <T extends JsonValue> T member(String key, Class<T> type) {
            JsonValue v = members.get(key);
            if (v == null) {
                throw new JsonException("missing \"" + key + "\"");
            }
            if (!type.isInstance(v)) {
                throw new JsonException("\"" + key + "\" must be " + Json.article(Json.typeName(type)) + " but is "
                        + Json.article(v.typeName()));
            }
            return type.cast(v);
        }

        @Override
        public String typeName() {
            return "object";
        }
    }

    /** A JSON array. */
    record Arr(List<JsonValue> elements) implements JsonValue {
        /** Copies {@code elements}. */
        public Arr {
            elements = List.copyOf(elements);
        }

        @Override
        public String typeName() {
            return "array";
        }
    }

    /** A JSON string, unescaped. */
    record Str(String value) implements JsonValue {
        @Override
        public String typeName() {
            return "string";
        }
    }

    /**
     * A JSON number.
     *
     * @param value the nearest double
     * @param text  the number exactly as written, for values a double cannot hold exactly
     */
    record Num(double value, String text) implements JsonValue {
        @Override
        public String typeName() {
            return "number";
        }
    }

    /** {@code true} or {@code false}. */
    record Bool(boolean value) implements JsonValue {
        @Override
        public String typeName() {
            return "boolean";
        }
    }

    /** {@code null}. */
    record Null() implements JsonValue {
        @Override
        public String typeName() {
            return "null";
        }
    }
}
