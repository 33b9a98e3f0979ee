package dev.flashvec.gemm;

/**
 * The register-tile micro-kernel of the blocked GEMM: the only part that differs between the Vector API
 * implementation and its scalar twin. Blocking, packing and threading live once in {@link BlockedGemm}.
 *
 * <p>Implementations are stateless and thread-safe; they trust their arguments (the facade checked them).
 */
interface GemmKernel {
    /** Rows of the register tile; packed A slivers hold this many rows per k step. */
    int mr();

    /** Columns of the register tile; packed B slivers hold this many columns per k step. */
    int nr();

    /**
     * Packs {@code width} rows of op(A) by {@code kc} depth steps, element (i, p) at {@code x[base + i·su + p·sp]},
     * into {@code mr}-row slivers at {@code dst[0..]} exactly as {@link Packing#pack} does; a kernel may override
     * this with a faster copy that produces the same floats.
     */
    default void packA(float[] x, int base, int su, int sp, int width, int kc, float[] dst) {
        Packing.pack(x, base, su, sp, width, kc, mr(), dst, 0);
    }

    /** Packs {@code width} columns of op(B) into {@code nr}-column slivers; otherwise like {@link #packA}. */
    default void packB(float[] x, int base, int su, int sp, int width, int kc, float[] dst) {
        Packing.pack(x, base, su, sp, width, kc, nr(), dst, 0);
    }

    /**
     * Computes one full {@code mr × nr} tile: {@code C = alpha·(Ap·Bp) + beta·C}, where {@code Ap} is an
     * {@code mr × kc} sliver packed k-major at {@code a[aOff + p·mr + r]} and {@code Bp} a {@code kc × nr}
     * sliver packed k-major at {@code b[bOff + p·nr + j]}; C is row-major at {@code c[cOff + r·ldc + j]}.
     * When {@code beta == 0} C is only written, never read, so NaN or garbage in C does not propagate.
     *
     * <p>Exact operations, which both implementations share so that they give the same bits: the sum starts
     * at 0 and adds one {@code fma(a, b, sum)} per p in increasing order; C becomes {@code alpha·sum} when
     * beta is 0 and {@code fma(sum, alpha, C·beta)} otherwise. The result thus depends only on the packed data,
     * never on which thread or tile position computes it.
     */
    void multiplyTile(int kc, float[] a, int aOff, float[] b, int bOff, float alpha, float beta,
                      float[] c, int cOff, int ldc);
}
