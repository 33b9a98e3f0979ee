package dev.flashvec.tensor;

import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The header of an {@code .npy} file: dtype, byte order and C-order shape; parses and formats the header's
 * Python dict literal (NPY format versions 1.0, 2.0 and 3.0).
 *
 * <p>The dict is parsed by a small recursive-descent reader of Python literals (strings, ints, True/False/None,
 * tuples, lists, dicts) rather than by pattern matching, so that any header NumPy writes is read and any
 * malformed one is rejected with the position of the problem.
 */
record NpyHeader(NpyDtype dtype, ByteOrder order, int[] shape, int count) {
    /** {@code \x93NUMPY}: the six bytes every {@code .npy} file starts with. */
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Arrays start at a multiple of this many bytes, as NumPy ≥ 1.x writes them (it helps memory mapping). */
    static final int ALIGN = 64;
    /** The largest element count flashvec accepts: what a Java array can hold on common JVMs. */
    static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

    /** Byte count of the data that follows the header. */
    long dataBytes() {
        return (long) count * dtype.itemSize();
    }

    /** Interprets the header dict {@code text} of file {@code file}. */
    static NpyHeader parse(String text, String file) throws NpyFormatException {
        Object value;
        try {
            Reader r = new Reader(text);
            value = r.value();
            r.skipSpace();
            if (r.pos < text.length()) {
                throw r.error("unexpected text after the dict");
            }
        } catch (IllegalStateException e) {
            throw new NpyFormatException(file, "malformed header dict: " + e.getMessage() + " in " + quote(text));
        }
        if (!(value instanceof Map<?, ?> dict)) {
            throw new NpyFormatException(file, "malformed header: expected a dict but found " + quote(text));
        }
        if (!dict.keySet().equals(KEYS)) {
            throw new NpyFormatException(file, "malformed header: keys must be 'descr', 'fortran_order' and 'shape' but were "
                    + dict.keySet());
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new NpyFormatException(file, "malformed header: fortran_order must be True or False but was "
                    + dict.get("fortran_order"));
        }
        if (fortran) {
            throw new NpyFormatException(file, "array is stored in Fortran (column-major) order; only C order is supported"
                    + " (save it with numpy.ascontiguousarray)");
        }
        Object descr = dict.get("descr");
        if (!(descr instanceof String d)) {
            throw new NpyFormatException(file, "unsupported dtype " + descr + " (structured dtypes are not supported)");
        }
        if (!(dict.get("shape") instanceof Shape dims)) {
            throw new NpyFormatException(file, "malformed header: shape must be a tuple of ints but was "
                    + dict.get("shape"));
        }
        int[] shape = new int[dims.size()];
        long count = 1;
        for (int a = 0; a < shape.length; a++) {
            if (!(dims.get(a) instanceof BigInteger dim) || dim.signum() < 0) {
                throw new NpyFormatException(file, "malformed header: shape must hold non-negative ints but was " + dims);
            }
            if (dim.compareTo(BigInteger.valueOf(MAX_ELEMENTS)) > 0) {
                throw new NpyFormatException(file, "shape " + dims + " has more elements than a Java array can hold ("
                        + MAX_ELEMENTS + ")");
            }
            shape[a] = dim.intValue();
        }
        for (int dim : shape) {
            count *= dim;
            if (count > MAX_ELEMENTS) {
                throw new NpyFormatException(file, "shape " + formatShape(shape) + " has more elements than a Java array"
                        + " can hold (" + MAX_ELEMENTS + ")");
            }
        }
        return new NpyHeader(dtypeOf(d, file), orderOf(d), shape, (int) count);
    }

    private static NpyDtype dtypeOf(String descr, String file) throws NpyFormatException {
        NpyDtype t = descr.length() == 3 && "<>|=".indexOf(descr.charAt(0)) >= 0 ? NpyDtype.ofCode(descr.substring(1)) : null;
        // '|' (not applicable) is what NumPy writes for one-byte types; byte order only matters above one byte.
        if (t == null || (descr.charAt(0) == '|' && t.itemSize() > 1)) {
            throw new NpyFormatException(file, "unsupported dtype '" + descr + "' (supported: <f4, <f2, <f8, |b1, <i4, <i8"
                    + " and their big-endian > forms)");
        }
        return t;
    }

    private static ByteOrder orderOf(String descr) {
        return switch (descr.charAt(0)) {
            case '>' -> ByteOrder.BIG_ENDIAN;
            case '=' -> ByteOrder.nativeOrder();
            default -> ByteOrder.LITTLE_ENDIAN;
        };
    }

    /**
     * The complete preamble NumPy would write for a little-endian C-order array: magic, version, header length
     * and the dict padded with spaces to end in a newline at a multiple of {@link #ALIGN} bytes. Version 1.0 is
     * used unless the header is too long for its 2-byte length field, then 2.0.
     */
    static byte[] format(NpyDtype dtype, int[] shape) {
        String dict = "{'descr': '" + dtype.descr() + "', 'fortran_order': False, 'shape': " + formatShape(shape) + ", }";
        int major = 1;
        int lengthBytes = 2;
        int total = paddedLength(dict, lengthBytes);
        if (total - MAGIC.length - 2 - lengthBytes > 0xFFFF) {
            major = 2;
            lengthBytes = 4;
            total = paddedLength(dict, lengthBytes);
        }
        int headerLength = total - MAGIC.length - 2 - lengthBytes;
        byte[] out = new byte[total];
        Arrays.fill(out, (byte) ' ');
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[6] = (byte) major;
        out[7] = 0;
        for (int i = 0; i < lengthBytes; i++) {
            out[8 + i] = (byte) (headerLength >>> (8 * i));
        }
        byte[] text = dict.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(text, 0, out, 8 + lengthBytes, text.length);
        out[total - 1] = '\n';
        return out;
    }

    private static int paddedLength(String dict, int lengthBytes) {
        int unpadded = MAGIC.length + 2 + lengthBytes + dict.length() + 1;
        return (unpadded + ALIGN - 1) / ALIGN * ALIGN;
    }

    /** A shape as Python writes a tuple: {@code ()}, {@code (5,)}, {@code (2, 3)}. */
    static String formatShape(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int a = 0; a < shape.length; a++) {
            sb.append(a == 0 ? "" : ", ").append(shape[a]);
        }
        return sb.append(')').toString();
    }

    private static String quote(String text) {
        String t = text.strip();
        return "\"" + (t.length() > 120 ? t.substring(0, 117) + "..." : t) + "\"";
    }

    /** A parsed Python tuple (as opposed to a list): NumPy's shape must be one. */
    private static final class Shape extends ArrayList<Object> {
        private static final long serialVersionUID = 1L;
    }

    /** Python's None: a value no header key may take. */
    private static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    /** Reads one Python literal; errors are IllegalStateExceptions naming the offset. */
    private static final class Reader {
        private final String s;
        private int pos;

        Reader(String s) {
            this.s = s;
        }

        Object value() {
            skipSpace();
            if (pos >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(pos);
            if (c == '{') {
                return dict();
            }
            if (c == '(' || c == '[') {
                return sequence(c);
            }
            if (c == '\'' || c == '"') {
                return string(c);
            }
            if (c == '-' || c == '+' || Character.isDigit(c)) {
                return integer();
            }
            if (Character.isLetter(c)) {
                return name();
            }
            throw error("unexpected character '" + c + "'");
        }

        private Map<Object, Object> dict() {
            pos++;
            Map<Object, Object> map = new LinkedHashMap<>();
            while (true) {
                skipSpace();
                if (peek('}')) {
                    pos++;
                    return map;
                }
                Object key = value();
                skipSpace();
                expect(':');
                Object v = value();
                if (map.put(key, v) != null) {
                    throw error("duplicate key " + key);
                }
                skipSpace();
                if (peek(',')) {
                    pos++;
                } else {
                    skipSpace();
                    expect('}');
                    return map;
                }
            }
        }

        /** A tuple or list; {@code (x)} without a comma is just {@code x}, as in Python. */
        private Object sequence(char open) {
            char close = open == '(' ? ')' : ']';
            pos++;
            List<Object> items = open == '(' ? new Shape() : new ArrayList<>();
            boolean comma = false;
            while (true) {
                skipSpace();
                if (peek(close)) {
                    pos++;
                    return open == '(' && items.size() == 1 && !comma ? items.get(0) : items;
                }
                items.add(value());
                skipSpace();
                comma = peek(',');
                if (comma) {
                    pos++;
                } else {
                    expect(close);
                    return open == '(' && items.size() == 1 ? items.get(0) : items;
                }
            }
        }

        private String string(char quote) {
            StringBuilder sb = new StringBuilder();
            pos++;
            while (pos < s.length() && s.charAt(pos) != quote) {
                char c = s.charAt(pos++);
                if (c == '\\' && pos < s.length()) {
                    c = s.charAt(pos++);
                }
                sb.append(c);
            }
            expect(quote);
            return sb.toString();
        }

        private BigInteger integer() {
            int start = pos;
            if (peek('-') || peek('+')) {
                pos++;
            }
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            String digits = s.substring(start, pos);
            // Python 2 wrote long ints with an L suffix; NumPy still reads such old files.
            if (peek('L') || peek('l')) {
                pos++;
            }
            try {
                return new BigInteger(digits);
            } catch (NumberFormatException e) {
                throw error("malformed number '" + digits + "'");
            }
        }

        private Object name() {
            int start = pos;
            while (pos < s.length() && Character.isLetterOrDigit(s.charAt(pos))) {
                pos++;
            }
            String n = s.substring(start, pos);
            return switch (n) {
                case "True" -> Boolean.TRUE;
                case "False" -> Boolean.FALSE;
                case "None" -> NONE;
                default -> throw error("unknown name '" + n + "'");
            };
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private boolean peek(char c) {
            return pos < s.length() && s.charAt(pos) == c;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        IllegalStateException error(String what) {
            return new IllegalStateException(what + " at offset " + pos);
        }
    }
}
