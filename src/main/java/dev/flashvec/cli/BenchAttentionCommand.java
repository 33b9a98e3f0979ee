package dev.flashvec.cli;

import dev.flashvec.attention.Attention;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.baseline.MaterializedAttention;
import dev.flashvec.gemm.Gemm;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.reference.ReferenceAttention;
import dev.flashvec.reference.SampledCheck;
import dev.flashvec.report.JsonLine;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code flashvec bench attention}: fused attention GFLOP/s against the FMA peak, and baselines timed alike. */
@Command(name = "attention", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Times the fused attention forward on random N(0,1) inputs in bhsd layout: Q is [B,H,S,D],"
                + " K and V are [B,HKV,L,D].",
            "Baselines: \"materialized\" computes the full S×L score matrix with flashvec's SGEMM, then softmax, then"
                    + " SGEMM; \"reference\" is the float64 reference (slow; heads split over the threads). GFLOP/s"
                    + " counts 4·B·H·S·L·D per call, also for causal runs (\"as if full\").",
            "Output, one line per implementation and repeat: {\"bench\":\"attention\",\"B\":…,\"S\":…,\"L\":…,"
                    + "\"D\":…,\"H\":…,\"HKV\":…,\"causal\":…,\"threads\":…,\"impl\":…,\"gflops\":…,\"peakGflops\":…,"
                    + "\"fractionOfPeak\":…,\"ms\":…,\"msMin\":…,\"calls\":…,\"backend\":…,\"vectorBits\":…,\"run\":…}"
                    + " (with \"alignment\" after \"causal\" when causal)."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Main.EXIT_0, BenchCommand.EXIT_1, Main.EXIT_2,
            Main.EXIT_3})
final class BenchAttentionCommand implements Callable<Integer> {
    /** What {@code --baseline} may name. */
    enum Baseline { MATERIALIZED, REFERENCE }

    @Spec
    private CommandSpec spec;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "1", description = "Batch size (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--heads", paramLabel = "H", defaultValue = "8", description = "Query heads (default: ${DEFAULT-VALUE}).")
    private int heads;

    @Option(names = "--kv-heads", paramLabel = "HKV", description = "Key/value heads; must divide H (default: H).")
    private Integer kvHeads;

    @Option(names = "--sq", required = true, paramLabel = "S", description = "Queries per head.")
    private int sq;

    @Option(names = "--sk", paramLabel = "L", description = "Keys per head (default: S).")
    private Integer sk;

    @Option(names = "--dim", paramLabel = "D", defaultValue = "64", description = "Head dimension (default: ${DEFAULT-VALUE}).")
    private int dim;

    @Option(names = "--causal", paramLabel = "top-left|bottom-right", arity = "0..1", defaultValue = "none",
            fallbackValue = "top-left", converter = Converters.CausalConverter.class,
            description = "Causal mask; alone it means top-left (query i sees keys j ≤ i), as in AttentionBenchmark."
                    + " bottom-right aligns the last query with the last key (differs only when S ≠ L).")
    private CausalAlignment causal;

    @Option(names = "--baseline", paramLabel = "materialized|reference", split = ",",
            converter = BaselineConverter.class,
            description = "Also time a baseline the same way; repeatable or comma-separated.")
    private List<Baseline> baselines = new ArrayList<>();

    @Mixin
    private BenchOptions bench;

    @Override
    public Integer call() {
        bench.validate();
        int hkv = kvHeads != null ? kvHeads : heads, keys = sk != null ? sk : sq;
        BenchOptions.positive("--batch", batch);
        BenchOptions.positive("--heads", heads);
        BenchOptions.positive("--kv-heads", hkv);
        BenchOptions.positive("--sq", sq);
        BenchOptions.positive("--sk", keys);
        BenchOptions.positive("--dim", dim);
        if (heads % hkv != 0) {
            throw new IllegalArgumentException("--heads H=" + heads + " must be a multiple of --kv-heads HKV=" + hkv);
        }
        List<Baseline> chosen = baselines.stream().distinct().toList();
        long qCount = Tensor.checkedCount("Q", batch, heads, sq, dim);
        long kvCount = Tensor.checkedCount("K", batch, hkv, keys, dim);
        double bytes = 4.0 * (2 * qCount + 2 * kvCount);
        if (chosen.contains(Baseline.MATERIALIZED)) {
            if ((long) sq * keys > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("the materialized baseline's S×L score matrix (" + sq + "×" + keys
                        + ") is more than a Java array can hold");
            }
            bytes += 4.0 * ((double) sq * keys + 2 * qCount);
        }
        if (chosen.contains(Baseline.REFERENCE)) {
            bytes += 4.0 * qCount + 16.0 * bench.threads * ((double) sq * dim + sq + keys);
        }
        BenchOptions.checkHeap("bench attention", bytes);

        Random random = new Random(7);
        Tensor q = random(random, heads, sq), k = random(random, hkv, keys), v = random(random, hkv, keys);
        AttentionOptions options = AttentionOptions.builder().causal(causal).build();
        try (ComputePool pool = ComputePool.create(bench.threads)) {
            List<BenchRunner.Subject> subjects = new ArrayList<>();
            Attention attention = Attention.create(Simd.backend(), pool);
            Tensor fusedOut = Tensor.zeros(batch, heads, sq, dim);
            subjects.add(new BenchRunner.Subject("fused", () -> attention.forward(q, k, v, options, fusedOut, null),
                    () -> SampledCheck.attention(q, k, v, options, fusedOut::get, random, 8)));
            for (Baseline baseline : chosen) {
                subjects.add(switch (baseline) {
                    case MATERIALIZED -> materialized(pool, q, k, v, options, random);
                    case REFERENCE -> reference(pool, q, k, v, options, random);
                });
            }
            BenchRunner runner = new BenchRunner(bench, spec.commandLine().getOut(), spec.commandLine().getErr());
            double flops = 4.0 * batch * heads * (double) sq * keys * dim;
            return runner.run("attention", flops, subjects, () -> {
                JsonLine line = new JsonLine().add("bench", "attention").add("B", batch).add("S", sq).add("L", keys)
                        .add("D", dim).add("H", heads).add("HKV", hkv).add("causal", causal != CausalAlignment.NONE);
                return causal == CausalAlignment.NONE ? line
                        : line.add("alignment", causal.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            });
        }
    }

    private BenchRunner.Subject materialized(ComputePool pool, Tensor q, Tensor k, Tensor v, AttentionOptions options,
                                             Random random) {
        MaterializedAttention materialized = MaterializedAttention.create(Gemm.create(Simd.backend(), pool));
        AtomicReference<Tensor> out = new AtomicReference<>();
        return new BenchRunner.Subject("materialized", () -> out.set(materialized.forward(q, k, v, options.causal())),
                () -> SampledCheck.attention(q, k, v, options, (b, h, i, d) -> out.get().get(b, h, i, d), random, 8));
    }

    /** The float64 reference, one (batch, head) slice per task. */
    private BenchRunner.Subject reference(ComputePool pool, Tensor q, Tensor k, Tensor v, AttentionOptions options,
                                          Random random) {
        Tensor out = Tensor.zeros(batch, heads, sq, dim);
        int group = heads / k.heads();
        return new BenchRunner.Subject("reference", () -> pool.parallelFor(batch * heads, t -> {
            int b = t / heads, h = t % heads;
            ReferenceAttention.Result r = ReferenceAttention.compute(slice(q, b, h), slice(k, b, h / group),
                    slice(v, b, h / group), options);
            for (int i = 0; i < q.seq(); i++) {
                for (int d = 0; d < dim; d++) {
                    out.set(b, h, i, d, (float) r.output(0, 0, i, d));
                }
            }
        }), () -> SampledCheck.attention(q, k, v, options, out::get, random, 8));
    }

    /** Head {@code h} of batch entry {@code b} as a [1, 1, seq, dim] view, without copying. */
    private static Tensor slice(Tensor t, int b, int h) {
        return Tensor.view(t.array(), t.index(b, h, 0, 0), new int[] {1, 1, t.seq(), t.dim()},
                new int[] {t.stride(Tensor.BATCH), t.stride(Tensor.HEADS), t.stride(Tensor.SEQ), t.stride(Tensor.DIM)});
    }

    private Tensor random(Random r, int h, int s) {
        return Tensor.wrap(BenchGemmCommand.normal(r, batch * h * s * dim), Layout.BHSD, batch, h, s, dim);
    }

    /** {@code materialized} or {@code reference}. */
    static final class BaselineConverter implements CommandLine.ITypeConverter<Baseline> {
        @Override
        public Baseline convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "materialized" -> Baseline.MATERIALIZED;
                case "reference" -> Baseline.REFERENCE;
                default -> throw new CommandLine.TypeConversionException("an attention baseline must be materialized"
                        + " or reference but was '" + value + "'");
            };
        }
    }
}
