package dev.flashvec.gemm;

/** Whether a GEMM operand is used as stored or transposed: {@code op(X) = X} or {@code op(X) = Xᵀ}. */
public enum Transpose {
    /** {@code op(X) = X}. */
    NO,
    /** {@code op(X) = Xᵀ}: the operand is read as stored, only its index order differs (no transposed copy). */
    YES
}
