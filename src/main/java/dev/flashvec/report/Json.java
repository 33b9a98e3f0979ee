package dev.flashvec.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON (RFC 8259) parser and the two writing helpers the command line needs: string quoting and
 * number formatting. Small on purpose: the JDK has no JSON support and flashvec wants no dependency for it.
 *
 * <p>Strict means that only RFC 8259 JSON is accepted: no comments, no trailing commas, no single quotes, no
 * {@code NaN} or {@code Infinity} literals, no leading zeros or {@code +} signs, no unescaped control characters
 * in strings, no duplicate keys in an object, nothing but whitespace after the value. A leading byte-order mark
 * is skipped (RFC 8259 allows a parser to ignore it). Numbers too large for a double are rejected rather than
 * read as infinity. Nesting deeper than {@value #MAX_DEPTH} levels is rejected so that hostile input cannot
 * overflow the stack. Errors are {@link JsonException}s naming the line and column.
 *
 * <p>Stateless; every method is safe to call from many threads.
 */
public final class Json {
    /** Deepest nesting of arrays and objects accepted. */
    public static final int MAX_DEPTH = 512;

    private Json() {}

    /** Parses {@code text}, which must hold exactly one JSON value. */
    public static JsonValue parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        Parser p = new Parser(text);
        if (p.pos < text.length() && text.charAt(p.pos) == '\uFEFF') {
            p.pos++;
        }
        p.skipWhitespace();
        JsonValue v = p.value(0);
        p.skipWhitespace();
        if (p.pos < text.length()) {
            throw p.error("expected end of input after the JSON value but found " + p.describe(p.pos));
        }
        return v;
    }

    /**
     * {@code s} as a JSON string literal, quotes included. Everything outside printable ASCII is written as a
     * {@code \}{@code uXXXX} escape, so the result reads the same in any output encoding.
     */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /**
     * {@code x} as a JSON number rounded to {@code significantDigits} significant digits, without trailing
     * zeros ({@code 417.2}, {@code 0.484}, {@code 1.2E-9}); {@code null} when {@code x} is NaN or infinite,
     * which JSON cannot represent.
     */
    public static String number(double x, int significantDigits) {
        if (significantDigits < 1) {
            throw new IllegalArgumentException("significantDigits must be >= 1 but was " + significantDigits);
        }
        if (!Double.isFinite(x)) {
            return "null";
        }
        if (x == 0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(x).round(new MathContext(significantDigits, RoundingMode.HALF_UP))
                .stripTrailingZeros();
        int exponent = d.precision() - d.scale() - 1;
        // Plain digits read best; very large or small magnitudes would need long runs of zeros.
        return exponent >= -7 && exponent < 21 ? d.toPlainString() : d.toString();
    }

    static String typeName(Class<? extends JsonValue> type) {
        if (type == JsonValue.Obj.class) {
            return "object";
        }
        if (type == JsonValue.Arr.class) {
            return "array";
        }
        if (type == JsonValue.Str.class) {
            return "string";
        }
        if (type == JsonValue.Num.class) {
            return "number";
        }
        return type == JsonValue.Bool.class ? "boolean" : "null";
    }

    /** "an object", "a string", "null". */
    static String article(String typeName) {
        if (typeName.equals("null")) {
            return "null";
        }
        return ("aeiou".indexOf(typeName.charAt(0)) >= 0 ? "an " : "a ") + typeName;
    }

    /** A recursive-descent parser over one text; one instance per call. */
    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        JsonValue value(int depth) {
            if (pos >= text.length()) {
                throw error("expected a JSON value but found end of input");
            }
            char c = text.charAt(pos);
            return switch (c) {
                case '{' -> object(depth + 1);
                case '[' -> array(depth + 1);
                case '"' -> new JsonValue.Str(string());
                case 't' -> literal("true", new JsonValue.Bool(true));
                case 'f' -> literal("false", new JsonValue.Bool(false));
                case 'n' -> literal("null", new JsonValue.Null());
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw error("expected a JSON value but found " + describe(pos));
                }
            };
        }

        private JsonValue.Obj object(int depth) {
            checkDepth(depth);
            int start = pos;
            pos++;
            Map<String, JsonValue> members = new LinkedHashMap<>();
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return new JsonValue.Obj(members);
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw error("expected a string key in the object starting at " + where(start) + " but found "
                            + describe(pos));
                }
                int keyPos = pos;
                String key = string();
                skipWhitespace();
                expect(':', "after the key " + quote(key));
                skipWhitespace();
                JsonValue v = value(depth);
                if (members.putIfAbsent(key, v) != null) {
                    throw errorAt(keyPos, "duplicate key " + quote(key) + " in the object starting at " + where(start));
                }
                skipWhitespace();
                if (peek() == ',') {
                    pos++;
                    continue;
                }
                if (peek() == '}') {
                    pos++;
                    return new JsonValue.Obj(members);
                }
                throw error("expected ',' or '}' in the object starting at " + where(start) + " but found "
                        + describe(pos));
            }
        }

        private JsonValue.Arr array(int depth) {
            checkDepth(depth);
            int start = pos;
            pos++;
            List<JsonValue> elements = new ArrayList<>();
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return new JsonValue.Arr(elements);
            }
            while (true) {
                skipWhitespace();
                elements.add(value(depth));
                skipWhitespace();
                if (peek() == ',') {
                    pos++;
                    continue;
                }
                if (peek() == ']') {
                    pos++;
                    return new JsonValue.Arr(elements);
                }
                throw error("expected ',' or ']' in the array starting at " + where(start) + " but found "
                        + describe(pos));
            }
        }

        private String string() {
            int start = pos;
            pos++;
            StringBuilder b = new StringBuilder();
            while (true) {
                if (pos >= text.length()) {
                    throw errorAt(start, "unterminated string");
                }
                char c = text.charAt(pos);
                if (c == '"') {
                    pos++;
                    return b.toString();
                }
                if (c < 0x20) {
                    throw error("control character " + describe(pos) + " must be escaped in a string");
                }
                if (c != '\\') {
                    b.append(c);
                    pos++;
                    continue;
                }
                if (pos + 1 >= text.length()) {
                    throw errorAt(start, "unterminated string");
                }
                char e = text.charAt(pos + 1);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        b.append(hex4(pos + 2));
                        pos += 4;
                    }
                    default -> throw error("invalid escape '\\" + printable(e) + "' in a string");
                }
                pos += 2;
            }
        }

        private char hex4(int at) {
            if (at + 4 > text.length()) {
                throw errorAt(at - 2, "\\u must be followed by four hexadecimal digits");
            }
            int v = 0;
            for (int i = at; i < at + 4; i++) {
                int d = Character.digit(text.charAt(i), 16);
                if (d < 0 || text.charAt(i) > 'f') {
                    throw errorAt(at - 2, "\\u must be followed by four hexadecimal digits");
                }
                v = v * 16 + d;
            }
            return (char) v;
        }

        private JsonValue.Num number() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            if (peek() == '0') {
                pos++;
                if (isDigit(peek())) {
                    throw error("a number must not have a leading zero");
                }
            } else if (isDigit(peek())) {
                digits();
            } else {
                throw error("expected a digit after '-' but found " + describe(pos));
            }
            if (peek() == '.') {
                pos++;
                if (!isDigit(peek())) {
                    throw error("expected a digit after the decimal point but found " + describe(pos));
                }
                digits();
            }
            if (peek() == 'e' || peek() == 'E') {
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                if (!isDigit(peek())) {
                    throw error("expected a digit in the exponent but found " + describe(pos));
                }
                digits();
            }
            String literal = text.substring(start, pos);
            double v = Double.parseDouble(literal);
            if (Double.isInfinite(v)) {
                throw errorAt(start, "number " + literal + " is too large for a double");
            }
            return new JsonValue.Num(v, literal);
        }

        private void digits() {
            while (isDigit(peek())) {
                pos++;
            }
        }

        private JsonValue literal(String word, JsonValue v) {
            if (!text.startsWith(word, pos)) {
                throw error("expected a JSON value but found " + describe(pos));
            }
            pos += word.length();
            return v;
        }

        private void expect(char c, String context) {
            if (peek() != c) {
                throw error("expected '" + c + "' " + context + " but found " + describe(pos));
            }
            pos++;
        }

        private void checkDepth(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("arrays and objects are nested more than " + MAX_DEPTH + " deep");
            }
        }

        void skipWhitespace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        /** The character at the current position, or -1 at the end. */
        private int peek() {
            return pos < text.length() ? text.charAt(pos) : -1;
        }

        private static boolean isDigit(int c) {
            return c >= '0' && c <= '9';
        }

        String describe(int at) {
            if (at >= text.length()) {
                return "end of input";
            }
            return "'" + printable(text.charAt(at)) + "'";
        }

        private static String printable(char c) {
            return c < 0x20 || c == 0x7f ? String.format("U+%04X", (int) c) : String.valueOf(c);
        }

        JsonException error(String message) {
            return errorAt(pos, message);
        }

        private JsonException errorAt(int at, String message) {
            return new JsonException(where(at) + ": " + message);
        }

        /** "line 3, column 7" (both from 1; a column counts chars). */
        private String where(int at) {
            int line = 1, lineStart = 0;
            for (int i = 0; i < at && i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
                    line++;
                    lineStart = i + 1;
                }
            }
            return "line " + line + ", column " + (at - lineStart + 1);
        }
    }
}
