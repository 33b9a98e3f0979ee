package dev.flashvec.attention;

import java.util.Arrays;

/**
 * Packed documents: a pair is allowed when query and key lie in the same document (and {@code j ≤ i} if
 * causal). Classified from the documents the rectangle's rows and keys span.
 */
final class DocumentMask implements MaskMod {
    /** {@code start[d]} is document d's first position; {@code start[n]} is the end of the last one. */
    private final int[] start;
    private final boolean causal;
    /** Document of each covered position, so that the per-pair predicate is two loads and a compare. */
    private final int[] docOf;

    DocumentMask(int[] lengths, boolean causal) {
        if (lengths == null || lengths.length == 0) {
            throw new IllegalArgumentException("document lengths must name at least one document but were "
                    + (lengths == null ? "null" : "empty"));
        }
        start = new int[lengths.length + 1];
        for (int d = 0; d < lengths.length; d++) {
            if (lengths[d] < 1) {
                throw new IllegalArgumentException("document length[" + d + "] must be >= 1 but was " + lengths[d]);
            }
            long end = (long) start[d] + lengths[d];
            if (end > 1 << 28) {
                throw new IllegalArgumentException("document lengths must sum to at most 2^28 positions but reach "
                        + end + " at document " + d);
            }
            start[d + 1] = (int) end;
        }
        this.causal = causal;
        this.docOf = new int[start[lengths.length]];
        for (int d = 0; d < lengths.length; d++) {
            java.util.Arrays.fill(docOf, start[d], start[d + 1], d);
        }
    }

    /** Document of position {@code p}; {@code n} (no document) for positions past the last. */
    private int doc(int p) {
        int k = Arrays.binarySearch(start, p);
        return k >= 0 ? k : -k - 2; // insertion point − 1; p >= start[n] gives n
    }

    private int docs() {
        return start.length - 1;
    }

    @Override
    public boolean allowed(int b, int h, int i, int j) {
        int[] of = docOf;
        return i < of.length && j < of.length && of[i] == of[j] && (!causal || j <= i);
    }

    @Override
    public TileClass classify(int b, int h, int i0, int i1, int j0, int j1) {
        int q0 = doc(i0), q1 = doc(i1 - 1), k0 = doc(j0), k1 = doc(j1 - 1);
        int from = Math.max(q0, k0), to = Math.min(Math.min(q1, k1), docs() - 1);
        boolean any = false;
        for (int d = from; d <= to && !any; d++) {
            // Rows and keys are contiguous, so both reach every document between their ends.
            any = !causal || Math.max(j0, start[d]) <= Math.min(i1 - 1, start[d + 1] - 1);
        }
        if (!any) {
            return TileClass.EMPTY;
        }
        boolean one = q0 == q1 && k0 == k1 && q0 == k0;
        return one && (!causal || j1 - 1 <= i0) ? TileClass.FULL : TileClass.PARTIAL;
    }

    @Override
    public String toString() {
        return "documents(" + docs() + (causal ? ", causal)" : ")");
    }
}
