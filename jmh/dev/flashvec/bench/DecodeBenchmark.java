package dev.flashvec.bench;

import dev.flashvec.decode.DecodeAttention;
import dev.flashvec.decode.KvCache;
import dev.flashvec.decode.KvType;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.reference.ReferenceAttention;
import dev.flashvec.reference.ReferenceDecode;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One decode step (batch 1, {@code queries} new query tokens, H heads) against a KV cache of {@code length}
 * positions, in milliseconds per step; {@code queries} = 512 is a chunked-prefill block.
 *
 * <p>GB/s of cache read = {@code length · kvHeads · dim · 2 · bytesPerElement} (plus 8 bytes of int8 scales per
 * position and head) / (ms · 10⁶); compare with {@code BandwidthBenchmark} of the same run and thread count.
 * {@code @Setup} checks sampled heads against float64 attention over the stored keys, so a fast wrong kernel
 * cannot report a number.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DecodeBenchmark {
    @Param({"1024", "8192", "32768"})
    public int length;
    @Param({"32"})
    public int heads;
    @Param({"32", "8"})
    public int kvHeads;
    @Param({"128"})
    public int dim;
    @Param({"FP32", "FP16", "BF16", "INT8"})
    public KvType kvType;
    @Param({"1", "2"})
    public int threads;
    /**
     * New queries per step: 1 is token-by-token decoding; a block such as 512 is chunked prefill (the block's
     * keys are the cache's last positions, causal against cache + block).
     */
    @Param({"1"})
    public int queries;

    private KvCache cache;
    private Tensor q, out;
    private float[] lse;
    private ComputePool pool;
    private DecodeAttention decode;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom r = new SplittableRandom(7);
        cache = KvCache.builder().type(kvType).kvHeads(kvHeads).headDim(dim).capacity(length).build();
        for (int p = 0; p < length; p += 256) {
            int n = Math.min(256, length - p);
            cache.append(0, uniform(r, kvHeads, n), uniform(r, kvHeads, n));
        }
        q = uniform(r, heads, queries);
        out = Tensor.zeros(1, heads, queries, dim);
        lse = new float[heads * queries];
        pool = ComputePool.create(threads);
        decode = DecodeAttention.create(Simd.backend(), pool);
        step();
        for (int h : new int[] {0, heads - 1, r.nextInt(heads)}) {
            ReferenceAttention.Result ref = ReferenceDecode.compute(cache, q, 0, h, Float.NaN);
            for (int i : new int[] {0, queries - 1}) {
                for (int d = 0; d < dim; d++) {
                    double want = ref.output(0, 0, i, d);
                    float got = out.get(0, h, i, d);
                    if (!(Math.abs(got - want) <= 1e-5 + 1e-4 * Math.abs(want))) {
                        throw new IllegalStateException("decode is wrong at head " + h + ", query " + i + ", element "
                                + d + ": " + got + " but float64 gives " + want);
                    }
                }
            }
        }
        System.out.println("# " + Simd.description() + "; GB/s = " + length * cache.bytesPerPosition() / 1e6 + " / ms");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public float[] step() {
        decode.forward(cache, q, out, lse);
        return lse;
    }

    private Tensor uniform(SplittableRandom r, int h, int n) {
        float[] a = new float[h * n * dim];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (2 * r.nextDouble() - 1);
        }
        return Tensor.wrap(a, Layout.BHSD, 1, h, n, dim);
    }

}
