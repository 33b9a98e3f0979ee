package dev.flashvec.cli;

import dev.flashvec.decode.DecodeAttention;
import dev.flashvec.decode.KvCache;
import dev.flashvec.decode.KvType;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.reference.ReferenceAttention;
import dev.flashvec.reference.ReferenceDecode;
import dev.flashvec.report.JsonLine;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code flashvec bench decode}: one-token decode steps against a KV cache of length L, in tokens/s and GB/s. */
@Command(name = "decode", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Grows a KV cache (batch 1) to --length positions of random values, then times decode steps:"
                + " attention of one new query token (H heads) against the whole cache, split-K over the threads.",
            "gbPerSecond is the cache's K/V bytes read per step (L·HKV·D·2·bytes per element, plus int8 row scales)"
                    + " over the median step time; compare it with 'bench bandwidth' on the same threads. The first"
                    + " step is checked against float64 attention over the stored keys on sampled heads before timing.",
            "Output, one line per repeat: {\"bench\":\"decode\",\"length\":L,\"heads\":H,\"kvHeads\":HKV,\"dim\":D,"
                    + "\"kvType\":…,\"threads\":T,\"chunkKeys\":…,\"tokensPerSecond\":…,\"ms\":…,\"msMin\":…,"
                    + "\"gbPerSecond\":…,\"bytesPerStep\":…,\"calls\":…,\"backend\":…,\"vectorBits\":…,\"run\":…}"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Main.EXIT_0, BenchCommand.EXIT_1, Main.EXIT_2,
            Main.EXIT_3})
final class BenchDecodeCommand implements Callable<Integer> {
    /** Positions appended per call while the cache grows. */
    private static final int GROW_BLOCK = 256;
    /** Heads checked against float64 after the first step. */
    private static final int CHECKED_HEADS = 4;

    @Spec
    private CommandSpec spec;

    @Option(names = "--length", required = true, paramLabel = "L", description = "Cached positions (keys) per head.")
    private int length;

    @Option(names = "--heads", paramLabel = "H", defaultValue = "32", description = "Query heads (default: ${DEFAULT-VALUE}).")
    private int heads;

    @Option(names = "--kv-heads", paramLabel = "HKV", description = "Key/value heads; must divide H (default: H).")
    private Integer kvHeads;

    @Option(names = "--dim", paramLabel = "D", defaultValue = "128", description = "Head dimension (default: ${DEFAULT-VALUE}).")
    private int dim;

    @Option(names = "--kv-type", paramLabel = "fp32|fp16|bf16|int8", defaultValue = "fp32",
            converter = KvTypeConverter.class, description = "How the cache stores K and V (default: ${DEFAULT-VALUE}).")
    private KvType kvType;

    @Option(names = "--chunk-keys", paramLabel = "N", description = "Positions per split-K chunk (default: "
            + DecodeAttention.DEFAULT_CHUNK_KEYS + ").")
    private Integer chunkKeys;

    @Mixin
    private BenchOptions bench;

    @Override
    public Integer call() {
        bench.validate();
        int hkv = kvHeads != null ? kvHeads : heads;
        BenchOptions.positive("--length", length);
        BenchOptions.positive("--heads", heads);
        BenchOptions.positive("--kv-heads", hkv);
        BenchOptions.positive("--dim", dim);
        if (chunkKeys != null) {
            BenchOptions.positive("--chunk-keys", chunkKeys);
        }
        if (heads % hkv != 0) {
            throw new IllegalArgumentException("--heads H=" + heads + " must be a multiple of --kv-heads HKV=" + hkv);
        }
        Tensor.checkedCount("the KV cache", 1, hkv, length, dim);
        BenchOptions.checkHeap("bench decode", 2.0 * length * hkv * dim * kvType.bytesPerElement()
                + 8.0 * GROW_BLOCK * hkv * dim);
        KvCache cache = KvCache.builder().type(kvType).kvHeads(hkv).headDim(dim).capacity(length).build();
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        BenchRunner runner = new BenchRunner(bench, out, err);
        runner.progress("growing a %s cache to L=%d (HKV=%d, D=%d)", kvType.name().toLowerCase(Locale.ROOT), length, hkv,
                dim);
        grow(cache);
        SplittableRandom random = new SplittableRandom(11);
        Tensor q = Tensor.wrap(uniform(random, heads * dim), Layout.BHSD, 1, heads, 1, dim);
        Tensor o = Tensor.zeros(1, heads, 1, dim);
        float[] lse = new float[heads];
        try (ComputePool pool = ComputePool.create(bench.threads)) {
            DecodeAttention decode = DecodeAttention.create(Simd.backend(), pool);
            if (chunkKeys != null) {
                decode = decode.withChunkKeys(chunkKeys);
            }
            DecodeAttention d = decode;
            Runnable step = () -> d.forward(cache, q, o, lse);
            runner.progress("decode: one step, then a check of %d heads against float64", CHECKED_HEADS);
            step.run();
            String problem = check(cache, q, o, random);
            if (problem != null) {
                err.println("flashvec: bench decode computed a wrong result, so no time is reported: " + problem);
                return Main.CHECK_FAILED;
            }
            double bytes = (double) length * cache.bytesPerPosition();
            for (int run = 1; run <= bench.repeat; run++) {
                runner.progress("decode: warm-up %s s, then timing %s s", bench.warmupSeconds, bench.seconds);
                CallTimer.Timing t = CallTimer.time(step, bench.warmupSeconds, bench.seconds);
                out.println(new JsonLine().add("bench", "decode").add("length", length).add("heads", heads)
                        .add("kvHeads", hkv).add("dim", dim).add("kvType", kvType.name().toLowerCase(Locale.ROOT))
                        .add("threads", bench.threads).add("chunkKeys", d.chunkKeys())
                        .add("tokensPerSecond", 1e9 / t.medianNanos(), 4).add("ms", t.medianNanos() / 1e6, 4)
                        .add("msMin", t.minNanos() / 1e6, 4).add("gbPerSecond", bytes / t.medianNanos(), 4)
                        .add("bytesPerStep", (long) bytes).add("calls", t.calls())
                        .add("backend", Simd.backend().name()).add("vectorBits", Simd.vectorBits()).add("run", run));
                out.flush();
            }
        }
        return Main.OK;
    }

    /** Appends {@code length} positions of uniform [-1, 1) keys and values, a block at a time. */
    private void grow(KvCache cache) {
        SplittableRandom random = new SplittableRandom(7);
        int hkv = cache.kvHeads();
        for (int p = 0; p < length; p += GROW_BLOCK) {
            int n = Math.min(GROW_BLOCK, length - p);
            cache.append(0, Tensor.wrap(uniform(random, hkv * n * dim), Layout.BHSD, 1, hkv, n, dim),
                    Tensor.wrap(uniform(random, hkv * n * dim), Layout.BHSD, 1, hkv, n, dim));
        }
    }

    private static float[] uniform(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (2 * r.nextDouble() - 1);
        }
        return a;
    }

    /** Null if sampled heads match float64 attention over the stored (converted) keys within SPEC's tolerance. */
    private String check(KvCache cache, Tensor q, Tensor out, SplittableRandom random) {
        for (int c = 0; c < CHECKED_HEADS; c++) {
            int h = c == 0 ? heads - 1 : random.nextInt(heads);
            ReferenceAttention.Result ref = ReferenceDecode.compute(cache, q, 0, h, Float.NaN);
            for (int d = 0; d < dim; d++) {
                double want = ref.output(0, 0, 0, d);
                float got = out.get(0, h, 0, d);
                if (!(Math.abs(got - want) <= 1e-5 + 1e-4 * Math.abs(want))) {
                    return String.format(Locale.ROOT, "head %d, element %d is %s but float64 gives %s", h, d, got, want);
                }
            }
        }
        return null;
    }

    /** {@code fp32}, {@code fp16}, {@code bf16} or {@code int8}. */
    static final class KvTypeConverter implements CommandLine.ITypeConverter<KvType> {
        @Override
        public KvType convert(String value) {
            try {
                return KvType.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("--kv-type must be fp32, fp16, bf16 or int8 but was '"
                        + value + "'");
            }
        }
    }
}
