package dev.flashvec.cli;

import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.tensor.Layout;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * Picocli converters for the option types whose parsers live in the engine, so that a bad value is reported
 * with the parser's own message ({@code causal must be none, top-left or bottom-right but was 'x'}).
 */
final class Converters {
    private Converters() {}

    /** Adapts a parser that throws IllegalArgumentException to picocli's conversion error. */
    private abstract static class Parsing<T> implements CommandLine.ITypeConverter<T> {
        private final Function<String, T> parser;

        Parsing(Function<String, T> parser) {
            this.parser = parser;
        }

        @Override
        public T convert(String value) {
            try {
                return parser.apply(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code bhsd} or {@code bshd}. */
    static final class LayoutConverter extends Parsing<Layout> {
        LayoutConverter() {
            super(Layout::parse);
        }
    }

    /** {@code none}, {@code top-left} or {@code bottom-right}. */
    static final class CausalConverter extends Parsing<CausalAlignment> {
        CausalConverter() {
            super(CausalAlignment::parse);
        }
    }

    /** {@code L,R}. */
    static final class WindowConverter extends Parsing<Window> {
        WindowConverter() {
            super(Window::parse);
        }
    }
}
