package dev.flashvec.cli;

import dev.flashvec.attention.AttentionMask;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.AttentionResult;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import dev.flashvec.tensor.Npy;
import dev.flashvec.tensor.NpyArray;
import dev.flashvec.tensor.NpyDtype;
import dev.flashvec.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code flashvec attention}: reads Q, K and V (and optionally a mask and key lengths) from {@code .npy} files,
 * runs the fused attention and writes O (and optionally the LSE) as {@code .npy} files.
 */
@Command(name = "attention", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Computes O = softmax(scale·Q·Kᵀ + mask)·V on .npy files with the fused engine.",
            "Q is [B,Hq,Sq,Dk], K is [B,Hkv,Sk,Dk], V is [B,Hkv,Sk,Dv] in bhsd layout ([B,S,H,D] in bshd; a 3-D"
                    + " [B,S,D] array is one head); float16, float32 or float64. O is written in the same layout,"
                    + " LSE as float32 [B,Hq,Sq]. Outputs appear only if the whole computation succeeds."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Main.EXIT_0, Main.EXIT_2, Main.EXIT_3})
final class AttentionCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--q", required = true, paramLabel = "Q.npy", description = "Queries.")
    private Path q;

    @Option(names = "--k", required = true, paramLabel = "K.npy", description = "Keys.")
    private Path k;

    @Option(names = "--v", required = true, paramLabel = "V.npy", description = "Values.")
    private Path v;

    @Option(names = "--out", required = true, paramLabel = "O.npy", description = "Where to write the output.")
    private Path out;

    @Option(names = "--lse", paramLabel = "LSE.npy", description = "Where to write the log-sum-exp of each query row.")
    private Path lse;

    @Mixin
    private EngineOptions engine;

    @Mixin
    private VariantOptions variant;

    @Option(names = "--mask", paramLabel = "M.npy",
            description = "Explicit mask [Sq,Sk] or [B|1,Hq|1,Sq,Sk] (whatever --layout is): bool (true = allowed)"
                    + " or float (added to the scores; -inf disallows).")
    private Path mask;

    @Option(names = "--kv-lengths", paramLabel = "LEN.npy",
            description = "Valid keys per batch entry, int32 or int64 [B]; keys at or past the length are padding.")
    private Path kvLengths;

    @Option(names = "--alibi", description = "Add ALiBi biases with the paper's standard slopes for Hq heads.")
    private boolean alibi;

    @Option(names = "--weights", paramLabel = "W.npy",
            description = "Also write the attention weights (softmax probabilities, from a second pass over the saved"
                    + " LSE) as float32 [B,Hq,Sq,Sk], or [B,Sq,Sk] with --weights-head; any layout.")
    private Path weights;

    @Option(names = "--weights-head", paramLabel = "H", description = "Write the weights of query head H only.")
    private Integer weightsHead;

    @Override
    public Integer call() throws IOException {
        checkOutputs();
        variant.check();
        Layout layout = engine.layout;
        Tensor tq = Npy.read(q).toTensor(layout);
        Tensor tk = Npy.read(k).toTensor(layout);
        Tensor tv = Npy.read(v).toTensor(layout);
        AttentionOptions.Builder options = engine.builder();
        if (mask != null) {
            options.mask(mask(Npy.read(mask)));
        }
        if (kvLengths != null) {
            options.kvLengths(lengths(Npy.read(kvLengths)));
        }
        if (alibi) {
            options.alibi(tq.heads());
        }
        AttentionWeights.check(weights, weightsHead, tq, tk);
        if (weights != null && !variant.isDefault()) {
            throw new IllegalArgumentException("--weights explains the default scaled dot-product score only; drop"
                    + " --rope/--score or --weights");
        }
        AttentionResult result;
        NpyArray w = null;
        long start = System.nanoTime();
        int threads;
        try (ComputePool pool = engine.pool()) {
            threads = pool.threads();
            AttentionOptions built = options.build();
            result = variant.run(EngineOptions.engine(pool), pool, tq, tk, tv, built);
            if (weights != null) {
                w = AttentionWeights.compute(EngineOptions.engine(pool), tq, tk, tv, built, result.lse(), weightsHead);
            }
        }
        double ms = (System.nanoTime() - start) / 1e6;
        Map<Path, NpyArray> files = new LinkedHashMap<>();
        NpyArray o = NpyArray.fromTensor(result.output(), layout);
        files.put(out, o);
        if (lse != null) {
            files.put(lse, NpyArray.ofFloats(new int[] {tq.batch(), tq.heads(), tq.seq()}, result.lse()));
        }
        if (w != null) {
            files.put(weights, w);
        }
        Npy.writeAll(files);
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s %s %s%s in %.1f ms (%d thread%s; %s)%n", out,
                layout.name().toLowerCase(), Arrays.toString(o.shape()), lse == null ? "" : " and " + lse, ms, threads,
                threads == 1 ? "" : "s", Simd.description());
        return Main.OK;
    }

    /** Fails before any work when an output could not be written or would overwrite the other. */
    private void checkOutputs() {
        for (Path p : java.util.stream.Stream.of(out, lse, weights).filter(java.util.Objects::nonNull).toList()) {
            Path dir = p.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("cannot write " + p + ": directory " + dir + " does not exist");
            }
            if (Files.isDirectory(p)) {
                throw new IllegalArgumentException("cannot write " + p + ": it is a directory");
            }
        }
        if (lse != null && out.toAbsolutePath().normalize().equals(lse.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--out and --lse name the same file " + out);
        }
        AttentionWeights.checkDistinct(weights, out, lse);
    }

    /** A boolean or additive mask from a 2-D {@code [Sq, Sk]} or 4-D {@code [B|1, H|1, Sq, Sk]} array. */
    static AttentionMask mask(NpyArray m) {
        if (m.dtype() != NpyDtype.BOOL && !m.dtype().isFloat()) {
            throw new IllegalArgumentException(m.name() + " has dtype " + m.dtype() + " but a mask must be bool"
                    + " (true = allowed) or float (added to the scores)");
        }
        int[] s = m.shape();
        if (s.length == 2) {
            s = new int[] {1, 1, s[0], s[1]};
        } else if (s.length != 4) {
            throw new IllegalArgumentException(m.name() + " has shape " + m.shapeString() + " but a mask must be"
                    + " 2-D [Sq, Sk] or 4-D [B|1, H|1, Sq, Sk]");
        }
        if (m.dtype() == NpyDtype.BOOL) {
            return AttentionMask.allowed(m.asBooleans(), s[0], s[1], s[2], s[3]);
        }
        return AttentionMask.additive(Tensor.wrap(m.asFloats(), Layout.BHSD, s[0], s[1], s[2], s[3]));
    }

    /** Per-batch key lengths from a 1-D integer array. */
    static int[] lengths(NpyArray a) {
        if (a.rank() != 1) {
            throw new IllegalArgumentException(a.name() + " has shape " + a.shapeString()
                    + " but key lengths must be 1-D [B]");
        }
        return a.asInts();
    }
}
