package dev.flashvec.attention;

import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Combines attention results computed over disjoint sets of keys into the result over their union:
 * {@code LSE = log Σₚ exp(LSEₚ)}, {@code O = Σₚ exp(LSEₚ − LSE)·Oₚ}.
 *
 * <p>The primitive behind split-K decoding, KV-cache chunks, chunked prefill and attention sharded across
 * processes. A part whose row has {@code LSE = -inf} (no allowed key) contributes nothing; if every part has
 * {@code -inf} (or there are no parts), the merged row is 0 with {@code LSE = -inf}. Parts are combined in
 * the order given, in one pass (one weight per part, so the result does not depend on how the parts would
 * have been paired): the same parts in the same order always give the same bits; another order or grouping
 * agrees within rounding.
 *
 * <p>{@link #mergeRow} is the array-level form every other method (and the split-K decoder) uses, so the
 * rule exists once.
 */
public final class AttentionMerge {
    private AttentionMerge() {}

    /** Merges two partial results of the same shape into a new result (BHSD output). */
    public static AttentionResult merge(AttentionResult first, AttentionResult second) {
        if (first == null || second == null) {
            throw new IllegalArgumentException((first == null ? "first" : "second") + " must not be null");
        }
        return merge(List.of(first, second), "first", "second");
    }

    /** Merges any number (at least one) of partial results of the same shape into a new result (BHSD output). */
    public static AttentionResult merge(List<AttentionResult> parts) {
        checkList(parts);
        return merge(parts, "parts[0]", null);
    }

    /**
     * Merges partial results of the same shape {@code [B, H, S, D]} into {@code out} (same shape, any layout with
     * unit last stride) and, if not null, {@code lse} ({@code B·H·S} elements, dense {@code (b·H + h)·S + i}).
     * Every argument is checked before anything is written. {@code out} may be one of the parts' outputs.
     */
    public static void mergeInto(List<AttentionResult> parts, Tensor out, float[] lse) {
        checkList(parts);
        Tensor a = checkParts(parts, "parts[0]", null);
        if (out == null) {
            throw new IllegalArgumentException("out must not be null");
        }
        if (!Arrays.equals(out.shape(), a.shape())) {
            throw new IllegalArgumentException("out has shape " + Arrays.toString(out.shape()) + " but the parts have "
                    + Arrays.toString(a.shape()));
        }
        if (out.stride(Tensor.DIM) != 1 && out.dim() != 1) {
            throw new IllegalArgumentException("out must have unit stride on its last dimension but has "
                    + out.stride(Tensor.DIM));
        }
        int rows = a.batch() * a.heads() * a.seq();
        if (lse != null && lse.length != rows) {
            throw new IllegalArgumentException("lse must have B*H*S=" + rows + " elements but has " + lse.length);
        }
        write(parts, out, lse);
    }

    /**
     * The merge rule on one row, over arrays: part {@code p}'s output row is
     * {@code partOut[outOffset + p·outStride + d]} for {@code d < dim} and its LSE is
     * {@code partLse[lseOffset + p·lseStride]}. Writes the merged row to {@code dst[dstOffset + d]} and returns its
     * LSE. Trusts its arguments (for kernels; the tensor-level methods check theirs).
     */
    public static float mergeRow(float[] partOut, int outOffset, int outStride, float[] partLse, int lseOffset,
                                 int lseStride, int parts, int dim, float[] dst, int dstOffset) {
        float max = Float.NEGATIVE_INFINITY;
        for (int p = 0; p < parts; p++) {
            max = Math.max(max, partLse[lseOffset + p * lseStride]); // NaN wins, and propagates
        }
        if (max == Float.NEGATIVE_INFINITY) {
            Arrays.fill(dst, dstOffset, dstOffset + dim, 0f);
            return Float.NEGATIVE_INFINITY;
        }
        double sum = 0;
        for (int p = 0; p < parts; p++) {
            sum += Math.exp(partLse[lseOffset + p * lseStride] - max);
        }
        float total = max + (float) Math.log(sum);
        Arrays.fill(dst, dstOffset, dstOffset + dim, 0f);
        for (int p = 0; p < parts; p++) {
            float w = (float) Math.exp(partLse[lseOffset + p * lseStride] - total);
            // A part with weight 0 is skipped rather than multiplied, so that its (zero or undefined) rows never
            // leak into the result (0·NaN would).
            if (w == 0f) {
                continue;
            }
            int o = outOffset + p * outStride;
            for (int d = 0; d < dim; d++) {
                dst[dstOffset + d] += w * partOut[o + d];
            }
        }
        return total;
    }

    private static AttentionResult merge(List<AttentionResult> parts, String firstName, String secondName) {
        Tensor a = checkParts(parts, firstName, secondName);
        Tensor out = Tensor.zeros(Layout.BHSD, a.batch(), a.heads(), a.seq(), a.dim());
        float[] lse = new float[a.batch() * a.heads() * a.seq()];
        write(parts, out, lse);
        return new AttentionResult(out, lse);
    }

    private static void checkList(List<AttentionResult> parts) {
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException("parts must hold at least one result but was "
                    + (parts == null ? "null" : "empty"));
        }
        for (int p = 0; p < parts.size(); p++) {
            if (parts.get(p) == null) {
                throw new IllegalArgumentException("parts[" + p + "] must not be null");
            }
        }
    }

    /** Checks that every part has an LSE and the first one's shape; returns the first output. */
    private static Tensor checkParts(List<AttentionResult> parts, String firstName, String secondName) {
        Tensor a = parts.get(0).output();
        int rows = a.batch() * a.heads() * a.seq();
        for (AttentionResult r : parts) {
            if (r.lse() == null) {
                throw new IllegalArgumentException(parts.size() == 2 && secondName != null
                        ? "both parts need their LSE (use Attention.forwardWithLse)"
                        : "every part needs its LSE (use Attention.forwardWithLse)");
            }
        }
        for (int p = 1; p < parts.size(); p++) {
            Tensor b = parts.get(p).output();
            String name = secondName != null && p == 1 ? secondName : "parts[" + p + "]";
            if (!Arrays.equals(a.shape(), b.shape())) {
                throw new IllegalArgumentException(name + " has shape " + Arrays.toString(b.shape()) + " but "
                        + firstName + " has " + Arrays.toString(a.shape()));
            }
        }
        for (int p = 0; p < parts.size(); p++) {
            if (parts.get(p).lse().length != rows) {
                if (secondName != null && parts.size() == 2) {
                    throw new IllegalArgumentException("each LSE must have B*H*S=" + rows + " elements but they have "
                            + parts.get(0).lse().length + " and " + parts.get(1).lse().length);
                }
                throw new IllegalArgumentException("parts[" + p + "] LSE must have B*H*S=" + rows
                        + " elements but has " + parts.get(p).lse().length);
            }
        }
        return a;
    }

    /** Gathers each row's parts into one buffer and merges it with {@link #mergeRow}. */
    private static void write(List<AttentionResult> parts, Tensor out, float[] lse) {
        Tensor a = parts.get(0).output();
        int n = parts.size(), dim = a.dim();
        float[] rowParts = new float[n * dim], rowLse = new float[n], merged = new float[dim];
        for (int b = 0; b < a.batch(); b++) {
            for (int h = 0; h < a.heads(); h++) {
                for (int i = 0; i < a.seq(); i++) {
                    int row = (b * a.heads() + h) * a.seq() + i;
                    for (int p = 0; p < n; p++) {
                        AttentionResult part = parts.get(p);
                        rowLse[p] = part.lse()[row];
                        for (int d = 0; d < dim; d++) {
                            rowParts[p * dim + d] = part.output().get(b, h, i, d);
                        }
                    }
                    float l = mergeRow(rowParts, 0, dim, rowLse, 0, 1, n, dim, merged, 0);
                    for (int d = 0; d < dim; d++) {
                        out.set(b, h, i, d, merged[d]);
                    }
                    if (lse != null) {
                        lse[row] = l;
                    }
                }
            }
        }
    }
}
