package dev.flashvec.attention;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.parallel.ComputePool;
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
            // Until C2 compiles the kernel, each vector operation is a boxed heap object; what is measured
            // here is the algorithm's own allocation, so the kernel is compiled first on a smaller problem.
            warmUp(attention);
            long before = threads.getCurrentThreadAllocatedBytes();
            attention.forward(q, k, v, AttentionOptions.defaults(), out, lse);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            long scoreMatrix = 4L * s * s;
            System.out.printf("forward S=%d D=%d allocated %d bytes (%.4f%% of the %d-byte score matrix)%n", s, d,
                    allocated, 100.0 * allocated / scoreMatrix, scoreMatrix);
            assertTrue(allocated < scoreMatrix / 100, "allocated " + allocated + " bytes");
            assertTrue(Float.isFinite(out.get(0, 0, s - 1, d - 1)));
        }
    }

    private static void warmUp(Attention attention) {
        Random r = new Random(1);
        int n = 1024, d = 64;
        Tensor t = Tensor.wrap(Gen.normal(r, n * d), dev.flashvec.tensor.Layout.BHSD, 1, 1, n, d);
        for (int i = 0; i < 30; i++) {
            attention.forward(t, t, t, AttentionOptions.defaults());
        }
    }
}
