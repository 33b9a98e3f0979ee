package dev.flashvec.position;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.simd.Backend;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import dev.flashvec.testing.Gen;
import dev.flashvec.testing.Property;
import dev.flashvec.testing.Shrinkable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** RoPE against its literal definition, and the properties that make it a relative position encoding. */
@Tag("kernels")
class RotaryEmbeddingTest {

    /** A random tensor to rotate: shape, layout, style and position offset. */
    record Case(long seed, int batch, int heads, int seq, int dim, int offset, Layout layout, RotaryStyle style)
            implements Shrinkable<Case> {
        static Case any(Random r) {
            int dim = 2 * Gen.size(r, 40); // even head dims up to 80, hitting vector edges
            return new Case(r.nextLong(), 1 + r.nextInt(2), 1 + r.nextInt(3), Gen.size(r, 20), dim,
                    r.nextInt(4) == 0 ? 0 : r.nextInt(5000), r.nextBoolean() ? Layout.BHSD : Layout.BSHD,
                    r.nextBoolean() ? RotaryStyle.INTERLEAVED : RotaryStyle.HALF_SPLIT);
        }

        Tensor tensor() {
            Random r = new Random(seed);
            return Tensor.wrap(Gen.normal(r, batch * heads * seq * dim), layout, batch, heads, seq, dim);
        }

        RotaryEmbedding rope() {
            return RotaryEmbedding.create(dim, RotaryEmbedding.DEFAULT_BASE, style, Simd.backend());
        }

        @Override
        public List<Case> shrink() {
            List<Case> out = new ArrayList<>();
            for (int s : Gen.smaller(seq)) {
                out.add(new Case(seed, batch, heads, s, dim, offset, layout, style));
            }
            for (int d : Gen.smaller(dim / 2)) {
                out.add(new Case(seed, batch, heads, seq, 2 * d, offset, layout, style));
            }
            if (offset > 0) {
                out.add(new Case(seed, batch, heads, seq, dim, offset / 2, layout, style));
            }
            return out;
        }
    }

    static double[] row(Tensor t, int b, int h, int s) {
        double[] x = new double[t.dim()];
        for (int d = 0; d < x.length; d++) {
            x[d] = t.get(b, h, s, d);
        }
        return x;
    }

    @Test
    void equalsTheLiteralRotation() {
        Property.check("RoPE equals its definition", Case::any, c -> {
            Tensor x = c.tensor();
            Tensor y = c.rope().apply(x, c.offset());
            for (int b = 0; b < c.batch(); b++) {
                for (int h = 0; h < c.heads(); h++) {
                    for (int s = 0; s < c.seq(); s++) {
                        double[] want = RopeReference.rotate(row(x, b, h, s), c.offset() + s, c.style(), RotaryEmbedding.DEFAULT_BASE);
                        for (int d = 0; d < c.dim(); d++) {
                            double got = y.get(b, h, s, d);
                            // cos and sin are rounded to float once: a few ulps of the pair's magnitude.
                            double tol = 1e-6 * (1 + Math.abs(want[d]) + Math.abs(row(x, b, h, s)[d]));
                            assertTrue(Math.abs(got - want[d]) <= tol, "[" + b + "," + h + "," + s + "," + d + "] = "
                                    + got + " but the definition gives " + want[d]);
                        }
                    }
                }
            }
        });
    }

    @Test
    void preservesTheNormOfEveryVector() {
        Property.check("RoPE preserves norms", Case::any, c -> {
            Tensor x = c.tensor();
            Tensor y = c.rope().apply(x, c.offset());
            for (int b = 0; b < c.batch(); b++) {
                for (int h = 0; h < c.heads(); h++) {
                    for (int s = 0; s < c.seq(); s++) {
                        double before = norm(row(x, b, h, s)), after = norm(row(y, b, h, s));
                        assertEquals(before, after, 1e-6 * (1 + before), "norm of row " + s);
                    }
                }
            }
        });
    }

    @Test
    void scoresDependOnlyOnTheDistance() {
        Property.check("RoPE scores depend on j - i only", Case::any, c -> {
            Random r = new Random(c.seed() + 1);
            Tensor q = Tensor.wrap(Gen.normal(r, c.dim()), Layout.BHSD, 1, 1, 1, c.dim());
            Tensor k = Tensor.wrap(Gen.normal(r, c.dim()), Layout.BHSD, 1, 1, 1, c.dim());
            int i = r.nextInt(200), j = r.nextInt(200), shift = c.offset();
            RotaryEmbedding rope = c.rope();
            double s1 = dot(rope.apply(q, i), rope.apply(k, j));
            double s2 = dot(rope.apply(q, i + shift), rope.apply(k, j + shift));
            double scale = norm(row(q, 0, 0, 0)) * norm(row(k, 0, 0, 0));
            // Angles up to ~5000 rad are rounded to float cos/sin: errors stay near float epsilon of |q||k|.
            assertEquals(s1, s2, 2e-6 * scale * Math.sqrt(c.dim()), "i=" + i + ", j=" + j + ", shift=" + shift);
        });
    }

    @Test
    void offsetEqualsSlicingALongerSequence() {
        Property.check("RoPE offset p equals rows p.. of a longer sequence", Case::any, c -> {
            int p = Math.min(c.offset() % 17, c.seq() - 1);
            Tensor x = c.tensor().copy(Layout.BHSD);
            Tensor whole = c.rope().apply(x, 0);
            int rows = c.seq() - p;
            int[] sizes = {c.batch(), c.heads(), rows, c.dim()};
            int[] strides = {x.stride(0), x.stride(1), x.stride(2), 1};
            Tensor slice = Tensor.view(x.array(), x.index(0, 0, p, 0), sizes, strides);
            Tensor shifted = c.rope().apply(slice, p);
            Tensor wholeSlice = Tensor.view(whole.array(), whole.index(0, 0, p, 0), sizes, strides);
            assertArrayEquals(wholeSlice.toArray(), shifted.toArray());
        });
    }

    @Test
    void vectorAndScalarKernelsGiveTheSameBits() {
        Property.check("RoPE vector equals scalar", Case::any, c -> {
            Tensor x = c.tensor();
            RotaryEmbedding scalar = RotaryEmbedding.create(c.dim(), RotaryEmbedding.DEFAULT_BASE, c.style(),
                    Backend.SCALAR);
            assertArrayEquals(scalar.apply(x, c.offset()).toArray(), c.rope().apply(x, c.offset()).toArray());
        });
    }

    @Test
    void applyInPlaceRotatesAStridedView() {
        // Q heads inside a fused QKV projection buffer [S, 3·H·D]: rotate only the Q part, leave K/V alone.
        int seq = 5, heads = 2, dim = 6, width = 3 * heads * dim;
        float[] buf = Gen.normal(new Random(3), seq * width);
        float[] before = buf.clone();
        Tensor qView = Tensor.view(buf, 0, new int[] {1, heads, seq, dim}, new int[] {seq * width, dim, width, 1});
        Tensor expected = RotaryEmbedding.of(dim, RotaryStyle.HALF_SPLIT).apply(qView, 3);
        RotaryEmbedding.of(dim, RotaryStyle.HALF_SPLIT).applyInPlace(qView, 3);
        assertArrayEquals(expected.toArray(), qView.toArray());
        for (int s = 0; s < seq; s++) {
            for (int c = heads * dim; c < width; c++) {
                assertEquals(before[s * width + c], buf[s * width + c], "K/V element outside the view changed");
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        var e = assertThrows(IllegalArgumentException.class, () -> RotaryEmbedding.of(7, RotaryStyle.INTERLEAVED));
        assertEquals("dim must be even and >= 2 but was 7", e.getMessage());
        RotaryEmbedding rope = RotaryEmbedding.of(8, RotaryStyle.INTERLEAVED);
        e = assertThrows(IllegalArgumentException.class, () -> rope.apply(Tensor.zeros(1, 1, 2, 6), 0));
        assertEquals("tensor has head dimension 6 but this RoPE has dim 8", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> rope.apply(Tensor.zeros(1, 1, 2, 8), -1));
        assertEquals("offset must be >= 0 but was -1", e.getMessage());
    }

    private static double norm(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    private static double dot(Tensor a, Tensor b) {
        double s = 0;
        for (int d = 0; d < a.dim(); d++) {
            s += (double) a.get(0, 0, 0, d) * b.get(0, 0, 0, d);
        }
        return s;
    }
}
