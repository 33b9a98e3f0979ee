package dev.flashvec.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/** Seeded generators of sizes and values that aim at loop tails and tile edges. */
public final class Gen {
    private static final int[] PRIMES = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71,
        73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191,
        193, 197, 199, 211, 223, 227, 229, 233, 239, 241, 251, 257};
    /** Vector lengths (4, 8, 16 floats) and tile sizes whose multiples, and one either side, must be hit. */
    private static final int[] EDGES = {4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256};

    private Gen() {}

    /** The interesting sizes in {@code [1, max]}: 1, primes, and multiples of edges and one either side. */
    public static int[] interestingSizes(int max) {
        TreeSet<Integer> s = new TreeSet<>();
        s.add(1);
        for (int p : PRIMES) {
            s.add(p);
        }
        for (int e : EDGES) {
            for (int m = e; m <= max + 1; m += e) {
                s.add(m - 1);
                s.add(m);
                s.add(m + 1);
            }
        }
        return s.stream().filter(v -> v >= 1 && v <= max).mapToInt(Integer::intValue).toArray();
    }

    /** A size in {@code [1, max]}: mostly an interesting one, sometimes uniform. */
    public static int size(Random r, int max) {
        if (r.nextInt(5) == 0) {
            return 1 + r.nextInt(max);
        }
        int[] sizes = interestingSizes(max);
        return sizes[r.nextInt(sizes.length)];
    }

    /** Standard-normal floats. */
    public static float[] normal(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /** Candidates smaller than {@code v} (toward 1) for shrinking: 1, half, one less. */
    public static List<Integer> smaller(int v) {
        List<Integer> out = new ArrayList<>();
        if (v > 1) {
            out.add(1);
        }
        if (v / 2 > 1) {
            out.add(v / 2);
        }
        if (v - 1 > 1 && v - 1 != v / 2) {
            out.add(v - 1);
        }
        return out;
    }
}
