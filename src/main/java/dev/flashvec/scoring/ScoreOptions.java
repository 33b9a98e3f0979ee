package dev.flashvec.scoring;

import dev.flashvec.attention.AttentionOptions;

/** Option rewriting shared by the score functions: a score that fixes the scale refuses a second one. */
final class ScoreOptions {
    private ScoreOptions() {}

    static AttentionOptions requireNonNull(AttentionOptions o) {
        if (o == null) {
            throw new IllegalArgumentException("options must not be null (use AttentionOptions.defaults())");
        }
        return o;
    }

    /** {@code o} with the given scale; a scale already set would be silently replaced, so it is an error. */
    static AttentionOptions withScale(AttentionOptions o, float scale, String score) {
        requireNonNull(o);
        if (!Float.isNaN(o.scale())) {
            throw new IllegalArgumentException("the " + score + " score fixes the scale to " + scale
                    + " but options set scale=" + o.scale());
        }
        return o.toBuilder().scale(scale).build();
    }

    /** {@code o} with scale 1 unless it sets one. */
    static AttentionOptions defaultScaleOne(AttentionOptions o) {
        requireNonNull(o);
        return Float.isNaN(o.scale()) ? o.toBuilder().scale(1f).build() : o;
    }
}
