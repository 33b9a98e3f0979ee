package dev.flashvec.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.tensor.Npy;
import dev.flashvec.tensor.NpyArray;
import dev.flashvec.testing.Gen;
import dev.flashvec.testing.Property;
import dev.flashvec.testing.Shrinkable;
import dev.flashvec.weights.NpyDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a layer from files by PyTorch's names, and low-rank value maps against their product form. */
class LayerWeightsTest {
    @TempDir
    Path dir;

    @Test
    void loadsPyTorchNamesFromAnNpyDirectory() throws IOException {
        Random r = new Random(11);
        int e = 8, heads = 2;
        float[] in = Gen.normal(r, 3 * e * e), inBias = Gen.normal(r, 3 * e), out = Gen.normal(r, e * e);
        Npy.write(dir.resolve("in.npy"), NpyArray.ofFloats(new int[] {3 * e, e}, in));
        Npy.write(dir.resolve("inb.npy"), NpyArray.ofFloats(new int[] {3 * e}, inBias));
        Npy.write(dir.resolve("out.npy"), NpyArray.ofFloats(new int[] {e, e}, out));
        Files.writeString(dir.resolve(NpyDirectory.MANIFEST), "{\"tensors\": {\"attn.in_proj_weight\": \"in.npy\","
                + " \"attn.in_proj_bias\": \"inb.npy\", \"attn.out_proj.weight\": \"out.npy\"}}");
        MultiHeadAttention loaded = PyTorchWeights.load(MultiHeadAttention.builder(e, heads), NpyDirectory.open(dir),
                "attn.").build();
        MultiHeadAttention direct = MultiHeadAttention.builder(e, heads).fusedQkv(in, inBias).output(out, null).build();
        float[] x = Gen.normal(r, 5 * e);
        AttentionOptions o = AttentionOptions.builder().causal(CausalAlignment.TOP_LEFT).build();
        assertArrayEquals(direct.selfAttention(x, 1, 5, o), loaded.selfAttention(x, 1, 5, o));
        var ex = assertThrows(IllegalArgumentException.class, () -> PyTorchWeights.load(
                MultiHeadAttention.builder(4, 2), NpyDirectory.open(dir), "attn."));
        assertEquals(dir.resolve("inb.npy").toAbsolutePath().normalize()
                + ": tensor \"attn.in_proj_bias\" has shape [24] but [12] is expected", ex.getMessage());
    }

    /** A random low-rank layer. */
    record Case(long seed, int heads, int rank, int model, int seq) implements Shrinkable<Case> {
        static Case any(Random r) {
            return new Case(r.nextLong(), 1 + r.nextInt(3), Gen.size(r, 8), Gen.size(r, 40), Gen.size(r, 20));
        }

        @Override
        public List<Case> shrink() {
            List<Case> out = new ArrayList<>();
            for (int s : Gen.smaller(seq)) {
                out.add(new Case(seed, heads, rank, model, s));
            }
            return out;
        }
    }

    @Test
    void factoredValueMapsEqualTheProductMatrices() {
        Property.check("low-rank value maps equal W_OV = up·down", 0.5, Case::any, c -> {
            Random r = new Random(c.seed());
            int e = c.model(), h = c.heads(), dk = Math.max(1, Math.min(8, e / h));
            float[] wq = scaled(r, h * dk * e, e), wk = scaled(r, h * dk * e, e);
            LowRankValues maps = new LowRankValues(scaled(r, h * c.rank() * e, e), scaled(r, h * e * c.rank(), c.rank()),
                    h, c.rank(), e, e);
            MultiHeadAttention.Builder base = MultiHeadAttention.builder(e, h).headDim(dk).query(wq, null).key(wk, null);
            MultiHeadAttention factored = maps.factored(base).build();
            MultiHeadAttention product = maps.product(MultiHeadAttention.builder(e, h).headDim(dk).query(wq, null)
                    .key(wk, null)).build();
            float[] x = Gen.normal(r, 2 * c.seq() * e);
            AttentionOptions o = AttentionOptions.builder().causal(CausalAlignment.TOP_LEFT).build();
            float[] a = factored.selfAttention(x, 2, c.seq(), o), b = product.selfAttention(x, 2, c.seq(), o);
            for (int i = 0; i < a.length; i++) {
                // Same math, different fp32 summation orders: a few ulps of O(1) outputs.
                assertEquals(b[i], a[i], 2e-5 + 1e-4 * Math.abs(b[i]), "element " + i);
            }
        });
    }

    private static float[] scaled(Random r, int n, int fanIn) {
        float[] a = Gen.normal(r, n);
        for (int i = 0; i < n; i++) {
            a[i] /= (float) Math.sqrt(fanIn);
        }
        return a;
    }
}
