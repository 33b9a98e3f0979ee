package dev.flashvec.decode;

import dev.flashvec.simd.Simd;
import dev.flashvec.simd.VectorMath;
import dev.flashvec.simd.VectorProbe;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The decode kernel's arithmetic on the Vector API with SIMD lanes running over the head dimension: one query
 * row against one key at a time (the query row held in registers when it is 4 or 8 vectors long), P·V
 * accumulated along D in eight independent chains. Reduced-precision rows reach fp32 in one of two ways: a
 * block of one row (e.g. Sq = 1 without GQA) widens them in registers inside its dot products and P·V (see
 * {@link #widensInRegisters}); larger blocks, and fp16 rows of a (sequence, KV head) that has held an infinity
 * or NaN, widen each sub-block
 * once into an L1-resident buffer that all rows read (fp16 by the hardware conversion C2 emits for
 * {@link Float#float16ToFloat}). Loaded reflectively by {@link DecodeAttention} only
 * when the Vector API is readable.
 *
 * <p>In-register widening is written as loops of one- and two-vector steps, not as straight-line rows: eight
 * widenings in a row exceeded C2's IR node budget for inlining, and the kernel then boxed its vectors.
 */
final class VectorDecodeKernel extends DecodeKernel {
    private static final VectorSpecies<Float> F = VectorProbe.floatSpecies();
    private static final VectorSpecies<Integer> I = VectorProbe.intSpecies();
    private static final int VL = F.length();
    /** Shorts with as many lanes as F (half its width, at least 64 bits since F is at least 128). */
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class,
            VectorShape.forBitSize(Simd.vectorBits() / 2));
    /** Bytes with a multiple of F's lanes: a quarter of F's width, but at least the narrowest shape (64 bits). */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class,
            VectorShape.forBitSize(Math.max(64, Simd.vectorBits() / 4)));
    private static final int BYTE_PARTS = B.length() / VL;
    /**
     * Most rows per block for which 16-bit rows are widened in registers rather than once into a buffer: with
     * two or more rows the buffer, widened once for all of them, was as fast or faster (H=32, D=128, L=8192, one
     * thread: Hkv=16 fp16 5.1–5.7 ms buffered against 5.8–6.0; Hkv=8 bf16 4.4–5.2 against 5.3–5.4).
     */
    static final int DIRECT_ROWS = 1;
    /** In-register widening of bf16 ({@link #widensInRegisters}): the bits are the top half of a float's. */
    private static final int BF16_SHIFT = 16, BF16_MASK = -1;
    /** In-register widening of fp16: sign and 15 value bits moved to a float's, then times 2¹¹². */
    private static final int HALF_SHIFT = 13, HALF_MASK = 0x8FFFFFFF;
    private static final float HALF_UNIT = 0x1p112f;
    /**
     * Lane permutations of a fixed-order horizontal sum: lane i plus lane i XOR (VL/2), then XOR (VL/4), … .
     * Not {@code reduceLanes(ADD)}, whose summation order is unspecified and differs between the interpreter and
     * C2's intrinsic, so results would depend on whether (and on which thread) the kernel had been compiled.
     */
    private static final VectorShuffle<Float>[] FOLDS = folds();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] folds() {
        int levels = Integer.numberOfTrailingZeros(VL);
        VectorShuffle<Float>[] folds = new VectorShuffle[levels];
        for (int level = 0; level < levels; level++) {
            int half = VL >> (level + 1);
            folds[level] = VectorShuffle.fromOp(F, i -> i ^ half);
        }
        return folds;
    }

    /**
     * One key at a time, its row read front to back. Why not four keys at once, which shares each q load between
     * them? That interleaves four rows' cache lines, and the hardware prefetchers then kept only ~60% of the
     * sequential read bandwidth; in address order they keep all of it.
     */
    @Override
    void scores(float[] q, int rows, int dk, float[] k, int kOff, int kStride, int n, float scale, float[] s,
                int sOff, int stride) {
        if (registerRow(dk)) {
            registerScores(q, rows, dk == 8 * VL, k, kOff, kStride, n, scale, s, sOff, stride);
        } else {
            loopScores(q, rows, dk, k, kOff, kStride, n, scale, s, sOff, stride);
        }
    }

    /** Rows of exactly 4 or 8 vectors (D = 64 or 128 with 16 lanes) get the straight-line kernels. */
    private static boolean registerRow(int dim) {
        return dim == 4 * VL || dim == 8 * VL;
    }

    /**
     * Rows of 4 or 8 vectors: the query row stays in registers and each key is straight-line code. Half the cost
     * of {@link #loopScores} per key (fp32, D=128, data in L1: ~5 against ~9 ns), whose inner loop over D runs
     * only once or twice per key, so its loop overhead and q reloads cost more than the FMAs.
     */
    private static void registerScores(float[] q, int rows, boolean wide, float[] k, int kOff, int kStride, int n,
                                       float scale, float[] s, int sOff, int stride) {
        int dk = wide ? 8 * VL : 4 * VL;
        for (int r = 0; r < rows; r++) {
            int qo = r * dk, so = r * stride + sOff;
            FloatVector q0 = FloatVector.fromArray(F, q, qo), q1 = FloatVector.fromArray(F, q, qo + VL);
            FloatVector q2 = FloatVector.fromArray(F, q, qo + 2 * VL), q3 = FloatVector.fromArray(F, q, qo + 3 * VL);
            // With a 4-vector row these four repeat q0…q3 and are never used (the wide branch is not taken).
            int hi = wide ? qo + 4 * VL : qo;
            FloatVector q4 = FloatVector.fromArray(F, q, hi), q5 = FloatVector.fromArray(F, q, hi + VL);
            FloatVector q6 = FloatVector.fromArray(F, q, hi + 2 * VL), q7 = FloatVector.fromArray(F, q, hi + 3 * VL);
            for (int j = 0, k0 = kOff; j < n; j++, k0 += kStride) {
                FloatVector c0 = q0.mul(FloatVector.fromArray(F, k, k0));
                FloatVector c1 = q1.mul(FloatVector.fromArray(F, k, k0 + VL));
                FloatVector c2 = q2.mul(FloatVector.fromArray(F, k, k0 + 2 * VL));
                FloatVector c3 = q3.mul(FloatVector.fromArray(F, k, k0 + 3 * VL));
                if (wide) {
                    c0 = q4.fma(FloatVector.fromArray(F, k, k0 + 4 * VL), c0);
                    c1 = q5.fma(FloatVector.fromArray(F, k, k0 + 5 * VL), c1);
                    c2 = q6.fma(FloatVector.fromArray(F, k, k0 + 6 * VL), c2);
                    c3 = q7.fma(FloatVector.fromArray(F, k, k0 + 7 * VL), c3);
                }
                s[so + j] = scale * fold(c0.add(c1).add(c2.add(c3)));
            }
        }
    }

    /** Any row length: four accumulators along D, then the vector tail and a scalar tail. */
    private static void loopScores(float[] q, int rows, int dk, float[] k, int kOff, int kStride, int n, float scale,
                                   float[] s, int sOff, int stride) {
        int dk4 = dk - dk % (4 * VL), dkV = F.loopBound(dk);
        for (int r = 0; r < rows; r++) {
            int qo = r * dk, so = r * stride + sOff;
            for (int j = 0, k0 = kOff; j < n; j++, k0 += kStride) {
                FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
                int d = 0;
                for (; d < dk4; d += 4 * VL) {
                    c0 = FloatVector.fromArray(F, q, qo + d).fma(FloatVector.fromArray(F, k, k0 + d), c0);
                    c1 = FloatVector.fromArray(F, q, qo + d + VL).fma(FloatVector.fromArray(F, k, k0 + d + VL), c1);
                    c2 = FloatVector.fromArray(F, q, qo + d + 2 * VL)
                            .fma(FloatVector.fromArray(F, k, k0 + d + 2 * VL), c2);
                    c3 = FloatVector.fromArray(F, q, qo + d + 3 * VL)
                            .fma(FloatVector.fromArray(F, k, k0 + d + 3 * VL), c3);
                }
                for (; d < dkV; d += VL) {
                    c0 = FloatVector.fromArray(F, q, qo + d).fma(FloatVector.fromArray(F, k, k0 + d), c0);
                }
                float s0 = fold(c0.add(c1).add(c2.add(c3)));
                for (; d < dk; d++) {
                    s0 += q[qo + d] * k[k0 + d];
                }
                s[so + j] = scale * s0;
            }
        }
    }

    /**
     * The sum of a vector's lanes in {@link #FOLDS}' fixed order (up to 64 lanes, the widest vectors the Vector
     * API has). Nested calls rather than a loop: 30 bytes of bytecode, under the 35 up to which C2 inlines a call
     * whatever its profile (a vector passed to a call that is not inlined is boxed).
     */
    private static float fold(FloatVector c) {
        return halve(halve(halve(halve(halve(halve(c, 0), 1), 2), 3), 4), 5).lane(0);
    }

    /** Lane i plus lane i XOR (VL >> (level + 1)); no change past the last level. */
    private static FloatVector halve(FloatVector c, int level) {
        return level < FOLDS.length ? c.add(c.rearrange(FOLDS[level])) : c;
    }

    @Override
    float expRow(float[] s, int off, int count, float max, float[] lanes) {
        for (int i = 0; i < VL; i++) {
            lanes[i] = max;
        }
        VectorMath.expInPlace(s, off, VL, count / VL, 1f, lanes, 0, lanes, VL);
        float sum = 0f;
        for (int i = 0; i < VL; i++) {
            sum += lanes[VL + i];
        }
        return sum;
    }

    @Override
    void accumulate(float[] p, int pOff, int stride, int rows, float[] v, int vOff, int vStride, int n, int dv,
                    float[] alpha, float[] acc) {
        for (int r = 0; r < rows; r++) {
            int ao = r * dv, po = r * stride + pOff;
            float a = alpha[r];
            int d = 0;
            // Eight independent accumulator chains: with four, the FMA latency (not the loads) was the limit.
            for (; d + 8 * VL <= dv; d += 8 * VL) {
                FloatVector a0 = FloatVector.fromArray(F, acc, ao + d).mul(a);
                FloatVector a1 = FloatVector.fromArray(F, acc, ao + d + VL).mul(a);
                FloatVector a2 = FloatVector.fromArray(F, acc, ao + d + 2 * VL).mul(a);
                FloatVector a3 = FloatVector.fromArray(F, acc, ao + d + 3 * VL).mul(a);
                FloatVector a4 = FloatVector.fromArray(F, acc, ao + d + 4 * VL).mul(a);
                FloatVector a5 = FloatVector.fromArray(F, acc, ao + d + 5 * VL).mul(a);
                FloatVector a6 = FloatVector.fromArray(F, acc, ao + d + 6 * VL).mul(a);
                FloatVector a7 = FloatVector.fromArray(F, acc, ao + d + 7 * VL).mul(a);
                for (int j = 0, vo = vOff + d; j < n; j++, vo += vStride) {
                    FloatVector pj = FloatVector.broadcast(F, p[po + j]);
                    a0 = FloatVector.fromArray(F, v, vo).fma(pj, a0);
                    a1 = FloatVector.fromArray(F, v, vo + VL).fma(pj, a1);
                    a2 = FloatVector.fromArray(F, v, vo + 2 * VL).fma(pj, a2);
                    a3 = FloatVector.fromArray(F, v, vo + 3 * VL).fma(pj, a3);
                    a4 = FloatVector.fromArray(F, v, vo + 4 * VL).fma(pj, a4);
                    a5 = FloatVector.fromArray(F, v, vo + 5 * VL).fma(pj, a5);
                    a6 = FloatVector.fromArray(F, v, vo + 6 * VL).fma(pj, a6);
                    a7 = FloatVector.fromArray(F, v, vo + 7 * VL).fma(pj, a7);
                }
                a0.intoArray(acc, ao + d);
                a1.intoArray(acc, ao + d + VL);
                a2.intoArray(acc, ao + d + 2 * VL);
                a3.intoArray(acc, ao + d + 3 * VL);
                a4.intoArray(acc, ao + d + 4 * VL);
                a5.intoArray(acc, ao + d + 5 * VL);
                a6.intoArray(acc, ao + d + 6 * VL);
                a7.intoArray(acc, ao + d + 7 * VL);
            }
            for (; d + VL <= dv; d += VL) {
                FloatVector a0 = FloatVector.fromArray(F, acc, ao + d).mul(a);
                for (int j = 0, vo = vOff + d; j < n; j++, vo += vStride) {
                    a0 = FloatVector.fromArray(F, v, vo).fma(FloatVector.broadcast(F, p[po + j]), a0);
                }
                a0.intoArray(acc, ao + d);
            }
            for (; d < dv; d++) {
                float x = acc[ao + d] * a;
                for (int j = 0; j < n; j++) {
                    x += p[po + j] * v[vOff + j * vStride + d];
                }
                acc[ao + d] = x;
            }
        }
    }

    /**
     * Reduced-precision keys are widened in registers inside the dot products, for blocks of at most
     * {@link #DIRECT_ROWS} rows (see {@link #widensInRegisters}); larger blocks take the default
     * widen-then-fp32 path, which widens each row once for all rows of the block.
     */
    @Override
    void storedScores(Scratch s, int rows, int dk, KvStore keys, int row0, int n, int sub, float scale,
                      int stride) {
        if (!widensInRegisters(keys, rows, row0)) {
            super.storedScores(s, rows, dk, keys, row0, n, sub, scale, stride);
        } else if (keys.type == KvType.INT8) {
            int8Scores(s.q, rows, dk, keys.i8, keys.scales, row0, n, scale, s.s, stride);
        } else {
            boolean half = keys.type == KvType.FP16;
            halfScores(s.q, rows, dk, keys.f16, row0 * dk, n, scale, s.s, stride, half ? HALF_SHIFT : BF16_SHIFT,
                    half ? HALF_MASK : BF16_MASK, half ? HALF_UNIT : 1f);
        }
    }

    /** Reduced-precision values are widened in registers inside P·V, as for {@link #storedScores}. */
    @Override
    void storedSubBlock(Scratch s, int rows, int dv, KvStore values, int row, int pOff, int m, int stride,
                        float[] alpha) {
        if (!widensInRegisters(values, rows, row)) {
            super.storedSubBlock(s, rows, dv, values, row, pOff, m, stride, alpha);
        } else if (values.type == KvType.INT8) {
            int8Accumulate(s.s, pOff, stride, rows, values.i8, values.scales, row, m, dv, alpha, s.acc);
        } else {
            boolean half = values.type == KvType.FP16;
            // Called per sub-block: each pass over D reads part of every row, and the next finds the rest in L1.
            halfAccumulate(s.s, pOff, stride, rows, values.f16, row * dv, m, dv, alpha, s.acc,
                    half ? HALF_SHIFT : BF16_SHIFT, half ? HALF_MASK : BF16_MASK, half ? HALF_UNIT : 1f);
        }
    }

    /**
     * Whether a block of {@code rows} rows reads a store's reduced-precision rows directly, widening them in
     * registers. Why bother: widening into a buffer costs a 64-byte store per vector, and with one row per key
     * that store-bound pass cost as much as the arithmetic (H=32, D=128, L=8192, one thread, alternating runs:
     * bf16 10.1–10.7 ms a step buffered, 7.5–7.9 ms widened in registers; fp16 9.2–12.7 against 7.6–8.5).
     *
     * <p>16-bit elements: a sign extension, a shift and a mask give a float's bits, {@code (x << shift) & mask},
     * and that float times {@code unit} is the element. For bf16 (the top half of a float) the shift is 16 and
     * the unit 1. For fp16 the shift is 13 and the mask keeps the sign and 15 value bits: those bits, read as a
     * float, are the element times 2⁻¹¹² for every finite value, normal or subnormal, so the unit is 2¹¹².
     * q·k multiplies every widened element by the unit, so its products and sums are those of the true values;
     * P·V folds the unit into the probability (exact: both factors scale by powers of two). A scaled element is
     * a float subnormal only when the fp16 value itself is subnormal (under 2⁻¹⁴), and applying the unit once
     * per dot product instead would have made partial sums of small scores subnormal too: CPUs without fast
     * subnormal arithmetic (many Intel cores, as Java leaves FTZ/DAZ off) take microcode assists on those.
     * Infinities and NaN would come out finite, so rows of a (sequence, KV head) that has held any since its
     * last reset take the buffered path, whose hardware conversion is exact for them. int8: each byte converts
     * to a float exactly and the row's scale multiplies the dot product, or the probability, once per key; that
     * needs a byte vector with as many lanes as a float vector (256 bits and wider).
     *
     * <p>Why the int8 and 16-bit kernels are separate methods with the same loop structure: the widening is the
     * only difference, and neither way of sharing the rest works under C2. A helper returning the widened vector
     * is boxed whenever C2 declines to inline it (tens of GB allocated in the harness), and one body with a
     * branch per format went over C2's inlining node budget, with the same result.
     */
    private static boolean widensInRegisters(KvStore store, int rows, int row) {
        return rows <= DIRECT_ROWS && switch (store.type) {
            case BF16 -> true;
            case FP16 -> !store.mayHoldNonFinite(row);
            case INT8 -> BYTE_PARTS == 1;
            case FP32 -> false;
        };
    }

    /**
     * {@link #scores} against {@code n} int8 rows of {@code dk} elements from row {@code row0}, each byte
     * converted to a float in registers and the row's scale applied to the finished dot product.
     */
    private static void int8Scores(float[] q, int rows, int dk, byte[] k, float[] scales, int row0, int n,
                                   float scale, float[] s, int stride) {
        int dk2 = dk - dk % (2 * VL), dkV = F.loopBound(dk);
        for (int r = 0; r < rows; r++) {
            int qo = r * dk, so = r * stride;
            for (int j = 0, k0 = row0 * dk; j < n; j++, k0 += dk) {
                FloatVector c0 = FloatVector.zero(F), c1 = c0;
                int d = 0;
                for (; d < dk2; d += 2 * VL) {
                    FloatVector w0 = (FloatVector) ByteVector.fromArray(B, k, k0 + d)
                            .convertShape(VectorOperators.B2F, F, 0);
                    FloatVector w1 = (FloatVector) ByteVector.fromArray(B, k, k0 + d + VL)
                            .convertShape(VectorOperators.B2F, F, 0);
                    c0 = FloatVector.fromArray(F, q, qo + d).fma(w0, c0);
                    c1 = FloatVector.fromArray(F, q, qo + d + VL).fma(w1, c1);
                }
                for (; d < dkV; d += VL) {
                    FloatVector w0 = (FloatVector) ByteVector.fromArray(B, k, k0 + d)
                            .convertShape(VectorOperators.B2F, F, 0);
                    c0 = FloatVector.fromArray(F, q, qo + d).fma(w0, c0);
                }
                float s0 = fold(c0.add(c1));
                for (; d < dk; d++) {
                    s0 += q[qo + d] * k[k0 + d];
                }
                s[so + j] = scale * (scales[row0 + j] * s0);
            }
        }
    }

    /**
     * {@link #accumulate} against {@code n} int8 rows of {@code dv} elements from row {@code row0}: each
     * probability times its row's scale, then times the bytes converted to floats in registers.
     */
    private static void int8Accumulate(float[] p, int pOff, int stride, int rows, byte[] v, float[] scales, int row0,
                                       int n, int dv, float[] alpha, float[] acc) {
        int vOff = row0 * dv;
        for (int r = 0; r < rows; r++) {
            int ao = r * dv, po = r * stride + pOff;
            float a = alpha[r];
            int d = 0;
            for (; d + 4 * VL <= dv; d += 4 * VL) {
                FloatVector a0 = FloatVector.fromArray(F, acc, ao + d).mul(a);
                FloatVector a1 = FloatVector.fromArray(F, acc, ao + d + VL).mul(a);
                FloatVector a2 = FloatVector.fromArray(F, acc, ao + d + 2 * VL).mul(a);
                FloatVector a3 = FloatVector.fromArray(F, acc, ao + d + 3 * VL).mul(a);
                for (int j = 0, vo = vOff + d; j < n; j++, vo += dv) {
                    FloatVector pj = FloatVector.broadcast(F, p[po + j] * scales[row0 + j]);
                    FloatVector w0 = (FloatVector) ByteVector.fromArray(B, v, vo).convertShape(VectorOperators.B2F, F, 0);
                    FloatVector w1 = (FloatVector) ByteVector.fromArray(B, v, vo + VL)
                            .convertShape(VectorOperators.B2F, F, 0);
                    FloatVector w2 = (FloatVector) ByteVector.fromArray(B, v, vo + 2 * VL)
                            .convertShape(VectorOperators.B2F, F, 0);
                    FloatVector w3 = (FloatVector) ByteVector.fromArray(B, v, vo + 3 * VL)
                            .convertShape(VectorOperators.B2F, F, 0);
                    a0 = w0.fma(pj, a0);
                    a1 = w1.fma(pj, a1);
                    a2 = w2.fma(pj, a2);
                    a3 = w3.fma(pj, a3);
                }
                a0.intoArray(acc, ao + d);
                a1.intoArray(acc, ao + d + VL);
                a2.intoArray(acc, ao + d + 2 * VL);
                a3.intoArray(acc, ao + d + 3 * VL);
            }
            for (; d + VL <= dv; d += VL) {
                FloatVector a0 = FloatVector.fromArray(F, acc, ao + d).mul(a);
                for (int j = 0, vo = vOff + d; j < n; j++, vo += dv) {
                    FloatVector w0 = (FloatVector) ByteVector.fromArray(B, v, vo).convertShape(VectorOperators.B2F, F, 0);
                    a0 = w0.fma(FloatVector.broadcast(F, p[po + j] * scales[row0 + j]), a0);
                }
                a0.intoArray(acc, ao + d);
            }
            for (; d < dv; d++) {
                float x = acc[ao + d] * a;
                for (int j = 0; j < n; j++) {
                    x += p[po + j] * scales[row0 + j] * v[vOff + j * dv + d];
                }
                acc[ao + d] = x;
            }
        }
    }

    /**
     * {@link #scores} against {@code n} contiguous 16-bit rows of {@code dk} elements from {@code kOff}, widened
     * as {@link #widensInRegisters} describes. One flat method with every vector in a local: a helper returning
     * the widened vector would be boxed whenever C2 declined to inline it, and two chains of one-vector steps
     * keep the method under C2's inlining node budget (eight widenings in a row did not stay under it).
     */
    private static void halfScores(float[] q, int rows, int dk, short[] k, int kOff, int n, float scale, float[] s,
                                   int stride, int shift, int mask, float unit) {
        int dk2 = dk - dk % (2 * VL), dkV = F.loopBound(dk);
        for (int r = 0; r < rows; r++) {
            int qo = r * dk, so = r * stride;
            for (int j = 0, k0 = kOff; j < n; j++, k0 += dk) {
                FloatVector c0 = FloatVector.zero(F), c1 = c0;
                int d = 0;
                for (; d < dk2; d += 2 * VL) {
                    IntVector w0 = (IntVector) ShortVector.fromArray(S, k, k0 + d)
                            .convertShape(VectorOperators.S2I, I, 0);
                    IntVector w1 = (IntVector) ShortVector.fromArray(S, k, k0 + d + VL)
                            .convertShape(VectorOperators.S2I, I, 0);
                    c0 = FloatVector.fromArray(F, q, qo + d).fma(w0.lanewise(VectorOperators.LSHL, shift)
                            .lanewise(VectorOperators.AND, mask).reinterpretAsFloats().mul(unit), c0);
                    c1 = FloatVector.fromArray(F, q, qo + d + VL).fma(w1.lanewise(VectorOperators.LSHL, shift)
                            .lanewise(VectorOperators.AND, mask).reinterpretAsFloats().mul(unit), c1);
                }
                for (; d < dkV; d += VL) {
                    IntVector w0 = (IntVector) ShortVector.fromArray(S, k, k0 + d)
                            .convertShape(VectorOperators.S2I, I, 0);
                    c0 = FloatVector.fromArray(F, q, qo + d).fma(w0.lanewise(VectorOperators.LSHL, shift)
                            .lanewise(VectorOperators.AND, mask).reinterpretAsFloats().mul(unit), c0);
                }
                float s0 = fold(c0.add(c1));
                for (; d < dk; d++) {
                    s0 += q[qo + d] * (Float.intBitsToFloat((k[k0 + d] << shift) & mask) * unit);
                }
                s[so + j] = scale * s0;
            }
        }
    }

    /**
     * {@link #accumulate} against {@code n} contiguous 16-bit rows of {@code dv} elements from {@code vOff},
     * widened as {@link #widensInRegisters} describes: four accumulator vectors along D per pass. The unit
     * multiplies the probability instead of every element: {@code (p·unit)·x} is exactly {@code p·v}, since
     * both factors are scaled by powers of two, so the FMA rounds the same sum.
     */
    private static void halfAccumulate(float[] p, int pOff, int stride, int rows, short[] v, int vOff, int n,
                                       int dv, float[] alpha, float[] acc, int shift, int mask, float unit) {
        for (int r = 0; r < rows; r++) {
            int ao = r * dv, po = r * stride + pOff;
            float a = alpha[r];
            int d = 0;
            for (; d + 4 * VL <= dv; d += 4 * VL) {
                FloatVector a0 = FloatVector.fromArray(F, acc, ao + d).mul(a);
                FloatVector a1 = FloatVector.fromArray(F, acc, ao + d + VL).mul(a);
                FloatVector a2 = FloatVector.fromArray(F, acc, ao + d + 2 * VL).mul(a);
                FloatVector a3 = FloatVector.fromArray(F, acc, ao + d + 3 * VL).mul(a);
                for (int j = 0, vo = vOff + d; j < n; j++, vo += dv) {
                    FloatVector pj = FloatVector.broadcast(F, p[po + j] * unit);
                    IntVector w0 = (IntVector) ShortVector.fromArray(S, v, vo).convertShape(VectorOperators.S2I, I, 0);
                    IntVector w1 = (IntVector) ShortVector.fromArray(S, v, vo + VL)
                            .convertShape(VectorOperators.S2I, I, 0);
                    IntVector w2 = (IntVector) ShortVector.fromArray(S, v, vo + 2 * VL)
                            .convertShape(VectorOperators.S2I, I, 0);
                    IntVector w3 = (IntVector) ShortVector.fromArray(S, v, vo + 3 * VL)
                            .convertShape(VectorOperators.S2I, I, 0);
                    a0 = w0.lanewise(VectorOperators.LSHL, shift).lanewise(VectorOperators.AND, mask)
                            .reinterpretAsFloats().fma(pj, a0);
                    a1 = w1.lanewise(VectorOperators.LSHL, shift).lanewise(VectorOperators.AND, mask)
                            .reinterpretAsFloats().fma(pj, a1);
                    a2 = w2.lanewise(VectorOperators.LSHL, shift).lanewise(VectorOperators.AND, mask)
                            .reinterpretAsFloats().fma(pj, a2);
                    a3 = w3.lanewise(VectorOperators.LSHL, shift).lanewise(VectorOperators.AND, mask)
                            .reinterpretAsFloats().fma(pj, a3);
                }
                a0.intoArray(acc, ao + d);
                a1.intoArray(acc, ao + d + VL);
                a2.intoArray(acc, ao + d + 2 * VL);
                a3.intoArray(acc, ao + d + 3 * VL);
            }
            for (; d + VL <= dv; d += VL) {
                FloatVector a0 = FloatVector.fromArray(F, acc, ao + d).mul(a);
                for (int j = 0, vo = vOff + d; j < n; j++, vo += dv) {
                    IntVector w0 = (IntVector) ShortVector.fromArray(S, v, vo).convertShape(VectorOperators.S2I, I, 0);
                    a0 = w0.lanewise(VectorOperators.LSHL, shift).lanewise(VectorOperators.AND, mask)
                            .reinterpretAsFloats().fma(FloatVector.broadcast(F, p[po + j] * unit), a0);
                }
                a0.intoArray(acc, ao + d);
            }
            for (; d < dv; d++) {
                float x = acc[ao + d] * a;
                for (int j = 0; j < n; j++) {
                    x += p[po + j] * unit * Float.intBitsToFloat((v[vOff + j * dv + d] << shift) & mask);
                }
                acc[ao + d] = x;
            }
        }
    }

    @Override
    void convert(KvStore store, int row0, int n, float[] dst, int dstOff) {
        switch (store.type) {
            case FP16 -> halves(store.f16, row0 * store.dim, n * store.dim, dst, dstOff);
            case BF16 -> bfloats(store.f16, row0 * store.dim, n * store.dim, dst, dstOff);
            case INT8 -> bytes(store, row0, n, dst, dstOff);
            case FP32 -> System.arraycopy(store.f32, row0 * store.dim, dst, dstOff, n * store.dim);
        }
    }

    /**
     * IEEE half bits to float. A plain loop on purpose: C2 turns {@link Float#float16ToFloat} in a counted loop
     * into the hardware's vector conversion (VCVTPH2PS), about 4× faster than widening by bit operations on the
     * Vector API, which has no half-precision conversion.
     */
    private static void halves(short[] src, int from, int count, float[] dst, int to) {
        for (int i = 0; i < count; i++) {
            dst[to + i] = Float.float16ToFloat(src[from + i]);
        }
    }

    /** bfloat16 bits are the top half of a float's. */
    private static void bfloats(short[] src, int from, int count, float[] dst, int to) {
        int bound = count - count % VL;
        int i = 0;
        for (; i < bound; i += VL) {
            IntVector h = (IntVector) ShortVector.fromArray(S, src, from + i)
                    .convertShape(VectorOperators.ZERO_EXTEND_S2I, I, 0);
            h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, to + i);
        }
        for (; i < count; i++) {
            dst[to + i] = Float.intBitsToFloat(src[from + i] << 16);
        }
    }

    /** int8 rows times their scales. */
    private static void bytes(KvStore store, int row0, int n, float[] dst, int to) {
        int dim = store.dim, bl = B.length();
        byte[] src = store.i8;
        for (int t = 0; t < n; t++) {
            float scale = store.scales[row0 + t];
            int so = (row0 + t) * dim, o = to + t * dim;
            int d = 0;
            for (; d + bl <= dim; d += bl) {
                ByteVector bv = ByteVector.fromArray(B, src, so + d);
                for (int part = 0; part < BYTE_PARTS; part++) {
                    ((FloatVector) bv.convertShape(VectorOperators.B2F, F, part)).mul(scale)
                            .intoArray(dst, o + d + part * VL);
                }
            }
            for (; d < dim; d++) {
                dst[o + d] = scale * src[so + d];
            }
        }
    }
}
