package dev.flashvec.parallel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.ObjIntConsumer;
import java.util.function.Supplier;

/**
 * A fixed number of worker threads that run indexed tasks to completion; the caller decides its size.
 *
 * <p>Tasks are handed out in index order from a shared counter, so a worker that finishes early takes the
 * next task (dynamic load balancing, which matters for causal attention where tasks differ in cost).
 * Results never depend on which thread ran which task: each task writes only its own outputs.
 */
public final class ComputePool implements AutoCloseable {
    private static final class Holder {
        static final ComputePool SHARED = new ComputePool(Runtime.getRuntime().availableProcessors(), true);
    }

    private final int threads;
    private final ForkJoinPool pool;
    private final boolean shared;

    private ComputePool(int threads, boolean shared) {
        this.threads = threads;
        this.shared = shared;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setDaemon(true);
            t.setName("flashvec-" + t.getPoolIndex());
            return t;
        }, null, false);
    }

    /** A new pool of {@code threads} workers; close it when done. */
    public static ComputePool create(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1 but was " + threads);
        }
        return new ComputePool(threads, false);
    }

    /** The process-wide pool with one worker per available processor (never closed). */
    public static ComputePool shared() {
        return Holder.SHARED;
    }

    /** Number of workers. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task.accept(i)} for every {@code i} in {@code [0, count)} and returns when all are done.
     * The first exception thrown by a task is rethrown here.
     */
    public void parallelFor(int count, IntConsumer task) {
        parallelFor(count, () -> null, (ignored, i) -> task.accept(i));
    }

    /**
     * Like {@link #parallelFor(int, IntConsumer)}, but each participating worker first creates one scratch
     * object with {@code scratch} and passes it to every task it runs, so per-task buffers are allocated
     * once per worker rather than once per task.
     */
    public <S> void parallelFor(int count, Supplier<S> scratch, ObjIntConsumer<S> task) {
        if (count <= 0) {
            return;
        }
        int workers = Math.min(threads, count);
        if (workers == 1 || pool == null) {
            S s = scratch.get();
            for (int i = 0; i < count; i++) {
                task.accept(s, i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        RecursiveAction[] actions = new RecursiveAction[workers];
        for (int w = 0; w < workers; w++) {
            actions[w] = new RecursiveAction() {
                @Override
                protected void compute() {
                    int i = next.getAndIncrement();
                    if (i >= count) {
                        return;
                    }
                    S s = scratch.get();
                    for (; i < count; i = next.getAndIncrement()) {
                        task.accept(s, i);
                    }
                }
            };
        }
        if (ForkJoinTask.inForkJoinPool() && ForkJoinTask.getPool() == pool) {
            ForkJoinTask.invokeAll(actions);
        } else {
            pool.invoke(new RecursiveAction() {
                @Override
                protected void compute() {
                    ForkJoinTask.invokeAll(actions);
                }
            });
        }
    }

    @Override
    public void close() {
        if (!shared && pool != null) {
            pool.shutdown();
        }
    }
}
