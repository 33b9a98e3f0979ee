package dev.flashvec.attention;

import dev.flashvec.decode.DecodeAttention;
import dev.flashvec.parallel.ComputePool;

/** A fused attention forward implementation (vector or scalar); trusts its validated problem. */
interface AttentionKernel {
    /** Writes {@code p.out} (and {@code p.lse} if not null) using the pool's workers. */
    void forward(AttentionProblem p, ComputePool pool);

    /**
     * Calls with at most this many queries and plain options are faster on the decode kernel (lanes over D,
     * keys split across threads) than on this one; by default every call the decode kernel can split
     * ({@link DecodeAttention#MAX_SPLIT_QUERIES}). Must not depend on the thread count (see Attention).
     */
    default int fewQueryLimit() {
        return DecodeAttention.MAX_SPLIT_QUERIES;
    }
}
