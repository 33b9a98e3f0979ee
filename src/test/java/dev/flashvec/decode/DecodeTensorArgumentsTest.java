package dev.flashvec.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.attention.Attention;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.MaskPatterns;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@link DecodeAttention#forward(Tensor, Tensor, Tensor, AttentionOptions, Tensor, float[])}, the few-query path
 * {@link Attention} uses: it gives Attention's bits for the options it accepts, and rejects the rest with
 * messages naming the argument, leaving the output untouched.
 */
class DecodeTensorArgumentsTest {
    private static final ComputePool ONE = ComputePool.create(1);
    private static final DecodeAttention DECODE = DecodeAttention.create(Simd.backend(), ONE);

    @AfterAll
    static void close() {
        ONE.close();
    }

    private static Tensor random(Layout layout, int heads, int seq, int dim, long seed) {
        Tensor t = Tensor.zeros(layout, 1, heads, seq, dim);
        Random r = new Random(seed);
        for (int i = 0; i < t.array().length; i++) {
            t.array()[i] = (float) r.nextGaussian();
        }
        return t;
    }

    @Test
    void givesAttentionsBitsInEveryLayout() {
        Tensor q = random(Layout.BHSD, 4, 3, 16, 1);
        for (Layout layout : new Layout[] {Layout.BHSD, Layout.BSHD}) {
            Tensor k = random(layout, 2, 37, 16, 2), v = random(layout, 2, 37, 8, 3);
            AttentionOptions o = AttentionOptions.builder().window(5, AttentionOptions.UNBOUNDED).build();
            Tensor want = Attention.create(Simd.backend(), ONE).forward(q, k, v, o);
            Tensor got = Tensor.zeros(1, 4, 3, 8);
            DECODE.forward(q, k, v, o, got, null);
            assertArrayEquals(want.toArray(), got.toArray(), layout.toString());
        }
    }

    @Test
    void rejectsWhatTheDecodeKernelCannotDo() {
        Tensor q = random(Layout.BHSD, 2, 1, 4, 1), k = random(Layout.BHSD, 2, 6, 4, 2);
        Tensor v = random(Layout.BHSD, 2, 6, 4, 3), out = Tensor.zeros(1, 2, 1, 4);
        Arrays.fill(out.array(), 7f);
        AttentionOptions plain = AttentionOptions.defaults();
        // K seen through a transposing view: stride 6 on D.
        Tensor kT = Tensor.view(k.array(), 0, new int[] {1, 2, 6, 4}, new int[] {48, 24, 1, 6});
        expect("options", () -> DECODE.forward(q, k, v, null, out, null));
        expect("mask predicate", () -> DECODE.forward(q, k, v,
                AttentionOptions.builder().maskMod(MaskPatterns.slidingWindow(2, 0)).build(), out, null));
        expect("unit stride", () -> DECODE.forward(q, kT, v, plain, out, null));
        expect("Sk=", () -> DECODE.forward(q, k, random(Layout.BHSD, 2, 5, 4, 4), plain, out, null));
        expect("batch=", () -> DECODE.forward(q, Tensor.zeros(2, 2, 6, 4), v, plain, out, null));
        expect("out must not share", () -> DECODE.forward(q, k, v, plain, k, null));
        expect("out must have shape", () -> DECODE.forward(q, k, v, plain, Tensor.zeros(1, 2, 2, 4), null));
        for (float x : out.array()) {
            assertTrue(x == 7f, "out untouched after rejected calls");
        }
    }

    private static void expect(String fragment, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message should mention '" + fragment + "': " + e.getMessage());
    }
}
