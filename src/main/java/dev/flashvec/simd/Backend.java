package dev.flashvec.simd;

/** Which implementation family computes: the Vector API kernels or their plain scalar twins. */
public enum Backend {
    /** Kernels written with {@code jdk.incubator.vector}, compiled by C2 to SIMD instructions. */
    VECTOR,
    /** Plain Java loops: the fallback when the Vector API is unavailable, and a second opinion in tests. */
    SCALAR
}
