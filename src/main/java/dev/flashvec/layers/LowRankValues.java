package dev.flashvec.layers;

/**
 * Per-head value maps in factored form, as in the "OV circuit" description of attention: head {@code h} moves
 * information with {@code W_OV^h = up_h · down_h}, a rank-{@code r} map {@code d_model → d_model} given as a
 * value-down {@code down_h [r, vdim]} and a value-up {@code up_h [outDim, r]}.
 *
 * <p>Two equal ways to run it: {@link #factored} applies the down-projection before attention and the
 * up-projection after it, so attention carries {@code r} values per head (this is exactly multi-head attention
 * with {@code W_V} = the stacked downs and {@code W_O} = the side-by-side ups); {@link #product} forms each
 * {@code W_OV^h} and attends over {@code outDim}-wide values per head, summing the heads. Their outputs agree
 * to rounding (the tests check it), and the factored form costs {@code r/outDim} of the product form's value
 * work: the reason to keep maps factored when {@code r ≪ d_model}.
 */
public final class LowRankValues {
    private final float[] downs;
    private final float[] ups;
    private final int heads, rank, valueDim, outDim;

    /**
     * @param downs    {@code [H, r, vdim]}: head h's value-down, row-major, heads one after another
     * @param ups      {@code [H, outDim, r]}: head h's value-up
     */
    public LowRankValues(float[] downs, float[] ups, int heads, int rank, int valueDim, int outDim) {
        if (heads < 1 || rank < 1 || valueDim < 1 || outDim < 1) {
            throw new IllegalArgumentException("heads, rank, valueDim and outDim must be >= 1 but were " + heads
                    + ", " + rank + ", " + valueDim + ", " + outDim);
        }
        check("value-down", downs, (long) heads * rank * valueDim, "[" + heads + ", " + rank + ", " + valueDim + "]");
        check("value-up", ups, (long) heads * outDim * rank, "[" + heads + ", " + outDim + ", " + rank + "]");
        this.downs = downs;
        this.ups = ups;
        this.heads = heads;
        this.rank = rank;
        this.valueDim = valueDim;
        this.outDim = outDim;
    }

    /** Each query head has its own value map, so the layer needs as many K/V heads as query heads. */
    private void checkHeads(MultiHeadAttention.Builder b) {
        MultiHeadAttention.Shape s = b.shape();
        if (s.heads() != heads || s.kvHeads() != heads) {
            throw new IllegalArgumentException("value maps are given for " + heads + " heads but the layer has "
                    + s.heads() + " query and " + s.kvHeads() + " key/value heads");
        }
    }

    private static void check(String name, float[] a, long n, String shape) {
        if (a == null || a.length != n) {
            throw new IllegalArgumentException(name + " must be " + shape + " (" + n + " elements) but has "
                    + (a == null ? "none (null)" : a.length + " elements"));
        }
    }

    /**
     * Sets W_V, W_O and the dimensions of {@code b} (whose query/key weights are set by the caller) for the
     * factored form: value head dim {@code r}, W_V = downs {@code [H·r, vdim]} (the array as given), W_O
     * {@code [outDim, H·r]} with head h's up in columns {@code h·r …}. Value bias and output bias are none.
     */
    public MultiHeadAttention.Builder factored(MultiHeadAttention.Builder b) {
        checkHeads(b);
        float[] wo = new float[outDim * heads * rank];
        for (int h = 0; h < heads; h++) {
            for (int o = 0; o < outDim; o++) {
                System.arraycopy(ups, (h * outDim + o) * rank, wo, o * heads * rank + h * rank, rank);
            }
        }
        return b.valueHeadDim(rank).valueDim(valueDim).outDim(outDim).value(downs, null).output(wo, null);
    }

    /**
     * Sets {@code b} up for the product form: value head dim {@code outDim}, W_V = the stacked
     * {@code W_OV^h [outDim, vdim]}, W_O = {@code [I I … I]} (sums the heads).
     */
    public MultiHeadAttention.Builder product(MultiHeadAttention.Builder b) {
        checkHeads(b);
        float[] wv = new float[heads * outDim * valueDim];
        for (int h = 0; h < heads; h++) {
            for (int o = 0; o < outDim; o++) {
                for (int r = 0; r < rank; r++) {
                    float u = ups[(h * outDim + o) * rank + r];
                    int dRow = (h * rank + r) * valueDim, wRow = (h * outDim + o) * valueDim;
                    for (int i = 0; i < valueDim; i++) {
                        wv[wRow + i] += u * downs[dRow + i];
                    }
                }
            }
        }
        float[] wo = new float[outDim * heads * outDim];
        for (int o = 0; o < outDim; o++) {
            for (int h = 0; h < heads; h++) {
                wo[o * heads * outDim + h * outDim + o] = 1f;
            }
        }
        return b.valueHeadDim(outDim).valueDim(valueDim).outDim(outDim).value(wv, null).output(wo, null);
    }
}
