package dev.flashvec.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.layers.MultiHeadAttention;
import dev.flashvec.layers.PyTorchWeights;
import dev.flashvec.testing.Gen;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cross-attention layer with separate projections (kdim, vdim ≠ E) loaded from one .safetensors file. */
class SafeTensorsLayerTest {
    @TempDir
    Path dir;

    @Test
    void separateProjectionsAndTheSplitInProjBias() throws IOException {
        Random r = new Random(3);
        int e = 6, heads = 2, kdim = 5, vdim = 7;
        float[] wq = Gen.normal(r, e * e), wk = Gen.normal(r, e * kdim), wv = Gen.normal(r, e * vdim);
        float[] bias = Gen.normal(r, 3 * e), wo = Gen.normal(r, e * e), bo = Gen.normal(r, e);
        Path f = dir.resolve("attn.safetensors");
        Files.write(f, new SafeTensorsWriter().add("m.q_proj_weight", "F32", new int[] {e, e}, wq)
                .add("m.k_proj_weight", "F32", new int[] {e, kdim}, wk)
                .add("m.v_proj_weight", "F32", new int[] {e, vdim}, wv)
                .add("m.in_proj_bias", "F32", new int[] {3 * e}, bias)
                .add("m.out_proj.weight", "F32", new int[] {e, e}, wo)
                .add("m.out_proj.bias", "F32", new int[] {e}, bo).bytes());
        MultiHeadAttention loaded = PyTorchWeights.load(MultiHeadAttention.builder(e, heads).keyDim(kdim)
                .valueDim(vdim), SafeTensors.open(f), "m.").build();
        MultiHeadAttention direct = MultiHeadAttention.builder(e, heads).keyDim(kdim).valueDim(vdim)
                .query(wq, Arrays.copyOfRange(bias, 0, e)).key(wk, Arrays.copyOfRange(bias, e, 2 * e))
                .value(wv, Arrays.copyOfRange(bias, 2 * e, 3 * e)).output(wo, bo).build();
        float[] q = Gen.normal(r, 2 * 3 * e), k = Gen.normal(r, 2 * 4 * kdim), v = Gen.normal(r, 2 * 4 * vdim);
        AttentionOptions o = AttentionOptions.builder().kvLengths(new int[] {4, 2}).build();
        assertArrayEquals(direct.forward(q, k, v, 2, 3, 4, o), loaded.forward(q, k, v, 2, 3, 4, o));
    }
}
