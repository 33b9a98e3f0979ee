package dev.flashvec.bench;

import dev.flashvec.attention.Attention;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.layers.LowRankValues;
import dev.flashvec.layers.MultiHeadAttention;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.position.RotaryEmbedding;
import dev.flashvec.position.RotaryStyle;
import dev.flashvec.scoring.AdditiveAttention;
import dev.flashvec.scoring.AdditiveWeights;
import dev.flashvec.scoring.ScoreFunction;
import dev.flashvec.simd.Backend;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import java.util.Random;
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
 * The attention family against plain fused attention at the same shape (B=1, H heads, S=L, D per head), in
 * milliseconds per call, so that each variant reads as a ratio to {@code plain}:
 * {@code mhaLayer} (self-attention layer end to end: four SGEMM projections with E = H·D, plus attention),
 * {@code rope} (RoPE on copies of Q and K, then attention), {@code cosine} (row normalisation, then attention),
 * {@code bilinear} (Q·W by SGEMM, then attention), {@code additive} (Bahdanau scores with da = D, a
 * different kernel: O(S²·da) tanh), and value maps of rank D per head run {@code lowRankFactored} (down before
 * attention, up after) or {@code lowRankProduct} (per-head {@code W_OV} matrices, E-wide values per head).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LayersAndScoresBenchmark {
    @Param({"1024", "2048"})
    public int seq;
    @Param({"64"})
    public int dim;
    @Param({"8"})
    public int heads;
    @Param({"1"})
    public int threads;

    private Tensor q, k, v;
    private float[] x;
    private ComputePool pool;
    private Attention attention;
    private MultiHeadAttention mha, lowRankFactored, lowRankProduct;
    private RotaryEmbedding rope;
    private ScoreFunction cosine, bilinear;
    private AdditiveAttention additive;
    private AdditiveWeights additiveWeights;
    private final AttentionOptions options = AttentionOptions.defaults();

    @Setup(Level.Trial)
    public void setUp() {
        Random r = new Random(7);
        q = random(r, seq * heads * dim);
        k = random(r, seq * heads * dim);
        v = random(r, seq * heads * dim);
        int e = heads * dim;
        x = normal(r, seq * e, 1);
        pool = ComputePool.create(threads);
        attention = Attention.create(Backend.VECTOR, pool);
        mha = MultiHeadAttention.builder(e, heads).backend(Backend.VECTOR).pool(pool)
                .fusedQkv(normal(r, 3 * e * e, e), normal(r, 3 * e, 1)).output(normal(r, e * e, e), null).build();
        // Value maps of rank D per head (d_k ≪ d_model = E): factored (down before, up after attention) vs product.
        float[] wq = normal(r, e * e, e), wk = normal(r, e * e, e);
        LowRankValues maps = new LowRankValues(normal(r, heads * dim * e, e), normal(r, heads * e * dim, dim), heads,
                dim, e, e);
        lowRankFactored = maps.factored(MultiHeadAttention.builder(e, heads).backend(Backend.VECTOR).pool(pool)
                .query(wq, null).key(wk, null)).build();
        lowRankProduct = maps.product(MultiHeadAttention.builder(e, heads).backend(Backend.VECTOR).pool(pool)
                .query(wq, null).key(wk, null)).build();
        rope = RotaryEmbedding.create(dim, RotaryEmbedding.DEFAULT_BASE, RotaryStyle.HALF_SPLIT, Backend.VECTOR);
        cosine = ScoreFunction.cosine(0.1f);
        bilinear = ScoreFunction.bilinear(dev.flashvec.gemm.Gemm.create(Backend.VECTOR, pool), normal(r, dim * dim, dim),
                dim, dim);
        additive = AdditiveAttention.create(Backend.VECTOR, pool);
        additiveWeights = new AdditiveWeights(normal(r, dim * dim, dim), normal(r, dim * dim, dim), normal(r, dim, dim),
                dim, dim, dim);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    private Tensor random(Random r, int n) {
        return Tensor.wrap(normal(r, n, 1), Layout.BHSD, 1, heads, seq, dim);
    }

    private static float[] normal(Random r, int n, int fanIn) {
        float[] a = new float[n];
        float s = (float) (1 / Math.sqrt(fanIn));
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian() * s;
        }
        return a;
    }

    @Benchmark
    public Tensor plain() {
        return attention.forward(q, k, v, options);
    }

    @Benchmark
    public float[] mhaLayer() {
        return mha.selfAttention(x, 1, seq, options);
    }

    @Benchmark
    public float[] lowRankFactored() {
        return lowRankFactored.selfAttention(x, 1, seq, options);
    }

    @Benchmark
    public float[] lowRankProduct() {
        return lowRankProduct.selfAttention(x, 1, seq, options);
    }

    @Benchmark
    public Tensor rope() {
        return attention.forward(rope.apply(q, 0), rope.apply(k, 0), v, options);
    }

    @Benchmark
    public Tensor cosine() {
        return cosine.forwardWithLse(attention, q, k, v, options).output();
    }

    @Benchmark
    public Tensor bilinear() {
        return bilinear.forwardWithLse(attention, q, k, v, options).output();
    }

    @Benchmark
    public Tensor additive() {
        return additive.forwardWithLse(q, k, v, additiveWeights, options).output();
    }
}
