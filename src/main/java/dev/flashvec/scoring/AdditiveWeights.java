package dev.flashvec.scoring;

/**
 * The parameters of additive (Bahdanau) attention, {@code score(i, j) = vᵀ·tanh(W_q·q_i + W_k·k_j)}:
 * {@code W_q} is {@code [da, Dq]}, {@code W_k} is {@code [da, Dk]} (row-major, PyTorch's {@code [out, in]}),
 * {@code v} is {@code [da]}. Shared by all heads. The arrays are not copied.
 *
 * @param wq          query map {@code [da, Dq]}
 * @param wk          key map {@code [da, Dk]}
 * @param v           the scoring vector {@code [da]}
 * @param hiddenDim   da
 * @param queryDim    Dq
 * @param keyDim      Dk
 */
public record AdditiveWeights(float[] wq, float[] wk, float[] v, int hiddenDim, int queryDim, int keyDim) {
    /** Checks every size against the dimensions, naming the array. */
    public AdditiveWeights {
        if (hiddenDim < 1 || queryDim < 1 || keyDim < 1) {
            throw new IllegalArgumentException("hiddenDim, queryDim and keyDim must be >= 1 but were " + hiddenDim
                    + ", " + queryDim + ", " + keyDim);
        }
        check("wq", wq, (long) hiddenDim * queryDim, "[" + hiddenDim + ", " + queryDim + "]");
        check("wk", wk, (long) hiddenDim * keyDim, "[" + hiddenDim + ", " + keyDim + "]");
        check("v", v, hiddenDim, "[" + hiddenDim + "]");
    }

    private static void check(String name, float[] a, long n, String shape) {
        if (a == null || a.length != n) {
            throw new IllegalArgumentException("additive " + name + " must be " + shape + " (" + n + " elements) but has "
                    + (a == null ? "none (null)" : a.length + " elements"));
        }
    }
}
