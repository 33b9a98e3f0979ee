package dev.flashvec.attention;

/** How a causal mask lines queries up with keys when {@code Sq != Sk}; always explicit, never implied. */
public enum CausalAlignment {
    /** No causal mask. */
    NONE,
    /** Query {@code i} sees keys {@code j <= i} (PyTorch {@code is_causal}). */
    TOP_LEFT,
    /**
     * Query {@code i} sees keys {@code j <= i + (kvLen[b] - Sq)}: the last query sees every valid key
     * (FlashAttention 2.1+, KV-cache decoding).
     */
    BOTTOM_RIGHT;

    /** Parses {@code none}, {@code top-left} or {@code bottom-right} (underscores accepted too). */
    public static CausalAlignment parse(String name) {
        String n = name.trim().replace('-', '_');
        for (CausalAlignment c : values()) {
            if (c.name().equalsIgnoreCase(n)) {
                return c;
            }
        }
        throw new IllegalArgumentException("causal must be none, top-left or bottom-right but was '" + name + "'");
    }
}
