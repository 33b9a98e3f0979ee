package dev.flashvec.tensor;

/** The order in which a 4-D attention tensor's dimensions are laid out in memory. */
public enum Layout {
    /** {@code [batch, heads, seq, dim]}: each head's sequence is contiguous. */
    BHSD,
    /** {@code [batch, seq, heads, dim]}: the packed {@code [B, S, H·D]} output of a projection. */
    BSHD;

    /** Parses {@code bhsd} or {@code bshd}, case-insensitively. */
    public static Layout parse(String name) {
        for (Layout l : values()) {
            if (l.name().equalsIgnoreCase(name)) {
                return l;
            }
        }
        throw new IllegalArgumentException("layout must be bhsd or bshd but was '" + name + "'");
    }
}
