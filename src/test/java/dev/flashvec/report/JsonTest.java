package dev.flashvec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonTest {
    @Test
    void parsesEveryKindOfValue() {
        JsonValue v = Json.parse(" {\"a\": [1, -2.5e3, 0, 0.125, 1E-2, true, false, null, \"x\"], \"b\": {}, \"c\": []}\r\n");
        JsonValue.Obj o = assertInstanceOf(JsonValue.Obj.class, v);
        assertEquals(List.of("a", "b", "c"), List.copyOf(o.members().keySet()));
        List<JsonValue> a = o.array("a").elements();
        assertEquals(1.0, ((JsonValue.Num) a.get(0)).value());
        assertEquals(-2500.0, ((JsonValue.Num) a.get(1)).value());
        assertEquals("-2.5e3", ((JsonValue.Num) a.get(1)).text());
        assertEquals(0.0, ((JsonValue.Num) a.get(2)).value());
        assertEquals(0.125, ((JsonValue.Num) a.get(3)).value());
        assertEquals(0.01, ((JsonValue.Num) a.get(4)).value());
        assertEquals(new JsonValue.Bool(true), a.get(5));
        assertEquals(new JsonValue.Bool(false), a.get(6));
        assertEquals(new JsonValue.Null(), a.get(7));
        assertEquals(new JsonValue.Str("x"), a.get(8));
        assertEquals(Map.of(), o.object("b").members());
        assertEquals(List.of(), o.array("c").elements());
    }

    @Test
    void unescapesStrings() {
        JsonValue v = Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9\\u00C9 \\ud83d\\ude00 é\"");
        assertEquals("q\" b\\ s/ \b\f\n\r\t éÉ 😀 é", ((JsonValue.Str) v).value());
    }

    @Test
    void skipsALeadingByteOrderMark() {
        assertEquals(new JsonValue.Num(1, "1"), Json.parse("\uFEFF 1"));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("", "line 1, column 1: expected a JSON value but found end of input"),
                Arguments.of("   ", "line 1, column 4: expected a JSON value but found end of input"),
                Arguments.of("[1, 2,]", "line 1, column 7: expected a JSON value but found ']'"),
                Arguments.of("{\"a\": 1,}", "line 1, column 9: expected a string key"),
                Arguments.of("{'a': 1}", "expected a string key in the object starting at line 1, column 1 but found '''"),
                Arguments.of("{\"a\" 1}", "expected ':' after the key \"a\" but found '1'"),
                Arguments.of("{\"a\": 1 \"b\": 2}", "expected ',' or '}' in the object"),
                Arguments.of("[1 2]", "expected ',' or ']' in the array"),
                Arguments.of("[1", "line 1, column 3: expected ',' or ']' in the array starting at line 1, column 1 but found end of input"),
                Arguments.of("01", "a number must not have a leading zero"),
                Arguments.of("-01", "a number must not have a leading zero"),
                Arguments.of("+1", "expected a JSON value but found '+'"),
                Arguments.of(".5", "expected a JSON value but found '.'"),
                Arguments.of("1.", "expected a digit after the decimal point but found end of input"),
                Arguments.of("1e", "expected a digit in the exponent"),
                Arguments.of("1e+", "expected a digit in the exponent"),
                Arguments.of("-", "expected a digit after '-' but found end of input"),
                Arguments.of("-x", "expected a digit after '-' but found 'x'"),
                Arguments.of("1e400", "number 1e400 is too large for a double"),
                Arguments.of("NaN", "expected a JSON value but found 'N'"),
                Arguments.of("Infinity", "expected a JSON value but found 'I'"),
                Arguments.of("tru", "expected a JSON value but found 't'"),
                Arguments.of("nul", "expected a JSON value but found 'n'"),
                Arguments.of("True", "expected a JSON value but found 'T'"),
                Arguments.of("\"abc", "line 1, column 1: unterminated string"),
                Arguments.of("\"abc\\", "unterminated string"),
                Arguments.of("\"a\tb\"", "line 1, column 3: control character 'U+0009' must be escaped in a string"),
                Arguments.of("\"a\nb\"", "control character 'U+000A' must be escaped"),
                Arguments.of("\"\\x\"", "invalid escape '\\x' in a string"),
                Arguments.of("\"\\u12\"", "\\u must be followed by four hexadecimal digits"),
                Arguments.of("\"\\u12g4\"", "\\u must be followed by four hexadecimal digits"),
                Arguments.of("\"\\u١٢٣٤\"", "\\u must be followed by four hexadecimal digits"),
                Arguments.of("{\"a\": 1, \"a\": 2}", "line 1, column 10: duplicate key \"a\" in the object starting at line 1, column 1"),
                Arguments.of("1 2", "line 1, column 3: expected end of input after the JSON value but found '2'"),
                Arguments.of("{} x", "expected end of input after the JSON value"),
                Arguments.of("/* c */ 1", "expected a JSON value but found '/'"),
                Arguments.of("[\n  1,\n  x]", "line 3, column 3: expected a JSON value but found 'x'"),
                Arguments.of("[\r\n1,\rx]", "line 3, column 1: expected a JSON value but found 'x'"),
                Arguments.of("\u00a0 1", "expected a JSON value but found '\u00a0'"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsWhatIsNotJson(String text, String message) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(text));
        assertTrue(e.getMessage().contains(message), () -> "message for " + text + " was: " + e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line");
    }

    @Test
    void limitsNesting() {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        Json.parse(ok);
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().contains("nested more than " + Json.MAX_DEPTH + " deep"), e.getMessage());
        String deepObjects = "{\"a\":".repeat(Json.MAX_DEPTH + 1) + "1" + "}".repeat(Json.MAX_DEPTH + 1);
        assertThrows(JsonException.class, () -> Json.parse(deepObjects));
    }

    @Test
    void quotedStringsParseBackToThemselves() {
        Random r = new Random(11);
        for (int t = 0; t < 2000; t++) {
            StringBuilder s = new StringBuilder();
            for (int i = r.nextInt(12); i > 0; i--) {
                s.append(switch (r.nextInt(4)) {
                    case 0 -> (char) r.nextInt(0x20);
                    case 1 -> "\"\\/".charAt(r.nextInt(3));
                    case 2 -> (char) (0x20 + r.nextInt(0x5f));
                    default -> (char) r.nextInt(0x10000);
                });
            }
            String quoted = Json.quote(s.toString());
            assertTrue(quoted.chars().allMatch(c -> c >= 0x20 && c <= 0x7e), "printable ASCII only: " + quoted);
            assertEquals(new JsonValue.Str(s.toString()), Json.parse(quoted));
        }
    }

    @Test
    void formatsNumbersWithSignificantDigits() {
        assertEquals("417.2", Json.number(417.2263727333333, 4));
        assertEquals("0.484", Json.number(0.48361, 3));
        assertEquals("1235", Json.number(1234.5, 4));
        assertEquals("1200", Json.number(1234.5, 2));
        assertEquals("3", Json.number(3.0, 4));
        assertEquals("0", Json.number(0.0, 4));
        assertEquals("0", Json.number(-0.0, 4));
        assertEquals("-2.5", Json.number(-2.5, 4));
        assertEquals("0.00001235", Json.number(1.23456e-5, 4));
        assertEquals("1.235E-9", Json.number(1.23456e-9, 4));
        assertEquals("1.235E+22", Json.number(1.23456e22, 4));
        assertEquals("null", Json.number(Double.NaN, 4));
        assertEquals("null", Json.number(Double.POSITIVE_INFINITY, 4));
        for (double x : new double[] {417.2263, 1.23456e-9, 1.23456e22, -7.5e-300, 98309680200.40584}) {
            String s = Json.number(x, 6);
            double back = ((JsonValue.Num) Json.parse(s)).value();
            assertEquals(x, back, Math.abs(x) * 1e-5, s);
        }
    }

    @Test
    void typedAccessorsSayWhatWasExpected() {
        JsonValue.Obj o = (JsonValue.Obj) Json.parse("{\"s\": \"x\", \"n\": 1, \"a\": [], \"z\": null}");
        assertEquals("\"s\" must be a number but is a string",
                assertThrows(JsonException.class, () -> o.number("s")).getMessage());
        assertEquals("\"n\" must be an object but is a number",
                assertThrows(JsonException.class, () -> o.object("n")).getMessage());
        assertEquals("\"z\" must be a string but is null",
                assertThrows(JsonException.class, () -> o.string("z")).getMessage());
        assertEquals("\"a\" must be a string but is an array",
                assertThrows(JsonException.class, () -> o.string("a")).getMessage());
        assertEquals("missing \"q\"", assertThrows(JsonException.class, () -> o.string("q")).getMessage());
    }

    @Test
    void jsonLineWritesOneObjectThatParsesBack() {
        String line = new JsonLine().add("bench", "attention").add("B", 1).add("causal", false)
                .add("gflops", 123.456789, 4).add("bad", Double.NaN, 4).add("note", "a\"b\nc").add("none", (String) null)
                .toString();
        assertEquals("{\"bench\":\"attention\",\"B\":1,\"causal\":false,\"gflops\":123.5,\"bad\":null,"
                + "\"note\":\"a\\\"b\\nc\",\"none\":null}", line);
        JsonValue.Obj o = (JsonValue.Obj) Json.parse(line);
        assertEquals("a\"b\nc", o.string("note"));
        assertEquals(123.5, o.number("gflops"));
        assertThrows(IllegalArgumentException.class, () -> new JsonLine().add("a", 1).add("a", 2));
        assertEquals("{}", new JsonLine().toString());
    }
}
