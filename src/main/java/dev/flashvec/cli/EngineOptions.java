package dev.flashvec.cli;

import dev.flashvec.attention.Attention;
import dev.flashvec.attention.AttentionOptions;
import dev.flashvec.attention.CausalAlignment;
import dev.flashvec.parallel.ComputePool;
import dev.flashvec.simd.Simd;
import dev.flashvec.tensor.Layout;
import picocli.CommandLine.Option;

/**
 * The options that {@code attention} and {@code check} share: what attention computes (scale, softcap,
 * causal alignment, window), the tensors' layout and the number of threads.
 */
final class EngineOptions {
    @Option(names = "--layout", paramLabel = "bhsd|bshd", defaultValue = "bhsd", converter = Converters.LayoutConverter.class,
            description = "Memory layout of the 4-D tensors: bhsd = [B,H,S,D], bshd = [B,S,H,D] (default: ${DEFAULT-VALUE}).")
    Layout layout;

    @Option(names = "--scale", paramLabel = "X", description = "Score scale (default: 1/sqrt(Dk)).")
    Float scale;

    @Option(names = "--softcap", paramLabel = "X", defaultValue = "0",
            description = "Cap scores with X·tanh(s/X) before bias and masks; 0 = off (default: ${DEFAULT-VALUE}).")
    float softcap;

    @Option(names = "--causal", paramLabel = "none|top-left|bottom-right", defaultValue = "none",
            converter = Converters.CausalConverter.class,
            description = "Causal mask and how it aligns queries with keys when Sq != Sk (default: ${DEFAULT-VALUE}).")
    CausalAlignment causal;

    @Option(names = "--window", paramLabel = "L,R", converter = Converters.WindowConverter.class,
            description = "Sliding window: keys allowed left and right of the aligned diagonal, -1 = unbounded.")
    Window window;

    @Option(names = "--threads", paramLabel = "N",
            description = "Worker threads (default: the number of available processors).")
    Integer threads;

    /** Options from these flags; mask and key lengths are added by the caller. */
    AttentionOptions.Builder builder() {
        AttentionOptions.Builder b = AttentionOptions.builder().softcap(softcap).causal(causal);
        if (scale != null) {
            b.scale(scale);
        }
        if (window != null) {
            b.window(window.left(), window.right());
        }
        return b;
    }

    /** A new pool of the requested size; the caller closes it. */
    ComputePool pool() {
        return ComputePool.create(threads != null ? threads : Runtime.getRuntime().availableProcessors());
    }

    /** The engine on this JVM's backend and the given pool. */
    static Attention engine(ComputePool pool) {
        return Attention.create(Simd.backend(), pool);
    }
}
