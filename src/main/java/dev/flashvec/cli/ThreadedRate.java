package dev.flashvec.cli;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.function.IntFunction;

/**
 * Measures how fast {@code T} threads together repeat a unit of work: each thread warms up (so the JIT
 * compiles the work), all meet at a barrier, then each counts its own runs for the measuring time. The result
 * is the sum of the threads' rates, as JMH sums {@code @Threads}. Used by the FMA peak and the memory
 * bandwidth measurements.
 */
final class ThreadedRate {
    /** One thread's repeated work. */
    interface Work {
        /** Runs once; returns a value derived from the work so the JIT cannot drop it. */
        float run();
    }

    private ThreadedRate() {}

    /**
     * Total rate in units per second of {@code threads} threads, thread {@code t} running {@code work.apply(t)}
     * (created on that thread), each run counting {@code unitsPerRun}.
     *
     * @param what names the measurement in failure messages
     */
    static double measure(String what, int threads, IntFunction<Work> work, double unitsPerRun, double warmupSeconds,
                          double seconds) {
        long warmupNanos = (long) (warmupSeconds * 1e9), measureNanos = Math.max(1, (long) (seconds * 1e9));
        CyclicBarrier start = new CyclicBarrier(threads);
        double[] rates = new double[threads];
        float[] sinks = new float[threads];
        Throwable[] failures = new Throwable[threads];
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = Thread.ofPlatform().daemon().name("flashvec-rate-" + t).start(() -> {
                try {
                    Work w = work.apply(id);
                    float sink = 0;
                    long warmEnd = System.nanoTime() + warmupNanos;
                    do {
                        sink += w.run();
                    } while (System.nanoTime() < warmEnd);
                    start.await();
                    long t0 = System.nanoTime(), end = t0 + measureNanos, runs = 0, now;
                    do {
                        sink += w.run();
                        runs++;
                        now = System.nanoTime();
                    } while (now < end);
                    rates[id] = runs * unitsPerRun / ((now - t0) * 1e-9);
                    sinks[id] = sink;
                } catch (InterruptedException | BrokenBarrierException e) {
                    Thread.currentThread().interrupt();
                    failures[id] = e;
                } catch (RuntimeException | Error e) {
                    failures[id] = e;
                    start.reset();
                }
            });
        }
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring " + what, e);
            }
        }
        // A thread that fails breaks the barrier for the others: report its failure, not theirs.
        for (boolean brokenToo : new boolean[] {false, true}) {
            for (int t = 0; t < threads; t++) {
                if (failures[t] != null && (brokenToo || !(failures[t] instanceof BrokenBarrierException))) {
                    throw new IllegalStateException(what + " measurement failed on thread " + t, failures[t]);
                }
            }
        }
        double total = 0;
        for (double rate : rates) {
            total += rate;
        }
        return total;
    }
}
