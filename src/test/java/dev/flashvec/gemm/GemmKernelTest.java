package dev.flashvec.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.parallel.ComputePool;
import dev.flashvec.simd.Backend;
import dev.flashvec.simd.Simd;
import dev.flashvec.testing.Gen;
import dev.flashvec.testing.Property;
import dev.flashvec.testing.Shrinkable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Property tests of the SGEMM kernels against a double-precision triple loop. Tagged "kernels", so surefire
 * runs them with 512-, 256- and 128-bit species and with the scalar provider.
 */
@Tag("kernels")
class GemmKernelTest {
    /** Tiny blocks so that small matrices cross every kc, mc and nc boundary and the worker grid. */
    private static final BlockSizes TINY = new BlockSizes(5 * 8, 7, 3 * 32);
    private static final int MAX = 300;
    private static final long MAX_WORK = 3_000_000;

    private static ComputePool three;
    private static ComputePool one;

    @BeforeAll
    static void pools() {
        three = ComputePool.create(3);
        one = ComputePool.create(1);
    }

    @AfterAll
    static void close() {
        three.close();
        one.close();
    }

    @Test
    void defaultBlocksMatchNaive() {
        Gemm gemm = Gemm.create(Simd.backend(), three);
        Property.check("gemm " + gemm + " equals naive", 1.0, r -> GemmCase.draw(r, MAX, MAX_WORK),
                c -> c.assertMatchesNaive(c.run(gemm)));
    }

    @Test
    void tinyBlocksMatchNaive() {
        Gemm gemm = Gemm.create(Simd.backend(), three, TINY, 1);
        Property.check("gemm " + gemm + " equals naive", 1.0, r -> GemmCase.draw(r, 120, MAX_WORK),
                c -> c.assertMatchesNaive(c.run(gemm)));
    }

    @Test
    void scalarBackendMatchesNaive() {
        Gemm gemm = Gemm.create(Backend.SCALAR, three, TINY, 1);
        Property.check("gemm " + gemm + " equals naive", 0.5, r -> GemmCase.draw(r, 120, MAX_WORK),
                c -> c.assertMatchesNaive(c.run(gemm)));
    }

    @Test
    void bitIdenticalForOneAndThreeThreads() {
        Gemm single = Gemm.create(Simd.backend(), one, TINY, 1);
        Gemm multi = Gemm.create(Simd.backend(), three, TINY, 1);
        Gemm multiDefault = Gemm.create(Simd.backend(), three, single.blocks(), 1);
        Property.check("1 thread == 3 threads", 0.5, r -> GemmCase.draw(r, MAX, MAX_WORK), c -> {
            float[] expected = c.run(single);
            assertBitsEqual(expected, c.run(multi), "3 threads, tiny blocks");
            assertBitsEqual(expected, c.run(multiDefault), "3 threads, same blocks");
        });
    }

    @Test
    void scalarTwinGivesTheSameBitsAsVector() {
        if (!Simd.vectorAvailable()) {
            return; // the scalar execution has no vector kernel to compare with
        }
        Gemm vector = Gemm.create(Backend.VECTOR, three, TINY, 1);
        Gemm scalar = Gemm.create(Backend.SCALAR, three, TINY, 1);
        assertEquals(vector.blocks(), scalar.blocks(), "test needs the same blocks for both kernels");
        Property.check("scalar == vector bit for bit", 0.5, r -> GemmCase.draw(r, 120, MAX_WORK), c -> {
            if (c.m() <= SkinnyGemm.ROWS && c.tb() == Transpose.YES) {
                // The skinny dot-product path sums per lane (documented on GemmKernel.rowsDotRows): each
                // backend must still be right, and is checked against the oracle instead.
                c.assertMatchesNaive(c.run(vector));
                c.assertMatchesNaive(c.run(scalar));
            } else {
                assertBitsEqual(c.run(scalar), c.run(vector), "vector vs scalar");
            }
        });
    }

    @Test
    void skinnyProductsMatchNaiveAndIgnoreThreadCount() {
        // m <= SkinnyGemm.ROWS takes the streaming path; n above SkinnyGemm.COLUMN_BLOCK splits it among workers.
        Gemm single = Gemm.create(Simd.backend(), one, TINY, 1);
        Gemm multi = Gemm.create(Simd.backend(), three, TINY, 1);
        Property.check("skinny gemm equals naive, 1 thread == 3 threads", 1.0, r -> {
            GemmCase c = GemmCase.draw(r, MAX, MAX_WORK);
            int m = 1 + r.nextInt(SkinnyGemm.ROWS);
            int n = Gen.size(r, 3 * SkinnyGemm.COLUMN_BLOCK + 1);
            int k = Gen.size(r, 200);
            return new GemmCase(c.ta(), c.tb(), m, n, k, c.alpha(), c.beta(), c.nanC(), c.padA(), c.padB(), c.padC(),
                    c.aOff(), c.bOff(), c.cOff(), c.seed());
        }, c -> {
            float[] expected = c.run(single);
            c.assertMatchesNaive(expected);
            assertBitsEqual(expected, c.run(multi), "3 threads");
        });
    }

    @Test
    void largeProblemUsesAllWorkersAndStaysExact() {
        // Above the default parallel threshold, with default blocks: crosses kc on every backend.
        Gemm gemm = Gemm.create(Simd.backend(), three);
        GemmCase c = new GemmCase(Transpose.NO, Transpose.YES, 257, 131, 600, 0.5f, -1.25f, false, 3, 0, 5, 7, 0, 11,
                42L);
        c.assertMatchesNaive(c.run(gemm));
        assertBitsEqual(c.run(Gemm.create(Simd.backend(), one)), c.run(gemm), "1 vs 3 threads, default blocks");
    }

    @Test
    void denseConvenienceOverwritesC() {
        Gemm gemm = Gemm.create();
        float[] a = {1, 2, 3, 4, 5, 6};          // 2×3
        float[] b = {7, 8, 9, 10, 11, 12};       // 3×2
        float[] c = {Float.NaN, 1, 2, 3};
        gemm.multiply(2, 2, 3, a, b, c);
        assertArrayEquals(new float[] {58, 64, 139, 154}, c);
    }

    @Test
    void defaultBlockSizesAreSane() {
        Gemm gemm = Gemm.create();
        int[] tile = gemm.tile();
        BlockSizes bs = gemm.blocks();
        assertEquals(0, bs.mc() % tile[0], gemm.toString());
        assertEquals(0, bs.nc() % tile[1], gemm.toString());
        assertTrue(bs.kc() >= 64 && bs.kc() <= 512, gemm.toString());
        if (Simd.vectorAvailable()) {
            assertTrue(tile[0] * 2 >= 12, "at least 12 accumulators: " + gemm);
        }
    }

    /** One packing problem: {@code width} rows of an operand contiguous along k, {@code kc} depths, rows {@code ld} apart. */
    record PackCase(int width, int kc, int pad, int off, boolean b, long seed) implements Shrinkable<PackCase> {
        static PackCase draw(Random r) {
            return new PackCase(Gen.size(r, 100), Gen.size(r, 70), r.nextInt(3) == 0 ? 0 : r.nextInt(40), r.nextInt(5),
                    r.nextBoolean(), r.nextLong());
        }

        @Override
        public List<PackCase> shrink() {
            List<PackCase> out = new ArrayList<>();
            for (int v : Gen.smaller(width)) {
                out.add(new PackCase(v, kc, pad, off, b, seed));
            }
            for (int v : Gen.smaller(kc)) {
                out.add(new PackCase(width, v, pad, off, b, seed));
            }
            return out;
        }
    }

    @Test
    void vectorPackingCopiesExactlyWhatThePlainPackingCopies() {
        // The vector kernel transposes operands contiguous along k in registers (512 bits) or hands them to
        // Packing (other widths); either way the packed slivers must be the same floats, zero padding included.
        if (!Simd.vectorAvailable()) {
            return;
        }
        VectorGemmKernel kernel = new VectorGemmKernel();
        Property.check("vector packing = plain packing", 0.5, PackCase::draw, c -> {
            int ld = c.kc() + c.pad();
            float[] x = Gen.normal(new Random(c.seed()), c.off() + c.width() * ld);
            int w = c.b() ? kernel.nr() : kernel.mr();
            float[] want = new float[(c.width() + w - 1) / w * w * c.kc()];
            float[] got = new float[want.length];
            Arrays.fill(got, Float.NaN); // padding must be written as zeros, not left over
            Packing.pack(x, c.off(), ld, 1, c.width(), c.kc(), w, want, 0);
            if (c.b()) {
                kernel.packB(x, c.off(), ld, 1, c.width(), c.kc(), got);
            } else {
                kernel.packA(x, c.off(), ld, 1, c.width(), c.kc(), got);
            }
            assertBitsEqual(want, got, (c.b() ? "packB" : "packA") + " of " + c);
        });
    }

    private static void assertBitsEqual(float[] expected, float[] actual, String what) {
        if (!Arrays.equals(expected, actual)) {
            for (int i = 0; i < expected.length; i++) {
                if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                    throw new AssertionError(what + ": element " + i + " is " + actual[i] + " but expected "
                            + expected[i] + " bit for bit");
                }
            }
        }
    }
}
