package dev.flashvec.cli;

import dev.flashvec.attention.Attention;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.AttentionResult;
import dev.flashvec.gemm.Gemm;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.position.RotaryEmbedding;
import dev.flashvec.position.RotaryStyle;
import dev.flashvec.scoring.AdditiveAttention;
import dev.flashvec.scoring.AdditiveWeights;
import dev.flashvec.scoring.ScoreFunction;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Npy;
import dev.flashvec.tensor.NpyArray;
import dev.flashvec.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * The {@code attention} command's choice of attention variant: RoPE on Q and K, and the score function (dot,
 * scaled, cosine, bilinear, additive) with the weight files each needs.
 */
final class VariantOptions {
    /** The score functions of {@code --score}. */
    enum Score { DOT, SCALED, COSINE, BILINEAR, ADDITIVE }

    @Option(names = "--rope", paramLabel = "interleaved|half", converter = RopeConverter.class,
            description = "Rotate Q and K with RoPE before attention: interleaved pairs (GPT-J) or half-split (NeoX/LLaMA).")
    RotaryStyle rope;

    @Option(names = "--rope-offset", paramLabel = "P", defaultValue = "0",
            description = "Position of the first query row for RoPE (keys start at 0), e.g. Sk-Sq when decoding"
                    + " (default: ${DEFAULT-VALUE}).")
    int ropeOffset;

    @Option(names = "--score", paramLabel = "dot|scaled|cosine|bilinear|additive", defaultValue = "scaled",
            converter = ScoreConverter.class,
            description = "Score function: q·k; q·k/sqrt(Dk) (or --scale); cosine(q,k)/temperature; qᵀ·W·k"
                    + " (--bilinear-weight); vᵀ·tanh(Wq·q + Wk·k) (--additive-wq, --additive-wk, --additive-v)."
                    + " Default: ${DEFAULT-VALUE}.")
    Score score;

    @Option(names = "--temperature", paramLabel = "T", description = "Temperature of --score cosine (default 1).")
    Float temperature;

    @Option(names = "--bilinear-weight", paramLabel = "W.npy", description = "W [Dq, Dk] of --score bilinear.")
    Path bilinearWeight;

    @Option(names = "--additive-wq", paramLabel = "WQ.npy", description = "W_q [da, Dq] of --score additive.")
    Path additiveWq;

    @Option(names = "--additive-wk", paramLabel = "WK.npy", description = "W_k [da, Dk] of --score additive.")
    Path additiveWk;

    @Option(names = "--additive-v", paramLabel = "V.npy", description = "v [da] of --score additive.")
    Path additiveV;

    /** Checks that exactly the files and values the chosen score needs were given, before any file is read. */
    /** Whether no option of this group is set: plain scaled dot-product scores on the inputs as given. */
    boolean isDefault() {
        return rope == null && score == Score.SCALED;
    }

    void check() {
        require(temperature == null || score == Score.COSINE, "--temperature applies only to --score cosine");
        require((bilinearWeight != null) == (score == Score.BILINEAR),
                "--score bilinear needs --bilinear-weight, and --bilinear-weight needs --score bilinear");
        boolean anyAdditive = additiveWq != null || additiveWk != null || additiveV != null;
        boolean allAdditive = additiveWq != null && additiveWk != null && additiveV != null;
        require(score == Score.ADDITIVE ? allAdditive : !anyAdditive,
                "--score additive needs all of --additive-wq, --additive-wk and --additive-v, and they need it");
        require(ropeOffset >= 0, "--rope-offset must be >= 0 but was " + ropeOffset);
        require(ropeOffset == 0 || rope != null, "--rope-offset needs --rope");
    }

    /** Runs the chosen variant. */
    AttentionResult run(Attention engine, ComputePool pool, Tensor q, Tensor k, Tensor v, AttentionOptions o)
            throws IOException {
        if (rope != null) {
            q = RotaryEmbedding.create(q.dim(), RotaryEmbedding.DEFAULT_BASE, rope, engine.backend()).apply(q, ropeOffset);
            k = RotaryEmbedding.create(k.dim(), RotaryEmbedding.DEFAULT_BASE, rope, engine.backend()).apply(k, 0);
        }
        return switch (score) {
            case SCALED -> engine.forwardWithLse(q, k, v, o);
            case DOT -> ScoreFunction.dot().forwardWithLse(engine, q, k, v, o);
            case COSINE -> ScoreFunction.cosine(temperature == null ? 1f : temperature).forwardWithLse(engine, q, k, v, o);
            case BILINEAR -> {
                NpyArray w = Npy.read(bilinearWeight);
                require(w.rank() == 2, w.name() + " has shape " + w.shapeString() + " but a bilinear W must be 2-D [Dq, Dk]");
                yield ScoreFunction.bilinear(Gemm.create(Simd.backend(), pool), w.asFloats(), w.dim(0), w.dim(1))
                        .forwardWithLse(engine, q, k, v, o);
            }
            case ADDITIVE -> {
                NpyArray wq = Npy.read(additiveWq), wk = Npy.read(additiveWk), av = Npy.read(additiveV);
                require(wq.rank() == 2, wq.name() + " has shape " + wq.shapeString() + " but W_q must be 2-D [da, Dq]");
                require(wk.rank() == 2, wk.name() + " has shape " + wk.shapeString() + " but W_k must be 2-D [da, Dk]");
                require(av.rank() == 1, av.name() + " has shape " + av.shapeString() + " but v must be 1-D [da]");
                require(wk.dim(0) == wq.dim(0) && av.dim(0) == wq.dim(0), "additive weights disagree on da: W_q "
                        + wq.shapeString() + ", W_k " + wk.shapeString() + ", v " + av.shapeString());
                AdditiveWeights w = new AdditiveWeights(wq.asFloats(), wk.asFloats(), av.asFloats(), wq.dim(0),
                        wq.dim(1), wk.dim(1));
                yield AdditiveAttention.create(engine.backend(), pool).forwardWithLse(q, k, v, w, o);
            }
        };
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** {@code interleaved} or {@code half}. */
    static final class RopeConverter implements ITypeConverter<RotaryStyle> {
        @Override
        public RotaryStyle convert(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "interleaved" -> RotaryStyle.INTERLEAVED;
                case "half", "half-split" -> RotaryStyle.HALF_SPLIT;
                default -> throw new IllegalArgumentException("expected interleaved or half but was '" + s + "'");
            };
        }
    }

    /** A score name, case-insensitive. */
    static final class ScoreConverter implements ITypeConverter<Score> {
        @Override
        public Score convert(String s) {
            try {
                return Score.valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("expected dot, scaled, cosine, bilinear or additive but was '" + s + "'");
            }
        }
    }
}
