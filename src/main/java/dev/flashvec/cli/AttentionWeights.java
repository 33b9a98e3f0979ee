package dev.flashvec.cli;

import dev.flashvec.attention.Attention;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.tensor.NpyArray;
import dev.flashvec.tensor.Tensor;
import java.nio.file.Path;

/** The {@code --weights} output of {@code flashvec attention}: attention weights from the explain pass. */
final class AttentionWeights {
    private AttentionWeights() {}

    /** Fails before any work if the weights cannot be produced for these shapes. */
    static void check(Path weights, Integer head, Tensor q, Tensor k) {
        if (weights == null) {
            if (head != null) {
                throw new IllegalArgumentException("--weights-head needs --weights");
            }
            return;
        }
        if (head != null && (head < 0 || head >= q.heads())) {
            throw new IllegalArgumentException("--weights-head must be in [0, " + q.heads() + ") but was " + head);
        }
        long n = (long) q.batch() * (head == null ? q.heads() : 1) * q.seq() * k.seq();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("--weights would hold " + n + " values, more than an array can: "
                    + (head == null ? "choose one head with --weights-head" : "use shorter sequences"));
        }
    }

    /** Fails if the weights file is also the output or LSE file. */
    static void checkDistinct(Path weights, Path out, Path lse) {
        if (weights == null) {
            return;
        }
        Path w = weights.toAbsolutePath().normalize();
        for (Path other : new Path[] {out, lse}) {
            if (other != null && w.equals(other.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("--weights names the same file as another output: " + weights);
            }
        }
    }

    /** {@code [B, Hq, Sq, Sk]} weights, or {@code [B, Sq, Sk]} of one head. */
    static NpyArray compute(Attention engine, Tensor q, Tensor k, Tensor v, AttentionOptions o, float[] lse,
                            Integer head) {
        int b = q.batch(), sq = q.seq(), sk = k.seq();
        int from = head == null ? 0 : head, to = head == null ? q.heads() : head + 1;
        float[] all = new float[b * (to - from) * sq * sk];
        int at = 0;
        for (int bi = 0; bi < b; bi++) {
            for (int h = from; h < to; h++) {
                float[] rows = engine.explain(q, k, v, o, lse, bi, h, 0, sq);
                System.arraycopy(rows, 0, all, at, rows.length);
                at += rows.length;
            }
        }
        int[] shape = head == null ? new int[] {b, q.heads(), sq, sk} : new int[] {b, sq, sk};
        return NpyArray.ofFloats(shape, all);
    }
}
