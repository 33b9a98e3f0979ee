package dev.flashvec.layers;

import dev.flashvec.weights.WeightStore;
import java.io.IOException;
import java.util.Arrays;

/**
 * Loads a {@link MultiHeadAttention}'s weights by the names {@code torch.nn.MultiheadAttention} saves in its
 * state dict, under a prefix (e.g. {@code "encoder.layers.0.self_attn."}): {@code in_proj_weight} (fused) or
 * {@code q_proj_weight}, {@code k_proj_weight}, {@code v_proj_weight} (separate, when kdim or vdim differ);
 * {@code in_proj_bias} (optional; split in three for separate weights); {@code out_proj.weight} and
 * {@code out_proj.bias} (optional). Shapes are checked against the builder's dimensions, naming file and tensor.
 */
public final class PyTorchWeights {
    private PyTorchWeights() {}

    /** Sets the weights of {@code b} from {@code store}; returns {@code b}. */
    public static MultiHeadAttention.Builder load(MultiHeadAttention.Builder b, WeightStore store, String prefix)
            throws IOException {
        MultiHeadAttention.Shape s = b.shape();
        int q = s.heads() * s.headDim(), k = s.kvHeads() * s.headDim(), v = s.kvHeads() * s.valueHeadDim();
        float[] inBias = store.has(prefix + "in_proj_bias") ? store.require(prefix + "in_proj_bias", q + k + v) : null;
        if (store.has(prefix + "in_proj_weight")) {
            b.fusedQkv(store.require(prefix + "in_proj_weight", q + k + v, s.embedDim()), inBias);
        } else {
            b.query(store.require(prefix + "q_proj_weight", q, s.embedDim()), part(inBias, 0, q));
            b.key(store.require(prefix + "k_proj_weight", k, s.keyDim()), part(inBias, q, k));
            b.value(store.require(prefix + "v_proj_weight", v, s.valueDim()), part(inBias, q + k, v));
        }
        float[] outBias = store.has(prefix + "out_proj.bias") ? store.require(prefix + "out_proj.bias", s.outDim()) : null;
        b.output(store.require(prefix + "out_proj.weight", s.outDim(), q / s.headDim() * s.valueHeadDim()), outBias);
        return b;
    }

    private static float[] part(float[] a, int from, int n) {
        return a == null ? null : Arrays.copyOfRange(a, from, from + n);
    }
}
