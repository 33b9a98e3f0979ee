package dev.flashvec.attention;

import java.util.Arrays;

/**
 * Everything besides Q, K and V that decides what attention computes: scale, softcap, causal alignment,
 * sliding window, explicit mask, per-batch key lengths, position bias (ALiBi, relative), score modifier and
 * mask predicate. Immutable; build with {@link #builder()}.
 *
 * <p>The semantics are those of {@code docs/SEMANTICS.md}. Options are checked against the tensors'
 * shapes at the call to {@link Attention}, not here.
 */
public final class AttentionOptions {
    /** Marks a side of the sliding window as unbounded. */
    public static final int UNBOUNDED = -1;

    private static final AttentionOptions DEFAULTS = builder().build();

    private final float scale;
    private final float softcap;
    private final CausalAlignment causal;
    private final int windowLeft;
    private final int windowRight;
    private final AttentionMask mask;
    private final int[] kvLengths;
    private final PositionBias positionBias;
    private final ScoreMod scoreMod;
    private final MaskMod maskMod;

    private AttentionOptions(Builder b) {
        this.scale = b.scale;
        this.softcap = b.softcap;
        this.causal = b.causal;
        this.windowLeft = b.windowLeft;
        this.windowRight = b.windowRight;
        this.mask = b.mask;
        this.kvLengths = b.kvLengths == null ? null : b.kvLengths.clone();
        this.positionBias = b.positionBias;
        this.scoreMod = b.scoreMod;
        this.maskMod = b.maskMod;
    }

    /** Plain scaled dot-product attention: scale 1/sqrt(Dk), nothing masked. */
    public static AttentionOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.scale = scale;
        b.softcap = softcap;
        b.causal = causal;
        b.windowLeft = windowLeft;
        b.windowRight = windowRight;
        b.mask = mask;
        b.kvLengths = kvLengths;
        b.positionBias = positionBias;
        b.scoreMod = scoreMod;
        b.maskMod = maskMod;
        return b;
    }

    /** The score scale, or NaN meaning 1/sqrt(Dk). */
    public float scale() {
        return scale;
    }

    /** The scale to use for head dimension {@code dk}. */
    public float scaleFor(int dk) {
        return Float.isNaN(scale) ? (float) (1.0 / Math.sqrt(dk)) : scale;
    }

    /** The softcap, or 0 for none. */
    public float softcap() {
        return softcap;
    }

    public CausalAlignment causal() {
        return causal;
    }

    /** Keys allowed to the left of the aligned diagonal, or {@link #UNBOUNDED}. */
    public int windowLeft() {
        return windowLeft;
    }

    /** Keys allowed to the right of the aligned diagonal, or {@link #UNBOUNDED}. */
    public int windowRight() {
        return windowRight;
    }

    /** True if either window side is bounded. */
    public boolean hasWindow() {
        return windowLeft != UNBOUNDED || windowRight != UNBOUNDED;
    }

    /** The explicit mask, or null. */
    public AttentionMask mask() {
        return mask;
    }

    /** Valid key count per batch entry (a copy), or null meaning all Sk keys. */
    public int[] kvLengths() {
        return kvLengths == null ? null : kvLengths.clone();
    }

    /** Valid key count of batch entry {@code b} given {@code sk} keys in total. */
    public int kvLength(int b, int sk) {
        return kvLengths == null ? sk : kvLengths[b];
    }

    /** The ALiBi or relative-position bias, or null. */
    public PositionBias positionBias() {
        return positionBias;
    }

    /** The score modifier, or null. */
    public ScoreMod scoreMod() {
        return scoreMod;
    }

    /** The mask predicate (with its tile classification), or null. */
    public MaskMod maskMod() {
        return maskMod;
    }

    @Override
    public String toString() {
        return "AttentionOptions{scale=" + (Float.isNaN(scale) ? "1/sqrt(Dk)" : scale) + ", softcap=" + softcap
                + ", causal=" + causal + ", window=(" + windowLeft + ", " + windowRight + ")"
                + ", mask=" + (mask == null ? "none" : (mask.isBoolean() ? "boolean " : "additive ") + mask.bias())
                + ", kvLengths=" + (kvLengths == null ? "all" : Arrays.toString(kvLengths))
                + (positionBias == null ? "" : ", positionBias=" + positionBias)
                + (scoreMod == null ? "" : ", scoreMod=" + scoreMod)
                + (maskMod == null ? "" : ", maskMod=" + maskMod) + "}";
    }

    /** Collects options; each setter checks its own argument. */
    public static final class Builder {
        private float scale = Float.NaN;
        private float softcap = 0f;
        private CausalAlignment causal = CausalAlignment.NONE;
        private int windowLeft = UNBOUNDED;
        private int windowRight = UNBOUNDED;
        private AttentionMask mask;
        private int[] kvLengths;
        private PositionBias positionBias;
        private ScoreMod scoreMod;
        private MaskMod maskMod;

        private Builder() {}

        /** Multiplies q·k; must be finite. Default 1/sqrt(Dk). */
        public Builder scale(float scale) {
            if (!Float.isFinite(scale)) {
                throw new IllegalArgumentException("scale must be finite but was " + scale);
            }
            this.scale = scale;
            return this;
        }

        /** Caps scores with {@code softcap·tanh(s/softcap)}; must be finite and >= 0 (0 = off). */
        public Builder softcap(float softcap) {
            if (!(softcap >= 0f) || !Float.isFinite(softcap)) {
                throw new IllegalArgumentException("softcap must be finite and >= 0 but was " + softcap);
            }
            this.softcap = softcap;
            return this;
        }

        public Builder causal(CausalAlignment causal) {
            if (causal == null) {
                throw new IllegalArgumentException("causal must not be null (use CausalAlignment.NONE)");
            }
            this.causal = causal;
            return this;
        }

        /** Sliding window: each side >= 0 or {@link AttentionOptions#UNBOUNDED}. */
        public Builder window(int left, int right) {
            if (left < UNBOUNDED || right < UNBOUNDED) {
                throw new IllegalArgumentException("window sides must be >= 0 or -1 (unbounded) but were ("
                        + left + ", " + right + ")");
            }
            this.windowLeft = left;
            this.windowRight = right;
            return this;
        }

        /** An explicit boolean or additive mask; null for none. */
        public Builder mask(AttentionMask mask) {
            this.mask = mask;
            return this;
        }

        /** Valid keys per batch entry (keys at or past the length are padding); null for all. */
        public Builder kvLengths(int[] kvLengths) {
            if (kvLengths != null) {
                for (int b = 0; b < kvLengths.length; b++) {
                    if (kvLengths[b] < 0) {
                        throw new IllegalArgumentException("kvLengths[" + b + "] must be >= 0 but was " + kvLengths[b]);
                    }
                }
            }
            this.kvLengths = kvLengths == null ? null : kvLengths.clone();
            return this;
        }

        /** ALiBi ({@link AlibiBias}) or a relative-position table ({@link RelativePositionBias}); null for none. */
        public Builder positionBias(PositionBias positionBias) {
            this.positionBias = positionBias;
            return this;
        }

        /** Shorthand for {@code positionBias(AlibiBias.standard(heads))}. */
        public Builder alibi(int heads) {
            return positionBias(AlibiBias.standard(heads));
        }

        /** A per-pair score modifier (runs once per computed pair: see {@link ScoreMod}); null for none. */
        public Builder scoreMod(ScoreMod scoreMod) {
            this.scoreMod = scoreMod;
            return this;
        }

        /** A mask predicate, e.g. from {@link MaskPatterns}; null for none. */
        public Builder maskMod(MaskMod maskMod) {
            this.maskMod = maskMod;
            return this;
        }

        public AttentionOptions build() {
            return new AttentionOptions(this);
        }
    }
}
