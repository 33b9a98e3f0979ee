package dev.flashvec.bench;

import dev.flashvec.attention.Attention;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.attention.MaskPatterns;
import dev.flashvec.attention.RelativePositionBias;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.reference.ReferenceAttention;
import dev.flashvec.simd.Backend;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import java.util.Locale;
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
 * The attention family's overhead against plain attention at one shape (B=1, H heads, S=L, D), in
 * milliseconds per call: position biases, a score modifier, and sparse masks whose empty tiles are skipped.
 *
 * <p>{@code @Setup} prints each variant's fraction of allowed pairs and of (64-query × 64-key) tiles that are
 * not empty, and checks sampled output rows against the double-precision reference, so a fast wrong kernel
 * cannot report a number.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AttentionFamilyBenchmark {
    private static final int TILE = 64;

    @Param({"plain", "causal", "alibi", "alibi-causal", "t5-bias", "score-mod", "documents-8", "documents-8-causal",
        "prefix-lm-1024", "bigbird-r0", "bigbird-r3", "bigbird-r8", "bigbird-r16", "window-128", "window-512",
        "window-1024", "window-mod-512", "lambda-documents-8", "blockmask-documents-8"})
    public String variant;
    @Param({"2048"})
    public int seq;
    @Param({"64"})
    public int dim;
    @Param({"8"})
    public int heads;
    @Param({"1"})
    public int threads;

    private Tensor q, k, v, out;
    private AttentionOptions options;
    private Attention attention;
    private ComputePool pool;

    @Setup(Level.Trial)
    public void setUp() {
        Random r = new Random(7);
        q = random(r);
        k = random(r);
        v = random(r);
        out = Tensor.zeros(1, heads, seq, dim);
        options = options(variant, new Random(11));
        pool = ComputePool.create(threads);
        attention = Attention.create(Backend.VECTOR, pool);
        forward();
        verifySampledRows(r);
        double[] density = density();
        System.out.printf(Locale.ROOT, "# %s: allowed pairs %.4f, non-empty %dx%d tiles %.4f%n", variant, density[0],
                TILE, TILE, density[1]);
    }

    private AttentionOptions options(String name, Random r) {
        AttentionOptions.Builder b = AttentionOptions.builder();
        String[] part = name.split("-");
        switch (part[0]) {
            case "plain" -> { }
            case "causal" -> b.causal(CausalAlignment.TOP_LEFT);
            case "alibi" -> {
                b.alibi(heads);
                if (name.endsWith("causal")) {
                    b.causal(CausalAlignment.TOP_LEFT);
                }
            }
            case "t5" -> {
                float[][] table = new float[heads][32];
                for (float[] row : table) {
                    for (int c = 0; c < row.length; c++) {
                        row[c] = (float) r.nextGaussian();
                    }
                }
                b.positionBias(RelativePositionBias.t5(table, 32, 128, true));
            }
            case "score" -> b.scoreMod((bt, h, i, j, s) -> s + 0.125f * ((i ^ j) & 7));
            case "documents" -> {
                int docs = Integer.parseInt(part[1]);
                int[] lengths = new int[docs];
                java.util.Arrays.fill(lengths, seq / docs);
                lengths[docs - 1] += seq % docs;
                b.maskMod(MaskPatterns.documents(lengths, name.endsWith("causal")));
            }
            case "lambda", "blockmask" -> {
                // packed documents as a bare predicate: no classification (every tile checked pair by pair),
                // or classified once by scanning (MaskPatterns.blockMask)
                int docLength = seq / Integer.parseInt(part[2]);
                dev.flashvec.attention.MaskMod docs = (bt, h, i, j) -> i / docLength == j / docLength;
                b.maskMod(part[0].equals("lambda") ? docs : MaskPatterns.blockMask(docs, 1, 1, seq, seq, TILE));
            }
            case "prefix" -> b.maskMod(MaskPatterns.prefixLm(Integer.parseInt(part[2])));
            case "bigbird" -> b.maskMod(MaskPatterns.bigBird(seq, seq, TILE, 1, 1,
                    Integer.parseInt(part[1].substring(1)), 42));
            case "window" -> {
                if (part[1].equals("mod")) {
                    int w = Integer.parseInt(part[2]);
                    b.maskMod(MaskPatterns.slidingWindow(w, w));
                } else {
                    int w = Integer.parseInt(part[1]);
                    b.window(w, w);
                }
            }
            default -> throw new IllegalArgumentException("unknown variant " + name);
        }
        return b.build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public Tensor forward() {
        attention.forward(q, k, v, options, out, null);
        return out;
    }

    private Tensor random(Random r) {
        float[] a = new float[heads * seq * dim];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return Tensor.wrap(a, Layout.BHSD, 1, heads, seq, dim);
    }

    /** Allowed-pair fraction and non-empty-tile fraction of head 0 (every variant here is head-independent in its mask). */
    private double[] density() {
        long pairs = 0, tiles = 0, live = 0;
        for (int i0 = 0; i0 < seq; i0 += TILE) {
            for (int j0 = 0; j0 < seq; j0 += TILE) {
                long n = 0;
                for (int i = i0; i < Math.min(seq, i0 + TILE); i++) {
                    for (int j = j0; j < Math.min(seq, j0 + TILE); j++) {
                        n += ReferenceAttention.allowed(options, seq, seq, 0, 0, i, j) ? 1 : 0;
                    }
                }
                pairs += n;
                tiles++;
                live += n > 0 ? 1 : 0;
            }
        }
        return new double[] {(double) pairs / ((long) seq * seq), (double) live / tiles};
    }

    private void verifySampledRows(Random r) {
        for (int sample = 0; sample < 6; sample++) {
            int h = r.nextInt(heads), i = sample == 0 ? seq - 1 : r.nextInt(seq);
            double[] p = ReferenceAttention.probabilities(q, k, v, options, 0, h, i);
            for (int d = 0; d < dim; d++) {
                double want = 0;
                for (int j = 0; j < seq; j++) {
                    want += p[j] * v.get(0, h, j, d);
                }
                float got = out.get(0, h, i, d);
                if (!(Math.abs(got - want) <= 1e-5 + 1e-4 * Math.abs(want))) {
                    throw new IllegalStateException(variant + ": wrong result at head " + h + " row " + i + " dim " + d
                            + ": " + got + " instead of " + want);
                }
            }
        }
    }
}
