package dev.flashvec.position;

/** Which pairs of a head vector's dimensions RoPE rotates together. */
public enum RotaryStyle {
    /** Pairs {@code (2i, 2i+1)}: GPT-J, the RoFormer paper. */
    INTERLEAVED,
    /** Pairs {@code (i, i + D/2)}: GPT-NeoX, LLaMA ("rotate_half"). */
    HALF_SPLIT
}
