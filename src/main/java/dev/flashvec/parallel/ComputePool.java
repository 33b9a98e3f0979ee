package dev.flashvec.parallel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import java.util.function.ObjIntConsumer;
import java.util.function.Supplier;

/**
 * A fixed number of threads that run indexed tasks to completion: the calling thread and {@code threads − 1}
 * workers; the caller decides the size.
 *
 * <p>Tasks are handed out in index order from a shared counter, so a thread that finishes early takes the
 * next task (dynamic load balancing, which matters for causal attention where tasks differ in cost).
 * Results never depend on which thread ran which task: each task writes only its own outputs.
 *
 * <p>Workers spin for {@link #SPIN_NANOS} after their last job before they park, and the caller works rather
 * than waits. A call of a few hundred microseconds (a skinny GEMM, a decode step) otherwise loses much of its
 * time to waking parked threads: with a fork/join pool on this machine kind, two 30 µs tasks took 100 µs,
 * as both ran on whichever worker woke first.
 *
 * <p>One job runs at a time. A caller that finds the pool busy (another thread's job, or a task of this pool
 * calling it again) runs its loop on its own thread instead of waiting: it never blocks, no pattern of nested
 * or concurrent calls can deadlock, and since results never depend on the thread count, only its speed changes.
 */
public final class ComputePool implements AutoCloseable {
    /** How long an idle worker spins for the next job before it parks: about the cost of waking it, twice. */
    static final long SPIN_NANOS = 100_000;

    private static final class Holder {
        static final ComputePool SHARED = new ComputePool(Runtime.getRuntime().availableProcessors(), true);
    }

    /** One {@code parallelFor}: its tasks, the next index to hand out, and who is still working on it. */
    private static final class Job<S> {
        /** Tells jobs apart without keeping the last one (and what its tasks reference) reachable. */
        final long id;
        final int count;
        final Supplier<S> scratch;
        final ObjIntConsumer<S> task;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        /** Workers that joined and have not finished yet. */
        final AtomicInteger running = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        /** Workers still allowed to join: {@code min(threads, count) − 1}, so no worker creates idle scratch. */
        final AtomicInteger seats;

        Job(long id, int count, Supplier<S> scratch, ObjIntConsumer<S> task, int seats) {
            this.id = id;
            this.count = count;
            this.scratch = scratch;
            this.task = task;
            this.caller = Thread.currentThread();
            this.seats = new AtomicInteger(seats);
        }

        /** Runs tasks until none is left; the first failure stops the handing out. */
        void work() {
            int i = next.getAndIncrement();
            if (i >= count) {
                return;
            }
            try {
                S s = scratch.get();
                for (; i < count; i = next.getAndIncrement()) {
                    task.accept(s, i);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
                next.set(count);
            }
        }
    }

    private final int threads;
    private final boolean shared;
    private final Worker[] workers;
    /** True while a job runs; not a reentrant lock, so that a task's nested call sees the pool busy. */
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Job<?> job;
    /** Jobs started so far; written only by the thread that set {@code busy}. */
    private long jobs;
    private volatile boolean closed;

    private ComputePool(int threads, boolean shared) {
        this.threads = threads;
        this.shared = shared;
        this.workers = new Worker[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = new Worker("flashvec-" + (w + 1));
            workers[w].start();
        }
    }

    /** A new pool of {@code threads} threads (the caller and {@code threads − 1} workers); close it when done. */
    public static ComputePool create(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1 but was " + threads);
        }
        return new ComputePool(threads, false);
    }

    /** The process-wide pool with one thread per available processor (never closed). */
    public static ComputePool shared() {
        return Holder.SHARED;
    }

    /** Number of threads that run a job: the caller and the workers. */
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
     * Like {@link #parallelFor(int, IntConsumer)}, but each participating thread first creates one scratch
     * object with {@code scratch} and passes it to every task it runs, so per-task buffers are allocated
     * once per thread rather than once per task.
     */
    public <S> void parallelFor(int count, Supplier<S> scratch, ObjIntConsumer<S> task) {
        if (closed) {
            throw new IllegalStateException("this ComputePool is closed");
        }
        if (count <= 0) {
            return;
        }
        int helpers = Math.min(threads, count) - 1;
        if (helpers == 0 || !busy.compareAndSet(false, true)) {
            S s = scratch.get();
            for (int i = 0; i < count; i++) {
                task.accept(s, i);
            }
            return;
        }
        try {
            Job<S> j = new Job<>(++jobs, count, scratch, task, helpers);
            job = j;
            for (Worker w : workers) {
                LockSupport.unpark(w);
            }
            j.work();
            awaitWorkers(j);
            job = null;
            Throwable failure = j.failure.get();
            if (failure instanceof RuntimeException e) {
                throw e;
            } else if (failure instanceof Error e) {
                throw e;
            } else if (failure != null) {
                throw new IllegalStateException("a task failed", failure);
            }
        } finally {
            busy.set(false);
        }
    }

    /** Waits until every worker that joined {@code j} has finished: its last task is already under way. */
    private static void awaitWorkers(Job<?> j) {
        long start = System.nanoTime();
        while (j.running.get() > 0) {
            if (System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(j, 50_000);
            }
        }
    }

    @Override
    public void close() {
        if (!shared) {
            closed = true;
            for (Worker w : workers) {
                LockSupport.unpark(w);
            }
        }
    }

    /** A daemon thread that joins each job once, spinning between jobs before it parks. */
    private final class Worker extends Thread {
        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        @Override
        public void run() {
            long last = 0;
            long idleSince = System.nanoTime();
            while (!closed) {
                Job<?> j = job;
                if (j != null && j.id != last) {
                    last = j.id;
                    if (j.seats.getAndDecrement() > 0) {
                        // joined before taking any index: the caller, once the indices run out, waits for this
                        j.running.incrementAndGet();
                        try {
                            j.work();
                        } finally {
                            if (j.running.decrementAndGet() == 0) {
                                LockSupport.unpark(j.caller);
                            }
                        }
                    }
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(ComputePool.this);
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}
