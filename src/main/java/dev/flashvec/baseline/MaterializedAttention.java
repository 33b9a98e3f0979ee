package dev.flashvec.baseline;

import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.gemm.Gemm;
import dev.flashvec.gemm.Transpose;
import dev.flashvec.tensor.Tensor;

/**
 * The classic non-fused attention, {@code O = softmax(scale·Q·Kᵀ + causal mask)·V}, built from our own SGEMM:
 * the baseline that fused (flash) attention is measured against.
 *
 * <p>For every batch entry and query head it materialises the full {@code Sq × Sk} score matrix (that memory
 * traffic is exactly what fused attention avoids), masks it, applies a numerically stable row softmax
 * (subtract the row max; a row with no allowed key gives a zero output row, never NaN) and multiplies by V.
 * Query head {@code h} reads KV head {@code h / (Hq / Hkv)} (grouped-query attention). Inputs may be any
 * views with unit stride on {@code dim} (BHSD and BSHD are read in place); other strides are copied to dense
 * temporaries first. The softmax uses {@link Math#exp}, as a plain implementation would.
 *
 * <p>Deterministic: results do not depend on the thread count of the {@link Gemm}'s pool. Instances are
 * immutable and thread-safe.
 */
public final class MaterializedAttention {
    /** Softmax rows per parallel task: enough work per task to amortise the hand-off. */
    private static final int SOFTMAX_ROWS_PER_TASK = 16;

    private final Gemm gemm;

    private MaterializedAttention(Gemm gemm) {
        this.gemm = gemm;
    }

    /** Materialised attention on the default {@link Gemm} (default backend, shared pool). */
    public static MaterializedAttention create() {
        return new MaterializedAttention(Gemm.create());
    }

    /** Materialised attention whose two matrix products and softmax run on {@code gemm} and its pool. */
    public static MaterializedAttention create(Gemm gemm) {
        if (gemm == null) {
            throw new IllegalArgumentException("gemm must not be null");
        }
        return new MaterializedAttention(gemm);
    }

    /** Attention with the default scale {@code 1/sqrt(Dk)}; see {@link #forward(Tensor, Tensor, Tensor, float, CausalAlignment)}. */
    public Tensor forward(Tensor q, Tensor k, Tensor v, CausalAlignment causal) {
        if (q == null) {
            throw new IllegalArgumentException("Q must not be null");
        }
        return forward(q, k, v, (float) (1.0 / Math.sqrt(q.dim())), causal);
    }

    /**
     * Computes {@code O[b,h] = softmax(scale·Q[b,h]·K[b,g]ᵀ + mask)·V[b,g]} with {@code g = h / (Hq/Hkv)}.
     *
     * @param q      queries {@code [B, Hq, Sq, Dk]}
     * @param k      keys {@code [B, Hkv, Sk, Dk]}, {@code Hq % Hkv == 0}
     * @param v      values {@code [B, Hkv, Sk, Dv]}
     * @param scale  multiplies every score, finite
     * @param causal NONE; TOP_LEFT (query i sees keys j ≤ i); or BOTTOM_RIGHT (j ≤ i + Sk − Sq)
     * @return a new BHSD tensor {@code [B, Hq, Sq, Dv]}
     * @throws IllegalArgumentException naming the first invalid argument and the mismatching sizes
     */
    public Tensor forward(Tensor q, Tensor k, Tensor v, float scale, CausalAlignment causal) {
        check(q != null, "Q must not be null");
        check(k != null, "K must not be null");
        check(v != null, "V must not be null");
        check(causal != null, "causal must not be null (use CausalAlignment.NONE)");
        check(Float.isFinite(scale), "scale must be finite but was " + scale);
        int batch = q.batch(), hq = q.heads(), sq = q.seq(), dk = q.dim();
        int hkv = k.heads(), sk = k.seq(), dv = v.dim();
        check(k.batch() == batch, "K has B=" + k.batch() + " but Q has B=" + batch);
        check(v.batch() == batch, "V has B=" + v.batch() + " but Q has B=" + batch);
        check(k.dim() == dk, "K has Dk=" + k.dim() + " but Q has Dk=" + dk);
        check(v.heads() == hkv, "V has Hkv=" + v.heads() + " but K has Hkv=" + hkv);
        check(v.seq() == sk, "V has Sk=" + v.seq() + " but K has Sk=" + sk);
        check(hq % hkv == 0, "Q has Hq=" + hq + " heads, which is not a multiple of K's Hkv=" + hkv);
        check((long) sq * sk <= Integer.MAX_VALUE - 8, "the score matrix Sq×Sk = " + sq + "×" + sk + " = "
                + (long) sq * sk + " floats is more than a Java array can hold");
        Tensor out = Tensor.zeros(batch, hq, sq, dv);
        int group = hq / hkv;
        float[] scores = new float[sq * sk];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < hq; h++) {
                Rows qh = Rows.of(q, b, h);
                Rows kh = Rows.of(k, b, h / group);
                Rows vh = Rows.of(v, b, h / group);
                gemm.multiply(Transpose.NO, Transpose.YES, sq, sk, dk, scale, qh.x, qh.off, qh.ld, kh.x, kh.off, kh.ld,
                        0f, scores, 0, sk);
                softmaxRows(scores, sq, sk, causal);
                gemm.multiply(Transpose.NO, Transpose.NO, sq, dv, sk, 1f, scores, 0, sk, vh.x, vh.off, vh.ld,
                        0f, out.array(), out.index(b, h, 0, 0), dv);
            }
        }
        return out;
    }

    /** Masks and normalises every row of the {@code sq × sk} score matrix in place, in parallel over rows. */
    private void softmaxRows(float[] s, int sq, int sk, CausalAlignment causal) {
        int tasks = (sq + SOFTMAX_ROWS_PER_TASK - 1) / SOFTMAX_ROWS_PER_TASK;
        gemm.pool().parallelFor(tasks, t -> {
            int end = Math.min(sq, (t + 1) * SOFTMAX_ROWS_PER_TASK);
            for (int i = t * SOFTMAX_ROWS_PER_TASK; i < end; i++) {
                // Keys j < allowed are visible to query i; the rest are masked (-inf, i.e. weight 0).
                long last = switch (causal) {
                    case NONE -> sk - 1L;
                    case TOP_LEFT -> i;
                    case BOTTOM_RIGHT -> (long) i + sk - sq;
                };
                int allowed = (int) Math.max(0, Math.min(sk, last + 1));
                softmaxRow(s, i * sk, allowed, sk);
            }
        });
    }

    /** Stable softmax over {@code s[row, row+allowed)}; masked entries and fully masked rows become 0. */
    private static void softmaxRow(float[] s, int row, int allowed, int sk) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < allowed; j++) {
            max = Math.max(max, s[row + j]);
        }
        if (max == Float.NEGATIVE_INFINITY) {
            // No allowed key (or every score is -inf): the row's output is 0 by definition, never NaN.
            allowed = 0;
        }
        float sum = 0f;
        for (int j = 0; j < allowed; j++) {
            float e = (float) Math.exp(s[row + j] - max);
            s[row + j] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int j = 0; j < allowed; j++) {
            s[row + j] *= inv;
        }
        for (int j = allowed; j < sk; j++) {
            s[row + j] = 0f;
        }
    }

    /** A head's {@code seq × dim} matrix as row-major storage that {@link Gemm} reads in place. */
    private record Rows(float[] x, int off, int ld) {
        static Rows of(Tensor t, int b, int h) {
            int seq = t.seq(), dim = t.dim();
            int rowStride = t.stride(Tensor.SEQ);
            if ((t.stride(Tensor.DIM) == 1 || dim == 1) && (seq == 1 || rowStride >= dim)) {
                return new Rows(t.array(), t.index(b, h, 0, 0), seq == 1 ? dim : rowStride);
            }
            // Unusual strides (broadcast or interleaved dims): copy to a dense temporary.
            float[] dense = new float[seq * dim];
            for (int s = 0; s < seq; s++) {
                for (int d = 0; d < dim; d++) {
                    dense[s * dim + d] = t.array()[t.index(b, h, s, d)];
                }
            }
            return new Rows(dense, 0, dim);
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
