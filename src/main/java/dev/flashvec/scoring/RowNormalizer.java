package dev.flashvec.scoring;

import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;

/** Scales every head vector of a tensor to unit Euclidean norm (for cosine scores). */
final class RowNormalizer {
    /** Norms below this count as zero: the row is left as it is (all zeros scores 0), never divided into NaN. */
    static final double MIN_NORM = 1e-12;

    private RowNormalizer() {}

    /** A normalised copy of {@code t} in its layout (BHSD for other stride patterns). */
    static Tensor normalize(Tensor t, String name) {
        if (t == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        Tensor out = t.copy(t.layout() == null ? Layout.BHSD : t.layout());
        float[] a = out.array();
        int dim = out.dim();
        for (int b = 0; b < out.batch(); b++) {
            for (int h = 0; h < out.heads(); h++) {
                for (int s = 0; s < out.seq(); s++) {
                    int base = out.index(b, h, s, 0);
                    double sum = 0; // in double: the norm of a long row loses nothing, and it is O(n·d), not the hot loop
                    for (int d = 0; d < dim; d++) {
                        sum += (double) a[base + d] * a[base + d];
                    }
                    double inv = 1 / Math.max(Math.sqrt(sum), MIN_NORM);
                    for (int d = 0; d < dim; d++) {
                        a[base + d] = (float) (a[base + d] * inv);
                    }
                }
            }
        }
        return out;
    }
}
