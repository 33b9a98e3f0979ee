package dev.flashvec.report;

import java.util.Locale;

/**
 * Writes an SVG document as text: a few element helpers, number formatting and XML escaping. The caller
 * passes attributes as literal text built only from constants and {@link #num} values; every piece of text
 * that could come from a user (titles, labels) goes through {@link #escape}.
 */
final class Svg {
    /** Fonts with metrics close to the width estimate of {@link #textWidth}. */
    static final String FONT = "DejaVu Sans, Verdana, Helvetica, Arial, sans-serif";

    private final StringBuilder b = new StringBuilder();

    Svg(double width, double height) {
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(num(width))
                .append("\" height=\"").append(num(height)).append("\" viewBox=\"0 0 ").append(num(width)).append(' ')
                .append(num(height)).append("\" font-family=\"").append(FONT).append("\">\n")
                .append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    }

    /** A coordinate or length with at most one decimal: {@code 12}, {@code 12.5}. */
    static String num(double v) {
        double r = Math.round(v * 10) / 10.0;
        if (r == Math.rint(r)) {
            return Long.toString((long) r);
        }
        return String.format(Locale.ROOT, "%.1f", r);
    }

    /**
     * {@code s} as XML character data or attribute text: markup characters escaped, and characters XML 1.0
     * forbids (most control characters, unpaired surrogates) replaced by U+FFFD so the document stays well-formed.
     */
    static String escape(String s) {
        StringBuilder e = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> e.append("&amp;");
                case '<' -> e.append("&lt;");
                case '>' -> e.append("&gt;");
                case '"' -> e.append("&quot;");
                case '\'' -> e.append("&apos;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        e.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c) || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                            || c == 0xFFFE || c == 0xFFFF) {
                        e.append('\uFFFD');
                    } else {
                        e.append(c);
                    }
                }
            }
        }
        return e.toString();
    }

    /** Approximate width in pixels of {@code s} at {@code fontSize} in {@link #FONT} (wide-ish, so text fits). */
    static double textWidth(String s, double fontSize) {
        return s.codePointCount(0, s.length()) * 0.6 * fontSize;
    }

    Svg line(double x1, double y1, double x2, double y2, String attributes) {
        b.append("<line x1=\"").append(num(x1)).append("\" y1=\"").append(num(y1)).append("\" x2=\"").append(num(x2))
                .append("\" y2=\"").append(num(y2)).append("\" ").append(attributes).append("/>\n");
        return this;
    }

    Svg rect(double x, double y, double w, double h, String attributes) {
        b.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"").append(num(w))
                .append("\" height=\"").append(num(h)).append("\" ").append(attributes).append("/>\n");
        return this;
    }

    /** A text element; {@code text} is escaped here. */
    Svg text(double x, double y, String text, String attributes) {
        b.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" ").append(attributes)
                .append('>').append(escape(text)).append("</text>\n");
        return this;
    }

    /** Markup written as given (the caller escapes any text in it). */
    Svg raw(String markup) {
        b.append(markup);
        return this;
    }

    /** A tooltip: a {@code <title>} child, escaped. */
    static String title(String tooltip) {
        return "<title>" + escape(tooltip) + "</title>";
    }

    /** The finished document. */
    String finish() {
        return b + "</svg>\n";
    }
}
