package dev.flashvec.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A small property-based test runner: seeded generation, a printed and re-runnable seed, and shrinking.
 *
 * <p>Each try draws a case from its own seed. When a case fails, the runner shrinks it by repeatedly
 * taking the first smaller candidate that still fails, then throws an {@link AssertionError} naming the
 * property, the case seed, the shrunk case, the original case and the first failure. Re-run one case with
 * {@code -Dflashvec.prop.seed=<seed>}; change the number of tries with {@code -Dflashvec.prop.tries=N}.
 */
public final class Property {
    private static final int MAX_SHRINK_STEPS = 200;

    private Property() {}

    /** Number of tries per property in this run. */
    public static int tries() {
        return Integer.getInteger("flashvec.prop.tries", 40);
    }

    /**
     * Checks {@code property} on {@code tries()} cases drawn by {@code generator} (scaled by {@code weight},
     * e.g. 0.25 for an expensive property).
     */
    public static <T extends Shrinkable<T>> void check(String name, double weight, Function<Random, T> generator,
                                                       Consumer<T> property) {
        String fixed = System.getProperty("flashvec.prop.seed");
        List<Long> seeds = new ArrayList<>();
        if (fixed != null && !fixed.isBlank()) {
            seeds.add(Long.parseLong(fixed.trim()));
        } else {
            long base = Long.getLong("flashvec.prop.baseSeed", System.nanoTime());
            Random seedSource = new Random(base ^ name.hashCode());
            int n = Math.max(1, (int) Math.round(tries() * weight));
            for (int i = 0; i < n; i++) {
                seeds.add(seedSource.nextLong());
            }
        }
        for (long seed : seeds) {
            T original = generator.apply(new Random(seed));
            Throwable failure = failureOf(property, original);
            if (failure != null) {
                throw report(name, seed, original, failure, property);
            }
        }
    }

    /** Same as {@link #check(String, double, Function, Consumer)} with weight 1. */
    public static <T extends Shrinkable<T>> void check(String name, Function<Random, T> generator, Consumer<T> property) {
        check(name, 1.0, generator, property);
    }

    private static <T extends Shrinkable<T>> AssertionError report(String name, long seed, T original, Throwable failure,
                                                                   Consumer<T> property) {
        T smallest = original;
        Throwable smallestFailure = failure;
        int steps = 0;
        boolean progressed = true;
        while (progressed && steps < MAX_SHRINK_STEPS) {
            progressed = false;
            for (T candidate : smallest.shrink()) {
                steps++;
                Throwable f = failureOf(property, candidate);
                if (f != null) {
                    smallest = candidate;
                    smallestFailure = f;
                    progressed = true;
                    break;
                }
                if (steps >= MAX_SHRINK_STEPS) {
                    break;
                }
            }
        }
        AssertionError error = new AssertionError("property '" + name + "' failed; re-run with -Dflashvec.prop.seed=" + seed
                + "\n  shrunk case (" + steps + " shrink steps): " + smallest
                + "\n  failure: " + smallestFailure
                + "\n  original case: " + original
                + "\n  original failure: " + failure);
        error.initCause(smallestFailure);
        return error;
    }

    private static <T> Throwable failureOf(Consumer<T> property, T value) {
        try {
            property.accept(value);
            return null;
        } catch (AssertionError | RuntimeException e) {
            return e;
        }
    }
}
