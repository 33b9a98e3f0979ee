package dev.flashvec.layers;

import dev.flashvec.attention.Attention;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.gemm.Gemm;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.position.RotaryEmbedding;
import dev.flashvec.simd.Backend;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;

/**
 * A multi-head attention layer: project queries, keys and values, attend per head with the fused kernel,
 * concatenate the heads and project the result ({@code nn.MultiheadAttention}, with GQA/MQA head counts).
 *
 * <p>Data are dense row-major {@code float[]}: queries {@code [B, Sq, E]}, keys {@code [B, Sk, kdim]}, values
 * {@code [B, Sk, vdim]}, output {@code [B, Sq, outDim]}. Weights use PyTorch's {@code [out, in]} layout (see
 * {@link Projection}). The projections run on the SGEMM and write into one buffer per input; the heads are
 * strided views of those buffers ({@code [B, S, H·D]} read as BSHD), never copies. With a fused QKV weight
 * and self-attention, Q, K and V come from a single GEMM. RoPE, when configured, rotates the Q and K views in
 * place before attention (query row {@code i} at position {@code i}, key row {@code j} at {@code j}).
 * Every option of {@link AttentionOptions} (masks, causal alignment, windows, key lengths, softcap, scale)
 * passes through to the kernel unchanged; {@link KeyPadding} adds a PyTorch-style key padding mask.
 *
 * <p>Immutable and thread-safe; each call allocates its own projection and attention buffers.
 */
public final class MultiHeadAttention {
    private final Shape shape;
    private final Projection fusedQkv;
    private final Projection wq;
    private final Projection wk;
    private final Projection wv;
    private final Projection wo;
    private final RotaryEmbedding rope;
    private final Gemm gemm;
    private final Attention attention;

    private MultiHeadAttention(Builder b) {
        this.shape = b.shape();
        this.fusedQkv = b.fusedQkv;
        this.wq = b.wq;
        this.wk = b.wk;
        this.wv = b.wv;
        this.wo = b.wo;
        this.rope = b.rope;
        this.gemm = Gemm.create(b.backend, b.pool);
        this.attention = Attention.create(b.backend, b.pool);
    }

    /**
     * The layer's dimensions.
     *
     * @param embedDim     E: query model dimension
     * @param heads        query heads Hq
     * @param kvHeads      key/value heads Hkv (divides Hq; 1 = multi-query)
     * @param headDim      Dk: query/key head dimension
     * @param valueHeadDim Dv: value head dimension
     * @param keyDim       kdim: model dimension of the key input
     * @param valueDim     vdim: model dimension of the value input
     * @param outDim       output features of W_O
     */
    public record Shape(int embedDim, int heads, int kvHeads, int headDim, int valueHeadDim, int keyDim,
                        int valueDim, int outDim) {
        /** Columns of the fused QKV projection: {@code Hq·Dk + Hkv·Dk + Hkv·Dv}. */
        public int qkvWidth() {
            return heads * headDim + kvHeads * headDim + kvHeads * valueHeadDim;
        }
    }

    /** A builder for a layer with model dimension {@code embedDim} and {@code heads} query heads. */
    public static Builder builder(int embedDim, int heads) {
        return new Builder(embedDim, heads);
    }

    public Shape shape() {
        return shape;
    }

    /** Self-attention: {@code x} {@code [B, S, E]} serves as queries, keys and values. */
    public float[] selfAttention(float[] x, int batch, int seq, AttentionOptions options) {
        checkInput("x", x, batch, seq, shape.embedDim());
        if (shape.keyDim() != shape.embedDim() || shape.valueDim() != shape.embedDim()) {
            throw new IllegalArgumentException("self-attention needs kdim = vdim = E = " + shape.embedDim()
                    + " but kdim is " + shape.keyDim() + " and vdim is " + shape.valueDim());
        }
        checkOptions(options);
        int dk = shape.headDim(), width = shape.qkvWidth(), rows = batch * seq;
        float[] qkv = new float[Math.multiplyExact(rows, width)];
        int kCol = shape.heads() * dk, vCol = kCol + shape.kvHeads() * dk;
        if (fusedQkv != null) {
            fusedQkv.apply(gemm, x, 0, shape.embedDim(), rows, qkv, 0, width);
        } else {
            wq.apply(gemm, x, 0, shape.embedDim(), rows, qkv, 0, width);
            wk.apply(gemm, x, 0, shape.embedDim(), rows, qkv, kCol, width);
            wv.apply(gemm, x, 0, shape.embedDim(), rows, qkv, vCol, width);
        }
        return attendAndProject(headsView(qkv, 0, width, batch, shape.heads(), seq, dk),
                headsView(qkv, kCol, width, batch, shape.kvHeads(), seq, dk),
                headsView(qkv, vCol, width, batch, shape.kvHeads(), seq, shape.valueHeadDim()), options);
    }

    /**
     * Cross-attention (or self-attention with distinct arrays): queries {@code [B, Sq, E]}, keys
     * {@code [B, Sk, kdim]}, values {@code [B, Sk, vdim]}; returns {@code [B, Sq, outDim]}.
     */
    public float[] forward(float[] query, float[] key, float[] value, int batch, int sq, int sk,
                           AttentionOptions options) {
        checkInput("query", query, batch, sq, shape.embedDim());
        checkInput("key", key, batch, sk, shape.keyDim());
        checkInput("value", value, batch, sk, shape.valueDim());
        checkOptions(options);
        int dk = shape.headDim(), dv = shape.valueHeadDim();
        int qWidth = shape.heads() * dk, kvWidth = shape.kvHeads() * (dk + dv);
        float[] q = new float[Math.multiplyExact(batch * sq, qWidth)];
        float[] kv = new float[Math.multiplyExact(batch * sk, kvWidth)];
        wq.apply(gemm, query, 0, shape.embedDim(), batch * sq, q, 0, qWidth);
        wk.apply(gemm, key, 0, shape.keyDim(), batch * sk, kv, 0, kvWidth);
        wv.apply(gemm, value, 0, shape.valueDim(), batch * sk, kv, shape.kvHeads() * dk, kvWidth);
        return attendAndProject(headsView(q, 0, qWidth, batch, shape.heads(), sq, dk),
                headsView(kv, 0, kvWidth, batch, shape.kvHeads(), sk, dk),
                headsView(kv, shape.kvHeads() * dk, kvWidth, batch, shape.kvHeads(), sk, dv), options);
    }

    /**
     * Heads {@code [B, H, S, D]} inside a projection buffer of {@code ld} columns, starting at column
     * {@code col}: head {@code h} is columns {@code col + h·D …}, the BSHD stride pattern with a wider row.
     */
    private static Tensor headsView(float[] buf, int col, int ld, int batch, int heads, int seq, int dim) {
        return Tensor.view(buf, col, new int[] {batch, heads, seq, dim}, new int[] {seq * ld, dim, ld, 1});
    }

    private float[] attendAndProject(Tensor q, Tensor k, Tensor v, AttentionOptions options) {
        if (rope != null) {
            rope.applyInPlace(q, 0);
            rope.applyInPlace(k, 0);
        }
        int batch = q.batch(), sq = q.seq();
        // BSHD output is exactly the [B·Sq, Hq·Dv] matrix W_O multiplies: concatenating heads costs nothing.
        Tensor o = Tensor.zeros(Layout.BSHD, batch, shape.heads(), sq, shape.valueHeadDim());
        attention.forward(q, k, v, options, o, null);
        float[] y = new float[Math.multiplyExact(batch * sq, shape.outDim())];
        wo.apply(gemm, o.array(), 0, wo.in(), batch * sq, y, 0, shape.outDim());
        return y;
    }

    private static void checkInput(String name, float[] x, int batch, int seq, int dim) {
        if (batch < 1 || seq < 1) {
            throw new IllegalArgumentException("batch and sequence length must be >= 1 but were " + batch + " and " + seq);
        }
        long want = (long) batch * seq * dim;
        if (x == null || x.length != want) {
            throw new IllegalArgumentException(name + " must be [B, S, " + dim + "] = [" + batch + ", " + seq + ", "
                    + dim + "] (" + want + " elements) but has " + (x == null ? "none (null)" : x.length + " elements"));
        }
    }

    private static void checkOptions(AttentionOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null (use AttentionOptions.defaults())");
        }
    }

    @Override
    public String toString() {
        return "MultiHeadAttention" + shape + (fusedQkv != null ? " fused QKV" : "") + (rope != null ? " " + rope : "");
    }

    /** Collects dimensions and weights; {@link #build()} checks every weight's shape against the dimensions. */
    public static final class Builder {
        private final int embedDim;
        private final int heads;
        private int kvHeads;
        private int headDim;
        private int valueHeadDim = -1;
        private int keyDim;
        private int valueDim;
        private int outDim;
        private float[][] q, k, v, qkv, out;
        private Projection fusedQkv, wq, wk, wv, wo;
        private RotaryEmbedding rope;
        private Backend backend = Simd.backend();
        private ComputePool pool = ComputePool.shared();

        private Builder(int embedDim, int heads) {
            if (embedDim < 1) {
                throw new IllegalArgumentException("embedDim must be >= 1 but was " + embedDim);
            }
            if (heads < 1) {
                throw new IllegalArgumentException("heads must be >= 1 but was " + heads);
            }
            this.embedDim = embedDim;
            this.heads = heads;
            this.kvHeads = heads;
            this.headDim = embedDim % heads == 0 ? embedDim / heads : -1;
            this.keyDim = embedDim;
            this.valueDim = embedDim;
            this.outDim = embedDim;
        }

        /** Key/value heads (default: as many as query heads); must divide the query heads. */
        public Builder kvHeads(int kvHeads) {
            if (kvHeads < 1 || heads % kvHeads != 0) {
                throw new IllegalArgumentException("kvHeads must divide heads = " + heads + " but was " + kvHeads);
            }
            this.kvHeads = kvHeads;
            return this;
        }

        /** Query/key head dimension (default E / heads). */
        public Builder headDim(int headDim) {
            this.headDim = positive("headDim", headDim);
            return this;
        }

        /** Value head dimension (default: the query/key head dimension). */
        public Builder valueHeadDim(int valueHeadDim) {
            this.valueHeadDim = positive("valueHeadDim", valueHeadDim);
            return this;
        }

        /** Model dimension of the key input (default E). */
        public Builder keyDim(int keyDim) {
            this.keyDim = positive("keyDim", keyDim);
            return this;
        }

        /** Model dimension of the value input (default E). */
        public Builder valueDim(int valueDim) {
            this.valueDim = positive("valueDim", valueDim);
            return this;
        }

        /** Output features of W_O (default E). */
        public Builder outDim(int outDim) {
            this.outDim = positive("outDim", outDim);
            return this;
        }

        /** W_Q {@code [Hq·Dk, E]} and its bias {@code [Hq·Dk]} or null. */
        public Builder query(float[] weight, float[] bias) {
            q = new float[][] {weight, bias};
            return this;
        }

        /** W_K {@code [Hkv·Dk, kdim]} and its bias or null. */
        public Builder key(float[] weight, float[] bias) {
            k = new float[][] {weight, bias};
            return this;
        }

        /** W_V {@code [Hkv·Dv, vdim]} and its bias or null. */
        public Builder value(float[] weight, float[] bias) {
            v = new float[][] {weight, bias};
            return this;
        }

        /**
         * One fused weight {@code [Hq·Dk + Hkv·Dk + Hkv·Dv, E]}: rows of W_Q, then W_K, then W_V (PyTorch's
         * {@code in_proj_weight}); bias likewise or null. Needs kdim = vdim = E; replaces query/key/value.
         */
        public Builder fusedQkv(float[] weight, float[] bias) {
            qkv = new float[][] {weight, bias};
            return this;
        }

        /** W_O {@code [outDim, Hq·Dv]} and its bias {@code [outDim]} or null. */
        public Builder output(float[] weight, float[] bias) {
            out = new float[][] {weight, bias};
            return this;
        }

        /** Rotates Q and K heads with RoPE before attention; null for none. Its dim must equal Dk. */
        public Builder rope(RotaryEmbedding rope) {
            this.rope = rope;
            return this;
        }

        /** Backend of the SGEMM and attention kernels (default: this JVM's). */
        public Builder backend(Backend backend) {
            if (backend == null) {
                throw new IllegalArgumentException("backend must not be null");
            }
            this.backend = backend;
            return this;
        }

        /** Threads for the SGEMM and attention (default: the shared pool). */
        public Builder pool(ComputePool pool) {
            if (pool == null) {
                throw new IllegalArgumentException("pool must not be null");
            }
            this.pool = pool;
            return this;
        }

        Shape shape() {
            return new Shape(embedDim, heads, kvHeads, headDim, valueHeadDim < 0 ? headDim : valueHeadDim, keyDim,
                    valueDim, outDim);
        }

        public MultiHeadAttention build() {
            if (headDim < 1) {
                throw new IllegalArgumentException("embedDim = " + embedDim + " is not a multiple of heads = " + heads
                        + "; set headDim explicitly");
            }
            Shape s = shape();
            int dk = s.headDim(), dv = s.valueHeadDim();
            if (qkv != null) {
                if (q != null || k != null || v != null) {
                    throw new IllegalArgumentException("give either fusedQkv or query/key/value weights, not both");
                }
                if (keyDim != embedDim || valueDim != embedDim) {
                    throw new IllegalArgumentException("fusedQkv needs kdim = vdim = E = " + embedDim
                            + " but kdim is " + keyDim + " and vdim is " + valueDim);
                }
                fusedQkv = new Projection("W_QKV", qkv[0], s.qkvWidth(), embedDim, qkv[1]);
                // Cross-attention projects queries and keys from different inputs: it needs the three parts apart.
                wq = rows(fusedQkv, "W_Q", 0, heads * dk);
                wk = rows(fusedQkv, "W_K", heads * dk, kvHeads * dk);
                wv = rows(fusedQkv, "W_V", (heads + kvHeads) * dk, kvHeads * dv);
            } else {
                fusedQkv = null;
                wq = projection("W_Q", q, heads * dk, embedDim);
                wk = projection("W_K", k, kvHeads * dk, keyDim);
                wv = projection("W_V", v, kvHeads * dv, valueDim);
            }
            wo = projection("W_O", out, outDim, heads * dv);
            if (rope != null && rope.dim() != dk) {
                throw new IllegalArgumentException("rope has dim " + rope.dim() + " but the head dimension Dk is " + dk);
            }
            return new MultiHeadAttention(this);
        }

        /** Rows {@code [row0, row0+n)} of a projection, copied. */
        private static Projection rows(Projection p, String name, int row0, int n) {
            int in = p.in();
            float[] w = java.util.Arrays.copyOfRange(p.weight(), row0 * in, (row0 + n) * in);
            float[] b = p.bias() == null ? null : java.util.Arrays.copyOfRange(p.bias(), row0, row0 + n);
            return new Projection(name, w, n, in, b);
        }

        private static Projection projection(String name, float[][] wb, int out, int in) {
            if (wb == null) {
                throw new IllegalArgumentException(name + " is missing: expected a weight [" + out + ", " + in + "]");
            }
            return new Projection(name, wb[0], out, in, wb[1]);
        }

        private static int positive(String name, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be >= 1 but was " + value);
            }
            return value;
        }
    }
}
