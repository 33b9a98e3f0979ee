package dev.flashvec.cli;

import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.AttentionResult;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.reference.ReferenceAttention;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Tensor;
import java.io.PrintWriter;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code flashvec check}: runs the engine on random N(0,1) inputs and compares it with the double-precision
 * reference under SPEC's tolerance; the exit code says whether it passed.
 */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compares the engine with the float64 reference on random N(0,1) inputs.",
            "Passes when every output and LSE element satisfies |x − ref| ≤ 1e-5 + 1e-4·|ref| (SPEC.md)."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Main.EXIT_0, Main.EXIT_1, Main.EXIT_2, Main.EXIT_3})
final class CheckCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "2", description = "Batch size (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--heads", paramLabel = "H", defaultValue = "4", description = "Query heads (default: ${DEFAULT-VALUE}).")
    private int heads;

    @Option(names = "--kv-heads", paramLabel = "HKV",
            description = "Key/value heads; must divide H (default: H/2 when H is even, else H).")
    private Integer kvHeads;

    @Option(names = "--sq", paramLabel = "S", defaultValue = "64", description = "Queries (default: ${DEFAULT-VALUE}).")
    private int sq;

    @Option(names = "--sk", paramLabel = "L", description = "Keys (default: S).")
    private Integer sk;

    @Option(names = "--dk", paramLabel = "D", defaultValue = "64",
            description = "Query/key head dimension (default: ${DEFAULT-VALUE}).")
    private int dk;

    @Option(names = "--dv", paramLabel = "D", description = "Value head dimension (default: Dk).")
    private Integer dv;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of the random inputs (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Mixin
    private EngineOptions engine;

    @Override
    public Integer call() {
        int hkv = kvHeads != null ? kvHeads : heads % 2 == 0 ? heads / 2 : heads;
        int keys = sk != null ? sk : sq;
        int dValue = dv != null ? dv : dk;
        Layout layout = engine.layout;
        Random random = new Random(seed);
        Tensor q = random(random, layout, batch, heads, sq, dk, "Q");
        Tensor k = random(random, layout, batch, hkv, keys, dk, "K");
        Tensor v = random(random, layout, batch, hkv, keys, dValue, "V");
        AttentionOptions options = engine.builder().build();

        PrintWriter out = spec.commandLine().getOut();
        out.printf("check: B=%d Hq=%d Hkv=%d Sq=%d Sk=%d Dk=%d Dv=%d layout=%s seed=%d%n", batch, heads, hkv, sq, keys,
                dk, dValue, layout.name().toLowerCase(), seed);
        out.println("options: " + options);
        AttentionResult result;
        int threads;
        try (ComputePool pool = engine.pool()) {
            threads = pool.threads();
            result = EngineOptions.engine(pool).forwardWithLse(q, k, v, options);
        }
        out.printf("engine: %s, %d thread%s%n", Simd.description(), threads, threads == 1 ? "" : "s");
        ReferenceAttention.Result ref = ReferenceAttention.compute(q, k, v, options);
        ErrorStats o = new ErrorStats();
        o.addAll(result.output().toArray(), ref.output());
        ErrorStats lse = new ErrorStats();
        lse.addAll(result.lse(), ref.lse());
        out.println("O   vs float64 reference: " + o.summary());
        out.println("LSE vs float64 reference: " + lse.summary());
        // SPEC also bounds the engine by twice a plain fp32 implementation's error; shown for context.
        ReferenceAttention.Result fp32 = ReferenceAttention.computeFp32(q, k, v, options);
        ErrorStats plain = new ErrorStats();
        for (int i = 0; i < fp32.output().length; i++) {
            plain.add(fp32.output()[i], ref.output()[i]);
        }
        out.printf("(a plain fp32 materialized implementation has O max abs error %.3e)%n", plain.maxAbs());
        boolean passed = o.passed() && lse.passed();
        out.println(passed ? "PASS: every element is within |x − ref| ≤ 1e-5 + 1e-4·|ref|"
                : "FAIL: some elements exceed |x − ref| ≤ 1e-5 + 1e-4·|ref|");
        return passed ? Main.OK : Main.CHECK_FAILED;
    }

    /** An N(0,1) tensor whose values depend only on the seed, not on the layout. */
    private static Tensor random(Random r, Layout layout, int b, int h, int s, int d, String name) {
        long n = Tensor.checkedCount(name, b, h, s, d);
        float[] data = new float[(int) n];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) r.nextGaussian();
        }
        Tensor bhsd = Tensor.wrap(data, Layout.BHSD, b, h, s, d);
        return layout == Layout.BHSD ? bhsd : bhsd.copy(layout);
    }
}
