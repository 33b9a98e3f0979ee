package dev.flashvec.attention;

import dev.flashvec.testing.Gen;
import dev.flashvec.testing.Shrinkable;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A generated attention problem: shapes, memory layout and options, with values drawn from {@code valueSeed}
 * so that a shrunk case regenerates consistent data.
 */
record AttentionCase(int batch, int kvHeads, int group, int sq, int sk, int dk, int dv, Storage storage,
                     float scale, float softcap, CausalAlignment causal, int windowLeft, int windowRight,
                     MaskKind maskKind, boolean maskBatch, boolean maskHeads, boolean kvLengths, long valueSeed)
        implements Shrinkable<AttentionCase> {

    /** How Q, K, V lie in memory. */
    enum Storage { BHSD, BSHD, PADDED }

    /** Which explicit mask, if any. */
    enum MaskKind { NONE, BOOLEAN, ADDITIVE }

    /** Everything about a case except masks and key lengths (plain, unmasked attention). */
    static AttentionCase plain(Random r, int maxSeq, int maxDim) {
        return new AttentionCase(1 + r.nextInt(2), 1 + r.nextInt(2), 1 + r.nextInt(3),
                Gen.size(r, maxSeq), Gen.size(r, maxSeq), Gen.size(r, maxDim), Gen.size(r, maxDim),
                Storage.values()[r.nextInt(3)], Float.NaN, 0f, CausalAlignment.NONE,
                AttentionOptions.UNBOUNDED, AttentionOptions.UNBOUNDED, MaskKind.NONE, false, false, false,
                r.nextLong());
    }

    /** A case with every option drawn at random. */
    static AttentionCase any(Random r, int maxSeq, int maxDim) {
        AttentionCase c = plain(r, maxSeq, maxDim);
        float scale = r.nextInt(4) == 0 ? (float) (0.05 + r.nextDouble()) : Float.NaN;
        float softcap = r.nextInt(4) == 0 ? (float) (0.5 + 5 * r.nextDouble()) : 0f;
        CausalAlignment causal = CausalAlignment.values()[r.nextInt(3)];
        int wl = r.nextInt(3) == 0 ? r.nextInt(Math.max(1, c.sk)) : AttentionOptions.UNBOUNDED;
        int wr = r.nextInt(3) == 0 ? r.nextInt(Math.max(1, c.sk)) : AttentionOptions.UNBOUNDED;
        MaskKind mk = MaskKind.values()[r.nextInt(3)];
        return new AttentionCase(c.batch, c.kvHeads, c.group, c.sq, c.sk, c.dk, c.dv, c.storage, scale, softcap,
                causal, wl, wr, mk, r.nextBoolean(), r.nextBoolean(), r.nextInt(3) == 0, c.valueSeed);
    }

    /** Every option at random on shapes of 200–300 queries, 64–300 keys and 16–128 dims, one or two heads. */
    static AttentionCase midSize(Random r) {
        AttentionCase c = any(r, 300, 128);
        return new AttentionCase(1, 1, 1 + r.nextInt(2), 200 + r.nextInt(101), 64 + r.nextInt(237), 16 + r.nextInt(113),
                16 + r.nextInt(113), c.storage, c.scale, c.softcap, c.causal, c.windowLeft, c.windowRight, c.maskKind,
                c.maskBatch, c.maskHeads, c.kvLengths, c.valueSeed);
    }

    int heads() {
        return kvHeads * group;
    }

    Tensor q() {
        return tensor(batch, heads(), sq, dk, 1);
    }

    Tensor k() {
        return tensor(batch, kvHeads, sk, dk, 2);
    }

    Tensor v() {
        return tensor(batch, kvHeads, sk, dv, 3);
    }

    /** A tensor of N(0,1) values in this case's storage; {@code salt} tells Q, K and V apart. */
    Tensor tensor(int b, int h, int s, int d, int salt) {
        Random r = new Random(valueSeed * 31 + salt);
        Tensor t = switch (storage) {
            case BHSD -> Tensor.zeros(Layout.BHSD, b, h, s, d);
            case BSHD -> Tensor.zeros(Layout.BSHD, b, h, s, d);
            case PADDED -> {
                // Rows padded by 3 floats and an offset of 5: strides no dense layout has.
                int rowStride = d + 3;
                int[] strides = {h * s * rowStride, rowStride, h * rowStride, 1};
                float[] data = new float[5 + b * h * s * rowStride];
                java.util.Arrays.fill(data, Float.NaN); // padding must never be read
                yield Tensor.view(data, 5, new int[] {b, h, s, d}, strides);
            }
        };
        for (int i0 = 0; i0 < b; i0++) {
            for (int i1 = 0; i1 < h; i1++) {
                for (int i2 = 0; i2 < s; i2++) {
                    for (int i3 = 0; i3 < d; i3++) {
                        t.set(i0, i1, i2, i3, (float) r.nextGaussian());
                    }
                }
            }
        }
        return t;
    }

    AttentionOptions options() {
        AttentionOptions.Builder o = AttentionOptions.builder().causal(causal).window(windowLeft, windowRight);
        if (!Float.isNaN(scale)) {
            o.scale(scale);
        }
        if (softcap > 0f) {
            o.softcap(softcap);
        }
        Random r = new Random(valueSeed * 31 + 7);
        if (kvLengths) {
            int[] len = new int[batch];
            for (int b = 0; b < batch; b++) {
                len[b] = r.nextInt(sk + 1);
            }
            o.kvLengths(len);
        }
        int mb = maskBatch ? batch : 1, mh = maskHeads ? heads() : 1;
        if (maskKind == MaskKind.BOOLEAN) {
            boolean[] allowed = new boolean[mb * mh * sq * sk];
            for (int i = 0; i < allowed.length; i++) {
                allowed[i] = r.nextInt(4) != 0;
            }
            o.mask(AttentionMask.allowed(allowed, mb, mh, sq, sk));
        } else if (maskKind == MaskKind.ADDITIVE) {
            float[] bias = new float[mb * mh * sq * sk];
            for (int i = 0; i < bias.length; i++) {
                bias[i] = r.nextInt(5) == 0 ? Float.NEGATIVE_INFINITY : (float) r.nextGaussian();
            }
            o.mask(AttentionMask.additive(Tensor.wrap(bias, Layout.BHSD, mb, mh, sq, sk)));
        }
        return o.build();
    }

    @Override
    public List<AttentionCase> shrink() {
        List<AttentionCase> out = new ArrayList<>();
        if (maskKind != MaskKind.NONE) {
            out.add(with(c -> c.maskKind = MaskKind.NONE));
        }
        if (kvLengths) {
            out.add(with(c -> c.kvLengths = false));
        }
        if (softcap > 0) {
            out.add(with(c -> c.softcap = 0f));
        }
        if (causal != CausalAlignment.NONE) {
            out.add(with(c -> c.causal = CausalAlignment.NONE));
        }
        if (windowLeft != AttentionOptions.UNBOUNDED || windowRight != AttentionOptions.UNBOUNDED) {
            out.add(with(c -> {
                c.windowLeft = AttentionOptions.UNBOUNDED;
                c.windowRight = AttentionOptions.UNBOUNDED;
            }));
        }
        if (storage != Storage.BHSD) {
            out.add(with(c -> c.storage = Storage.BHSD));
        }
        if (!Float.isNaN(scale)) {
            out.add(with(c -> c.scale = Float.NaN));
        }
        if (maskBatch) {
            out.add(with(c -> c.maskBatch = false));
        }
        if (maskHeads) {
            out.add(with(c -> c.maskHeads = false));
        }
        for (int v : Gen.smaller(batch)) {
            out.add(with(c -> c.batch = v));
        }
        for (int v : Gen.smaller(kvHeads)) {
            out.add(with(c -> c.kvHeads = v));
        }
        for (int v : Gen.smaller(group)) {
            out.add(with(c -> c.group = v));
        }
        for (int v : Gen.smaller(sq)) {
            out.add(with(c -> c.sq = v));
        }
        for (int v : Gen.smaller(sk)) {
            out.add(with(c -> c.sk = v));
        }
        for (int v : Gen.smaller(dk)) {
            out.add(with(c -> c.dk = v));
        }
        for (int v : Gen.smaller(dv)) {
            out.add(with(c -> c.dv = v));
        }
        return out;
    }

    /** Mutable copy used only to derive shrink candidates. */
    private static final class Draft {
        int batch, kvHeads, group, sq, sk, dk, dv, windowLeft, windowRight;
        Storage storage;
        float scale, softcap;
        CausalAlignment causal;
        MaskKind maskKind;
        boolean maskBatch, maskHeads, kvLengths;
        long valueSeed;
    }

    private AttentionCase with(java.util.function.Consumer<Draft> change) {
        Draft d = new Draft();
        d.batch = batch;
        d.kvHeads = kvHeads;
        d.group = group;
        d.sq = sq;
        d.sk = sk;
        d.dk = dk;
        d.dv = dv;
        d.storage = storage;
        d.scale = scale;
        d.softcap = softcap;
        d.causal = causal;
        d.windowLeft = windowLeft;
        d.windowRight = windowRight;
        d.maskKind = maskKind;
        d.maskBatch = maskBatch;
        d.maskHeads = maskHeads;
        d.kvLengths = kvLengths;
        d.valueSeed = valueSeed;
        change.accept(d);
        return new AttentionCase(d.batch, d.kvHeads, d.group, d.sq, d.sk, d.dk, d.dv, d.storage, d.scale, d.softcap,
                d.causal, d.windowLeft, d.windowRight, d.maskKind, d.maskBatch, d.maskHeads, d.kvLengths,
                d.valueSeed);
    }

    @Override
    public String toString() {
        return "AttentionCase[B=" + batch + ", Hq=" + heads() + ", Hkv=" + kvHeads + ", Sq=" + sq + ", Sk=" + sk
                + ", Dk=" + dk + ", Dv=" + dv + ", " + storage + ", scale=" + scale + ", softcap=" + softcap
                + ", causal=" + causal + ", window=(" + windowLeft + "," + windowRight + "), mask=" + maskKind
                + (maskKind != MaskKind.NONE ? "[" + (maskBatch ? "B" : "1") + "," + (maskHeads ? "H" : "1") + "]" : "")
                + ", kvLengths=" + kvLengths + ", valueSeed=" + valueSeed + "]";
    }
}
