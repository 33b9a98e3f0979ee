package dev.flashvec.attention;

import dev.flashvec.parallel.ComputePool;

/** A fused attention forward implementation (vector or scalar); trusts its validated problem. */
interface AttentionKernel {
    /** Writes {@code p.out} (and {@code p.lse} if not null) using the pool's workers. */
    void forward(AttentionProblem p, ComputePool pool);
}
