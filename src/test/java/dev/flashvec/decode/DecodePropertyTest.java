package dev.flashvec.decode;

import dev.flashvec.attention.SpecTolerance;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flashvec.attention.AttentionResult;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.reference.ReferenceAttention;
import dev.flashvec.simd.CacheSizes;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Tensor;
import dev.flashvec.testing.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Properties of attention over a KV cache on this JVM's backend: agreement with the reference over the same
 * (stored) keys, split-K determinism, ring caches as sliding windows, append granularity, and the documented
 * error of reduced-precision storage.
 */
@Tag("kernels")
class DecodePropertyTest {
    private static final ComputePool ONE = ComputePool.create(1);
    private static final ComputePool THREE = ComputePool.create(3);
    private static final DecodeAttention SERIAL = DecodeAttention.create(Simd.backend(), ONE);
    private static final DecodeAttention PARALLEL = DecodeAttention.create(Simd.backend(), THREE);

    @AfterAll
    static void close() {
        ONE.close();
        THREE.close();
    }

    @Test
    void equalsReferenceOverTheStoredKeys() {
        Property.check("decode equals reference", r -> DecodeCase.any(r, 150, 40), c -> {
            Tensor q = c.q();
            AttentionResult got = PARALLEL.withChunkKeys(c.chunkKeys()).forward(c.cache(), q);
            ReferenceAttention.Result ref = ReferenceAttention.compute(q, c.rounded(c.keys()), c.rounded(c.values()),
                    c.options());
            SpecTolerance.assertClose(got.output(), got.lse(), ref);
            AttentionResult tiled = PARALLEL.withChunkKeys(c.chunkKeys()).withCacheSizes(tinyCaches(c))
                    .forward(c.cache(), q);
            SpecTolerance.assertClose(tiled.output(), tiled.lse(), ref);
        });
    }

    /**
     * Caches so small that the case's keys span several tiles (16 or 32 keys) and a reduced-precision tile
     * several widening sub-blocks (1 to 5 keys), so that their boundaries and partial last blocks are tested.
     */
    static CacheSizes tinyCaches(DecodeCase c) {
        int dim = Math.max(c.dk(), c.dv()), seed = (int) Math.abs(c.valueSeed() % 10);
        int l2 = 4 * dim * c.type().bytesPerElement() * DecodeKernel.KEY_ALIGN * (1 + seed % 2);
        int l1 = 2 * dim * Float.BYTES * (1 + seed / 2);
        return new CacheSizes(l1, l2, CacheSizes.FALLBACK.l3());
    }

    @Test
    void tileAndSubBlockSizesFollowTheCaches() {
        // Zen 4: 1 MiB L2 and 32 KiB L1d; D=128.
        assertEquals(512, DecodeKernel.tileKeys(128, 4, 1 << 20));
        assertEquals(1024, DecodeKernel.tileKeys(128, 2, 1 << 20));
        assertEquals(16, DecodeKernel.subBlockKeys(128, 2, 32 << 10));
        assertEquals(32, DecodeKernel.subBlockKeys(128, 1, 32 << 10));
        // Tiny caches still give a whole aligned tile and one key per sub-block.
        assertEquals(DecodeKernel.KEY_ALIGN, DecodeKernel.tileKeys(4096, 4, 1024));
        assertEquals(1, DecodeKernel.subBlockKeys(4096, 2, 1024));
    }

    @Test
    void ringCacheEqualsASlidingWindowOverTheFullHistory() {
        Property.check("ring cache = sliding window", r -> DecodeCase.ring(r), c -> {
            Tensor q = c.q();
            KvCache cache = c.cache();
            assertEquals(c.window() + KvCache.DEFAULT_MAX_QUERIES - 1, cache.slots());
            AttentionResult got = SERIAL.withChunkKeys(c.chunkKeys()).forward(cache, q);
            ReferenceAttention.Result ref = ReferenceAttention.compute(q, c.rounded(c.keys()), c.rounded(c.values()),
                    c.options());
            SpecTolerance.assertClose(got.output(), got.lse(), ref);
        });
    }

    @Test
    void anyChunkingAgreesAndAFixedChunkingIsBitIdenticalForAnyThreadCount() {
        Property.check("split-K determinism", r -> DecodeCase.any(r, 150, 40), c -> {
            KvCache cache = c.cache();
            Tensor q = c.q();
            int other = 1 + (int) (Math.abs(c.valueSeed()) % 97);
            AttentionResult one = SERIAL.withChunkKeys(c.chunkKeys()).forward(cache, q);
            AttentionResult three = PARALLEL.withChunkKeys(c.chunkKeys()).forward(cache, q);
            assertArrayEquals(one.output().toArray(), three.output().toArray(), 0f);
            assertArrayEquals(one.lse(), three.lse(), 0f);
            CacheSizes tiny = tinyCaches(c);
            AttentionResult tinyOne = SERIAL.withChunkKeys(c.chunkKeys()).withCacheSizes(tiny).forward(cache, q);
            AttentionResult tinyThree = PARALLEL.withChunkKeys(c.chunkKeys()).withCacheSizes(tiny).forward(cache, q);
            assertArrayEquals(tinyOne.output().toArray(), tinyThree.output().toArray(), 0f);
            assertArrayEquals(tinyOne.lse(), tinyThree.lse(), 0f);
            AttentionResult whole = SERIAL.withChunkKeys(Integer.MAX_VALUE).forward(cache, q);
            AttentionResult split = PARALLEL.withChunkKeys(other).forward(cache, q);
            SpecTolerance.assertClose(split.output(), split.lse(), whole.output(), whole.lse());
        });
    }

    @Test
    void appendingInOneBlockOrTokenByTokenGivesTheSameCacheAndOutputs() {
        Property.check("append granularity", 0.5, r -> DecodeCase.any(r, 100, 24), c -> {
            KvCache byToken = c.cache(1), inOneBlock = c.cache(Math.max(1, c.maxLen()));
            assertArrayEquals(byToken.lengths(), inOneBlock.lengths());
            float[] x = new float[Math.max(c.dk(), c.dv())], y = new float[x.length];
            for (int b = 0; b < c.batch(); b++) {
                for (int h = 0; h < c.kvHeads(); h++) {
                    for (int p = byToken.firstStored(b); p < byToken.length(b); p++) {
                        byToken.readKey(b, h, p, x);
                        inOneBlock.readKey(b, h, p, y);
                        assertArrayEquals(x, y, 0f, "key " + p);
                        byToken.readValue(b, h, p, x);
                        inOneBlock.readValue(b, h, p, y);
                        assertArrayEquals(x, y, 0f, "value " + p);
                    }
                }
            }
            Tensor q = c.q();
            DecodeAttention a = PARALLEL.withChunkKeys(c.chunkKeys());
            assertArrayEquals(a.forward(byToken, q).output().toArray(), a.forward(inOneBlock, q).output().toArray(), 0f);
        });
    }

    @Test
    void reducedPrecisionStaysWithinItsDocumentedBound() {
        // docs/SEMANTICS.md: with per-element storage errors |δk| ≤ εk(k), |δv| ≤ εv(v), each output row moves by at
        // most max_j |δv_j| + (e^{2Δ} − 1)·max_j |v_j|, where Δ = max_j scale·Σ_d |q_d|·εk(k_jd) bounds the score
        // error. Checked here against the fp32 cache's result, plus SPEC's fp32 tolerance for both.
        Property.check("reduced precision error bound", r -> DecodeCase.any(r, 150, 40), c -> {
            if (c.type() == KvType.FP32) {
                return;
            }
            Tensor q = c.q(), k = c.keys(), v = c.values();
            DecodeCase exact = new DecodeCase(c.batch(), c.kvHeads(), c.group(), c.sq(), c.dk(), c.dv(), KvType.FP32,
                    c.window(), c.block(), c.chunkKeys(), c.len0(), c.len1(), c.valueSeed());
            AttentionResult want = SERIAL.forward(exact.cache(), q);
            AttentionResult got = SERIAL.forward(c.cache(), q);
            double scale = 1 / Math.sqrt(c.dk());
            for (int b = 0; b < c.batch(); b++) {
                for (int h = 0; h < c.heads(); h++) {
                    int kvh = h / c.group();
                    for (int i = 0; i < c.sq(); i++) {
                        double delta = 0, dv = 0, vmax = 0;
                        for (int j = 0; j < c.length(b); j++) {
                            if (!ReferenceAttention.allowed(c.options(), c.sq(), c.maxLen(), b, h, i, j)) {
                                continue;
                            }
                            double ds = 0;
                            for (int d = 0; d < c.dk(); d++) {
                                ds += Math.abs(q.get(b, h, i, d)) * elementError(c.type(), k, b, kvh, j, d);
                            }
                            delta = Math.max(delta, scale * ds);
                            for (int d = 0; d < c.dv(); d++) {
                                dv = Math.max(dv, elementError(c.type(), v, b, kvh, j, d));
                                vmax = Math.max(vmax, Math.abs(v.get(b, kvh, j, d)));
                            }
                        }
                        double bound = dv + Math.expm1(2 * delta) * vmax;
                        for (int d = 0; d < c.dv(); d++) {
                            float x = got.output().get(b, h, i, d), y = want.output().get(b, h, i, d);
                            double slack = 2 * (SpecTolerance.ABS + SpecTolerance.REL * Math.abs(y));
                            if (!(Math.abs(x - y) <= bound + slack)) {
                                throw new AssertionError(c.type() + " O[" + b + "," + h + "," + i + "," + d + "] = " + x
                                        + " but fp32 gives " + y + ": error " + Math.abs(x - y) + " above the bound "
                                        + bound);
                            }
                        }
                    }
                }
            }
        });
    }

    /** The documented bound on one stored element's error (KvType's Javadoc), with 1% for the bound's own rounding. */
    private static double elementError(KvType type, Tensor t, int b, int h, int j, int d) {
        double x = Math.abs(t.get(b, h, j, d));
        return 1.01 * switch (type) {
            case FP32 -> 0;
            case FP16 -> x * 0x1p-11 + 0x1p-25;
            case BF16 -> x * 0x1p-8; // 8 significant bits: half an ulp is at most 2⁻⁸ of |x|
            case INT8 -> {
                double max = 0;
                for (int e = 0; e < t.dim(); e++) {
                    max = Math.max(max, Math.abs(t.get(b, h, j, e)));
                }
                yield max / 254;
            }
        };
    }

    @Test
    void vectorAndScalarKernelsAgree() {
        if (!Simd.vectorAvailable()) {
            return; // the scalar provider run has only one of them
        }
        DecodeAttention scalar = DecodeAttention.create(dev.flashvec.simd.Backend.SCALAR, ONE);
        Property.check("vector = scalar twin", 0.5, r -> DecodeCase.any(r, 120, 40), c -> {
            KvCache cache = c.cache();
            Tensor q = c.q();
            AttentionResult v = SERIAL.withChunkKeys(c.chunkKeys()).forward(cache, q);
            AttentionResult s = scalar.withChunkKeys(c.chunkKeys()).forward(cache, q);
            SpecTolerance.assertClose(v.output(), v.lse(), s.output(), s.lse());
        });
    }

    @Test
    void emptySequencesGiveZeroAndMinusInfinity() {
        Property.check("empty cache rows", 0.25, r -> DecodeCase.any(r, 20, 24), c -> {
            KvCache cache = c.emptyCache();
            AttentionResult res = PARALLEL.forward(cache, c.q());
            for (float x : res.output().toArray()) {
                assertEquals(0f, x, 0f);
            }
            for (float l : res.lse()) {
                assertEquals(Float.NEGATIVE_INFINITY, l);
            }
        });
    }

}
