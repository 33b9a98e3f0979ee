package dev.flashvec.cli;

import dev.flashvec.attention.AttentionOptions;

/**
 * A sliding window as given on the command line, {@code L,R}: keys allowed to the left and right of the
 * (aligned) diagonal, {@code -1} meaning unbounded.
 *
 * @param left  keys allowed left of the diagonal, or -1
 * @param right keys allowed right of the diagonal, or -1
 */
record Window(int left, int right) {
    /** Parses {@code L,R} with each side an integer >= -1. */
    static Window parse(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("window must be two integers L,R (-1 = unbounded) but was '" + text + "'");
        }
        int left = side(parts[0], text), right = side(parts[1], text);
        if (left < AttentionOptions.UNBOUNDED || right < AttentionOptions.UNBOUNDED) {
            throw new IllegalArgumentException("window sides must be >= 0 or -1 (unbounded) but were " + text);
        }
        return new Window(left, right);
    }

    private static int side(String s, String text) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("window must be two integers L,R (-1 = unbounded) but was '" + text + "'");
        }
    }

    @Override
    public String toString() {
        return left + "," + right;
    }
}
