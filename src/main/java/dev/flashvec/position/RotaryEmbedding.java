package dev.flashvec.position;

import dev.flashvec.simd.Backend;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;

/**
 * Rotary position embedding (RoPE, Su et al. 2021) of query and key heads: pair {@code p} of a head vector at
 * position {@code t} is rotated by the angle {@code t·θ_p}, {@code θ_p = base^(−2p/D)}, so that the score
 * {@code q_i·k_j} depends on the positions only through {@code j − i}.
 *
 * <p>Both conventions are supported ({@link RotaryStyle}): interleaved pairs {@code (2p, 2p+1)} (GPT-J) and
 * half-split pairs {@code (p, p + D/2)} (GPT-NeoX, LLaMA). Row {@code s} of a tensor is at position
 * {@code offset + s}, so keys appended to a KV cache take the cache length as offset. The cos/sin tables are
 * computed per call in double precision and rounded once. Immutable and thread-safe.
 */
public final class RotaryEmbedding {
    /** The base of the original paper and of most models. */
    public static final double DEFAULT_BASE = 10000.0;
    private static final String VECTOR_KERNEL = "dev.flashvec.position.VectorRotaryKernel";

    private final int dim;
    private final double base;
    private final RotaryStyle style;
    private final RotaryKernel kernel;

    private RotaryEmbedding(int dim, double base, RotaryStyle style, Backend backend) {
        this.dim = dim;
        this.base = base;
        this.style = style;
        this.kernel = Simd.select(backend, RotaryKernel.class, VECTOR_KERNEL, ScalarRotaryKernel::new);
    }

    /** RoPE for head dimension {@code dim} (even) with base 10000 on this JVM's backend. */
    public static RotaryEmbedding of(int dim, RotaryStyle style) {
        return create(dim, DEFAULT_BASE, style, Simd.backend());
    }

    /** RoPE for head dimension {@code dim} (even, at least 2), a base above 1, on the given backend. */
    public static RotaryEmbedding create(int dim, double base, RotaryStyle style, Backend backend) {
        if (dim < 2 || dim % 2 != 0) {
            throw new IllegalArgumentException("dim must be even and >= 2 but was " + dim);
        }
        if (!(base > 1) || !Double.isFinite(base)) {
            throw new IllegalArgumentException("base must be finite and > 1 but was " + base);
        }
        if (style == null) {
            throw new IllegalArgumentException("style must not be null (INTERLEAVED or HALF_SPLIT)");
        }
        return new RotaryEmbedding(dim, base, style, backend);
    }

    public int dim() {
        return dim;
    }

    public double base() {
        return base;
    }

    public RotaryStyle style() {
        return style;
    }

    /** The angle frequency of pair {@code p}: {@code base^(−2p/D)}. */
    public double frequency(int pair) {
        return Math.pow(base, -2.0 * pair / dim);
    }

    /**
     * Rotates every head vector of {@code t} ({@code [B, H, S, D]}, any strides with unit last stride) in
     * place; row {@code s} is at position {@code offset + s}.
     */
    public void applyInPlace(Tensor t, int offset) {
        check(t, offset);
        int seq = t.seq();
        float[][] tables = tables(offset, seq);
        float[] x = t.array();
        for (int b = 0; b < t.batch(); b++) {
            for (int h = 0; h < t.heads(); h++) {
                kernel.rotate(x, t.index(b, h, 0, 0), t.stride(Tensor.SEQ), seq, dim, tables[0], tables[1], 0,
                        style == RotaryStyle.INTERLEAVED);
            }
        }
    }

    /** A rotated copy of {@code t} in its layout (BHSD for other stride patterns); {@code t} is unchanged. */
    public Tensor apply(Tensor t, int offset) {
        check(t, offset);
        Tensor out = t.copy(t.layout() == null ? Layout.BHSD : t.layout());
        applyInPlace(out, offset);
        return out;
    }

    private void check(Tensor t, int offset) {
        if (t == null) {
            throw new IllegalArgumentException("tensor must not be null");
        }
        if (t.dim() != dim) {
            throw new IllegalArgumentException("tensor has head dimension " + t.dim() + " but this RoPE has dim " + dim);
        }
        if (t.stride(Tensor.DIM) != 1) {
            throw new IllegalArgumentException("tensor must have a unit stride on its last dimension but has "
                    + t.stride(Tensor.DIM));
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0 but was " + offset);
        }
    }

    /**
     * {@code {cos, sin}}, each {@code seq × dim}: entry {@code d} of row {@code s} holds the cosine of the
     * angle of the pair containing {@code d}, and the sine with the sign that dimension's update needs
     * ({@code −} for the pair's first member, {@code +} for the second).
     */
    float[][] tables(int offset, int seq) {
        float[] cos = new float[seq * dim], sin = new float[seq * dim];
        int half = dim / 2;
        double[] freq = new double[half];
        for (int p = 0; p < half; p++) {
            freq[p] = frequency(p);
        }
        for (int s = 0; s < seq; s++) {
            long pos = (long) offset + s;
            for (int p = 0; p < half; p++) {
                double angle = pos * freq[p];
                float c = (float) Math.cos(angle), sn = (float) Math.sin(angle);
                int first = style == RotaryStyle.INTERLEAVED ? 2 * p : p;
                int second = style == RotaryStyle.INTERLEAVED ? 2 * p + 1 : p + half;
                cos[s * dim + first] = c;
                cos[s * dim + second] = c;
                sin[s * dim + first] = -sn;
                sin[s * dim + second] = sn;
            }
        }
        return new float[][] {cos, sin};
    }

    @Override
    public String toString() {
        return "RotaryEmbedding{dim=" + dim + ", base=" + base + ", " + style + "}";
    }
}
