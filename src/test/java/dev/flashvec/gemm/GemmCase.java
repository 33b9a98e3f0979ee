package dev.flashvec.gemm;

import dev.flashvec.testing.Gen;
import dev.flashvec.testing.Shrinkable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * One generated SGEMM problem for the property tests: shapes, transpositions, scalars, padded leading
 * dimensions, offsets and a data seed; it builds its arrays, the double-precision oracle and the checks.
 *
 * <p>Everything outside the matrices (row padding, elements before the offset, the tail) is NaN in A and B,
 * so a kernel that reads outside its operands produces NaN and fails; in C it is a sentinel that must
 * survive bit for bit.
 */
record GemmCase(Transpose ta, Transpose tb, int m, int n, int k, float alpha, float beta, boolean nanC,
                int padA, int padB, int padC, int aOff, int bOff, int cOff, long seed) implements Shrinkable<GemmCase> {
    static final float SENTINEL = -12345.5f;

    /** Draws a case with every size at most {@code max} and at most {@code maxWork} multiply-adds. */
    static GemmCase draw(Random r, int max, long maxWork) {
        int m = Gen.size(r, max), n = Gen.size(r, max), k = Gen.size(r, max);
        if ((long) m * n * k > maxWork) {
            k = (int) Math.max(1, maxWork / ((long) m * n));
        }
        Transpose ta = r.nextBoolean() ? Transpose.YES : Transpose.NO;
        Transpose tb = r.nextBoolean() ? Transpose.YES : Transpose.NO;
        float alpha = switch (r.nextInt(5)) {
            case 0 -> 0f;
            case 1, 2 -> 1f;
            default -> (float) r.nextGaussian();
        };
        float beta = switch (r.nextInt(4)) {
            case 0 -> 0f;
            case 1 -> 1f;
            default -> (float) r.nextGaussian();
        };
        boolean nanC = beta == 0f && r.nextBoolean();
        return new GemmCase(ta, tb, m, n, k, alpha, beta, nanC, pad(r), pad(r), pad(r), off(r), off(r), off(r),
                r.nextLong());
    }

    private static int pad(Random r) {
        return r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(9);
    }

    private static int off(Random r) {
        return r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(17);
    }

    int rowsA() {
        return ta == Transpose.NO ? m : k;
    }

    int colsA() {
        return ta == Transpose.NO ? k : m;
    }

    int rowsB() {
        return tb == Transpose.NO ? k : n;
    }

    int colsB() {
        return tb == Transpose.NO ? n : k;
    }

    int lda() {
        return colsA() + padA;
    }

    int ldb() {
        return colsB() + padB;
    }

    int ldc() {
        return n + padC;
    }

    /** The three arrays {@code {a, b, c}} of this case, freshly generated from its seed. */
    float[][] arrays() {
        Random r = new Random(seed);
        float[] a = matrix(r, aOff, rowsA(), colsA(), lda(), Float.NaN);
        float[] b = matrix(r, bOff, rowsB(), colsB(), ldb(), Float.NaN);
        float[] c = matrix(r, cOff, m, n, ldc(), SENTINEL);
        if (nanC) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, cOff + i * ldc(), cOff + i * ldc() + n, Float.NaN);
            }
        }
        return new float[][] {a, b, c};
    }

    private static float[] matrix(Random r, int off, int rows, int cols, int ld, float outside) {
        float[] x = new float[off + (rows - 1) * ld + cols + 3];
        Arrays.fill(x, outside);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                x[off + i * ld + j] = (float) r.nextGaussian();
            }
        }
        return x;
    }

    /** Runs {@code gemm} on fresh arrays and returns C. */
    float[] run(Gemm gemm) {
        float[][] x = arrays();
        gemm.multiply(ta, tb, m, n, k, alpha, x[0], aOff, lda(), x[1], bOff, ldb(), beta, x[2], cOff, ldc());
        return x[2];
    }

    /** Asserts that {@code c} (as returned by {@link #run}) matches the double-precision triple loop. */
    void assertMatchesNaive(float[] c) {
        float[][] x = arrays();
        float[] a = x[0], b = x[1], c0 = x[2];
        for (int idx = 0; idx < c.length; idx++) {
            int rel = idx - cOff;
            boolean inside = rel >= 0 && rel / ldc() < m && rel % ldc() < n;
            if (!inside && Float.floatToRawIntBits(c[idx]) != Float.floatToRawIntBits(c0[idx])) {
                throw new AssertionError("element " + idx + " outside C changed from " + c0[idx] + " to " + c[idx]);
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0, abs = 0;
                for (int p = 0; p < k; p++) {
                    double av = a[ta == Transpose.NO ? aOff + i * lda() + p : aOff + p * lda() + i];
                    double bv = b[tb == Transpose.NO ? bOff + p * ldb() + j : bOff + j * ldb() + p];
                    sum += av * bv;
                    abs += Math.abs(av * bv);
                }
                double old = c0[cOff + i * ldc() + j];
                double ref = (alpha == 0f ? 0 : alpha * sum) + (beta == 0f ? 0 : beta * old);
                double tol = 1e-5 * (abs * Math.abs(alpha) + (beta == 0f ? 0 : Math.abs(beta * old))) + 1e-6;
                float got = c[cOff + i * ldc() + j];
                if (!(Math.abs(got - ref) <= tol)) {
                    throw new AssertionError("C[" + i + "][" + j + "] = " + got + " but naive gives " + ref
                            + " (tolerance " + tol + ")");
                }
            }
        }
    }

    @Override
    public List<GemmCase> shrink() {
        List<GemmCase> out = new ArrayList<>();
        for (int v : Gen.smaller(m)) {
            out.add(with(v, n, k));
        }
        for (int v : Gen.smaller(n)) {
            out.add(with(m, v, k));
        }
        for (int v : Gen.smaller(k)) {
            out.add(with(m, n, v));
        }
        if (padA + padB + padC + aOff + bOff + cOff > 0) {
            out.add(new GemmCase(ta, tb, m, n, k, alpha, beta, nanC, 0, 0, 0, 0, 0, 0, seed));
        }
        if (alpha != 1f && alpha != 0f) {
            out.add(new GemmCase(ta, tb, m, n, k, 1f, beta, nanC, padA, padB, padC, aOff, bOff, cOff, seed));
        }
        if (beta != 0f) {
            out.add(new GemmCase(ta, tb, m, n, k, alpha, 0f, false, padA, padB, padC, aOff, bOff, cOff, seed));
        }
        return out;
    }

    private GemmCase with(int m2, int n2, int k2) {
        return new GemmCase(ta, tb, m2, n2, k2, alpha, beta, nanC, padA, padB, padC, aOff, bOff, cOff, seed);
    }

    @Override
    public String toString() {
        return "GemmCase{" + ta + tb + " m=" + m + " n=" + n + " k=" + k + " alpha=" + alpha + " beta=" + beta
                + (nanC ? " C=NaN" : "") + " lda=" + lda() + " ldb=" + ldb() + " ldc=" + ldc()
                + " offs=" + aOff + "/" + bOff + "/" + cOff + " seed=" + seed + "}";
    }
}
