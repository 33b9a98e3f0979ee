package dev.flashvec.attention;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.parallel.ComputePool;
import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.simd.Backend;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Tensor;
import dev.flashvec.testing.Gen;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/** The fused kernel never allocates anything proportional to Sq·Sk. */
@EnabledIf("vectorBackend")
class AttentionMemoryTest {
    static boolean vectorBackend() {
        return Simd.backend() == Backend.VECTOR; // the scalar twin would take minutes at this size
    }

    @Test
    void forwardAt16kAllocatesUnderOnePercentOfTheScoreMatrix() {
        int s = 16384, d = 64;
        Random r = new Random(42);
        Tensor q = Tensor.wrap(Gen.normal(r, s * d), dev.flashvec.tensor.Layout.BHSD, 1, 1, s, d);
        Tensor k = Tensor.wrap(Gen.normal(r, s * d), dev.flashvec.tensor.Layout.BHSD, 1, 1, s, d);
        Tensor v = Tensor.wrap(Gen.normal(r, s * d), dev.flashvec.tensor.Layout.BHSD, 1, 1, s, d);
        Tensor out = Tensor.zeros(1, 1, s, d);
        float[] lse = new float[s];
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // One worker runs every task on the calling thread, so this thread's counter sees all allocation.
        try (ComputePool pool = ComputePool.create(1)) {
            Attention attention = Attention.create(Backend.VECTOR, pool);
            // Until C2 compiles the kernel, each vector operation is a boxed heap object, and a change of
            // profile (other tests, other options) can send it back to the interpreter for a while. What is
            // measured here is the algorithm's own allocation, so: warm up until a small call allocates only
            // its scratch, then take the least of up to three measurements of the large call. An algorithm
            // that allocated anything proportional to Sq·Sk would fail every one of them.
            warmUp(attention, threads);
            long allocated = Long.MAX_VALUE;
            for (int attempt = 0; attempt < 3 && allocated >= 4L * s * s / 100; attempt++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                attention.forward(q, k, v, AttentionOptions.defaults(), out, lse);
                allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
            }
            long scoreMatrix = 4L * s * s;
            System.out.printf("forward S=%d D=%d allocated %d bytes (%.4f%% of the %d-byte score matrix)%n", s, d,
                    allocated, 100.0 * allocated / scoreMatrix, scoreMatrix);
            assertTrue(allocated < scoreMatrix / 100, "allocated " + allocated + " bytes");
            assertTrue(Float.isFinite(out.get(0, 0, s - 1, d - 1)));
        }
    }

    @Test
    void everyOptionPathAllocatesOnlyScratchOnceCompiled() {
        // Regression guard: a kernel method that outgrows C2's inlining budget on some option path boxes its
        // vectors (a causal run once allocated 200 MB per call). Compiled, a call allocates only its
        // per-worker scratch (~70 KB here). Compilation happens in the background, so each option set gets
        // up to 40 rounds to get there; a boxed path stays at megabytes per call forever.
        int s = 256, d = 64, heads = 4;
        Random r = new Random(3);
        Tensor t = Tensor.wrap(Gen.normal(r, heads * s * d), dev.flashvec.tensor.Layout.BHSD, 1, heads, s, d);
        Tensor out = Tensor.zeros(1, heads, s, d);
        boolean[] allowed = new boolean[s * s];
        for (int i = 0; i < allowed.length; i++) {
            allowed[i] = r.nextInt(4) != 0;
        }
        float[] bias = Gen.normal(r, s * s);
        AttentionOptions[] options = {
            AttentionOptions.defaults(),
            AttentionOptions.builder().causal(CausalAlignment.TOP_LEFT).build(),
            AttentionOptions.builder().softcap(5f).build(),
            AttentionOptions.builder().mask(AttentionMask.allowed(allowed, 1, 1, s, s)).build(),
            AttentionOptions.builder().mask(AttentionMask.additive(
                    Tensor.wrap(bias, dev.flashvec.tensor.Layout.BHSD, 1, 1, s, s))).build(),
            AttentionOptions.builder().causal(CausalAlignment.BOTTOM_RIGHT).window(50, 10)
                    .kvLengths(new int[] {200}).softcap(30f).build(),
            // the attention family: position biases, score modifier, mask predicates (skipped/full/partial tiles)
            AttentionOptions.builder().alibi(heads).causal(CausalAlignment.TOP_LEFT).build(),
            AttentionOptions.builder().positionBias(RelativePositionBias.t5(new float[heads][32], 32, 128, true)).build(),
            AttentionOptions.builder().scoreMod((b, h, i, j, x) -> x * 0.5f).build(),
            AttentionOptions.builder().alibi(heads).softcap(20f).scoreMod((b, h, i, j, x) -> x + 1f)
                    .mask(AttentionMask.additive(Tensor.wrap(bias, dev.flashvec.tensor.Layout.BHSD, 1, 1, s, s)))
                    .build(),
            AttentionOptions.builder().maskMod(MaskPatterns.documents(new int[] {100, 56, 100}, true)).build(),
            AttentionOptions.builder().maskMod(MaskPatterns.bigBird(s, s, 32, 1, 1, 1, 9)).build(),
            AttentionOptions.builder().maskMod((b, h, i, j) -> (i + j) % 3 != 0).mask(AttentionMask.allowed(allowed, 1, 1, s, s))
                    .build(),
        };
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long limit = 256 * 1024;
        try (ComputePool pool = ComputePool.create(1)) {
            Attention attention = Attention.create(Backend.VECTOR, pool);
            for (AttentionOptions o : options) {
                long perCall = Long.MAX_VALUE;
                for (int round = 0; round < 40 && perCall > limit; round++) {
                    for (AttentionOptions any : options) { // keep every path's profile hot, as in a real mix
                        attention.forward(t, t, t, any, out, null);
                    }
                    long before = threads.getCurrentThreadAllocatedBytes();
                    attention.forward(t, t, t, o, out, null);
                    perCall = threads.getCurrentThreadAllocatedBytes() - before;
                }
                assertTrue(perCall <= limit, o + " allocated " + perCall + " bytes per call once compiled");
            }
        }
    }

    /** Runs small forwards until one allocates no more than its scratch (bounded: 200 rounds). */
    private static void warmUp(Attention attention, com.sun.management.ThreadMXBean threads) {
        Random r = new Random(1);
        int n = 1024, d = 64;
        Tensor t = Tensor.wrap(Gen.normal(r, n * d), dev.flashvec.tensor.Layout.BHSD, 1, 1, n, d);
        Tensor out = Tensor.zeros(1, 1, n, d);
        for (int round = 0; round < 200; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            attention.forward(t, t, t, AttentionOptions.defaults(), out, null);
            if (round >= 10 && threads.getCurrentThreadAllocatedBytes() - before < 256 * 1024) {
                return;
            }
        }
    }
}
