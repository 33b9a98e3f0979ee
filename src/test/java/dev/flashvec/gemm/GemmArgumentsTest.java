package dev.flashvec.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.parallel.ComputePool;
import dev.flashvec.simd.Backend;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Every invalid argument of {@link Gemm} is rejected before any work, by name, and leaves C untouched. */
class GemmArgumentsTest {
    /** A valid call (64×48 = 64×32 · 32×48, all dense) that each test breaks in one place. */
    private static final class Call {
        Transpose ta = Transpose.NO, tb = Transpose.NO;
        int m = 64, n = 48, k = 32;
        float alpha = 1f, beta = 0.5f;
        float[] a = filled(64 * 32), b = filled(32 * 48), c = filled(64 * 48);
        int aOff, bOff, cOff;
        int lda = 32, ldb = 48, ldc = 48;

        void run(Gemm gemm) {
            gemm.multiply(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    private final Gemm gemm = Gemm.create();

    private static float[] filled(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (i % 7) - 3;
        }
        return x;
    }

    /** Breaks a valid call with {@code breakIt} and expects a rejection whose message contains {@code expected}. */
    private void rejects(String expected, Consumer<Call> breakIt) {
        Call call = new Call();
        breakIt.accept(call);
        float[] before = call.c == null ? null : call.c.clone();
        float[] aBefore = call.a == null ? null : call.a.clone();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> call.run(gemm));
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should contain '" + expected + "'");
        if (before != null) {
            assertArrayEquals(before, call.c, "C must be untouched when an argument is invalid");
        }
        if (aBefore != null) {
            assertArrayEquals(aBefore, call.a, "A must be untouched");
        }
    }

    @Test
    void theBaseCallIsValid() {
        Call call = new Call();
        call.run(gemm);
    }

    @Test
    void rejectsNullTranspositions() {
        rejects("ta must not be null", c -> c.ta = null);
        rejects("tb must not be null", c -> c.tb = null);
    }

    @Test
    void rejectsSizesBelowOne() {
        rejects("m must be >= 1 but was 0", c -> c.m = 0);
        rejects("n must be >= 1 but was -3", c -> c.n = -3);
        rejects("k must be >= 1 but was 0", c -> c.k = 0);
    }

    @Test
    void rejectsNullArrays() {
        rejects("a must not be null", c -> c.a = null);
        rejects("b must not be null", c -> c.b = null);
        rejects("c must not be null", c -> c.c = null);
    }

    @Test
    void rejectsNegativeOffsets() {
        rejects("aOff must be >= 0 but was -1", c -> c.aOff = -1);
        rejects("bOff must be >= 0 but was -2", c -> c.bOff = -2);
        rejects("cOff must be >= 0 but was -3", c -> c.cOff = -3);
    }

    @Test
    void rejectsShortLeadingDimensions() {
        rejects("lda must be >= 32 (columns of A) but was 10", c -> c.lda = 10);
        rejects("ldb must be >= 48 (columns of B) but was 47", c -> c.ldb = 47);
        rejects("ldc must be >= 48 (columns of C) but was 0", c -> c.ldc = 0);
        // Transposed, A is stored k×m = 32×64, so its rows have m = 64 elements.
        rejects("lda must be >= 64 (columns of A as stored, 32×64 since ta=YES) but was 32", c -> c.ta = Transpose.YES);
        rejects("ldb must be >= 32 (columns of B as stored, 48×32 since tb=YES) but was 31", c -> {
            c.tb = Transpose.YES;
            c.ldb = 31;
        });
    }

    @Test
    void rejectsShortArrays() {
        rejects("a has 100 elements but needs at least 2048 for m=64, k=32, lda=32", c -> c.a = new float[100]);
        rejects("b has 1535 elements but needs at least 1536 for k=32, n=48, ldb=48", c -> c.b = new float[1535]);
        rejects("c has 3072 elements but needs at least 3073 for m=64, n=48, ldc=48, cOff=1", c -> c.cOff = 1);
        rejects("a has 2048 elements but needs at least 2111 for m=64, k=32, lda=33", c -> c.lda = 33);
    }

    @Test
    void rejectsIndexOverflowInsteadOfWrapping() {
        // 63 · 2^30 overflows int; computed in long it is far beyond the array.
        rejects("a has 2048 elements but needs at least " + (63L * (1 << 30) + 32), c -> c.lda = 1 << 30);
        rejects("c has 3072 elements but needs at least", c -> c.ldc = Integer.MAX_VALUE);
        rejects("b has 1536 elements but needs at least", c -> c.bOff = Integer.MAX_VALUE - 10);
    }

    @Test
    void rejectsCOverlappingAOrB() {
        rejects("c must not overlap a: c uses elements [100, 3172) and a uses [0, 2048)", c -> {
            c.a = filled(5000);
            c.c = c.a;
            c.cOff = 100;
        });
        rejects("c must not overlap b", c -> {
            c.b = new float[5000];
            c.c = c.b;
            c.cOff = 1536 - 48;
        });
    }

    @Test
    void acceptsCBesideAInTheSameArray() {
        float[] shared = filled(64 * 32 + 64 * 48);
        Call call = new Call();
        call.a = shared;
        call.c = shared;
        call.cOff = 64 * 32;
        call.beta = 0f;
        call.run(gemm);
        float[] expected = new float[64 * 48];
        gemm.multiply(64, 48, 32, Arrays.copyOf(shared, 64 * 32), call.b, expected);
        assertArrayEquals(expected, Arrays.copyOfRange(shared, 64 * 32, shared.length));
    }

    @Test
    void rejectsBadFactoryArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.create(null, ComputePool.shared()));
        assertEquals("backend must not be null", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Gemm.create(Backend.SCALAR, null));
        assertEquals("pool must not be null", e.getMessage());
    }

    @Test
    void denseConvenienceChecksToo() {
        float[] c = filled(6);
        float[] before = c.clone();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gemm.multiply(2, 3, 4, new float[8], new float[11], c));
        assertTrue(e.getMessage().startsWith("b has 11 elements but needs at least 12"), e.getMessage());
        assertArrayEquals(before, c);
    }
}
