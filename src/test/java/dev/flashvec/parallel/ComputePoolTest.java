package dev.flashvec.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The pool runs every index exactly once, whoever calls it and however its tasks fail or nest. */
class ComputePoolTest {

    @Test
    void everyIndexRunsExactlyOnceWithOneScratchPerParticipatingThread() {
        Random r = new Random(7);
        for (int threads = 1; threads <= 4; threads++) {
            try (ComputePool pool = ComputePool.create(threads)) {
                for (int call = 0; call < 300; call++) {
                    // many calls in a row: workers are caught spinning, parked, and in between
                    int count = r.nextInt(5) == 0 ? r.nextInt(3) : 1 + r.nextInt(100);
                    AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(1, count));
                    AtomicInteger scratches = new AtomicInteger();
                    if (call % 50 == 0) {
                        sleepMillis(1); // let the workers park
                    }
                    pool.parallelFor(count, () -> {
                        scratches.incrementAndGet();
                        return new int[1];
                    }, (s, i) -> {
                        s[0]++;
                        runs.incrementAndGet(i);
                    });
                    for (int i = 0; i < count; i++) {
                        assertEquals(1, runs.get(i), "index " + i + " of " + count + ", " + threads + " threads");
                    }
                    assertTrue(scratches.get() <= Math.min(threads, count),
                            scratches.get() + " scratches for " + count + " tasks on " + threads + " threads");
                }
            }
        }
    }

    @Test
    void aFailingTaskIsRethrownToTheCallerAndThePoolKeepsWorking() {
        try (ComputePool pool = ComputePool.create(3)) {
            IllegalArgumentException boom = new IllegalArgumentException("task 17");
            RuntimeException thrown = assertThrows(RuntimeException.class, () -> pool.parallelFor(40, i -> {
                if (i == 17) {
                    throw boom;
                }
            }));
            assertSame(boom, thrown);
            AtomicInteger sum = new AtomicInteger();
            pool.parallelFor(40, sum::addAndGet);
            assertEquals(40 * 39 / 2, sum.get());
        }
    }

    @Test
    void aTaskMayCallParallelForOnItsOwnPool() {
        try (ComputePool pool = ComputePool.create(2)) {
            AtomicInteger inner = new AtomicInteger();
            pool.parallelFor(8, i -> pool.parallelFor(5, j -> inner.incrementAndGet()));
            assertEquals(40, inner.get());
        }
    }

    @Test
    void concurrentCallersEachGetAllTheirTasksRun() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try (ComputePool pool = ComputePool.create(2)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                results.add(callers.submit(() -> {
                    int total = 0;
                    for (int call = 0; call < 200; call++) {
                        AtomicInteger sum = new AtomicInteger();
                        pool.parallelFor(10, sum::addAndGet);
                        total += sum.get();
                    }
                    return total;
                }));
            }
            for (Future<Integer> f : results) {
                assertEquals(200 * 45, f.get());
            }
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void workersRunTasksToo() {
        try (ComputePool pool = ComputePool.create(2)) {
            ConcurrentHashMap<Thread, Boolean> seen = new ConcurrentHashMap<>();
            // tasks long enough that the worker joins before the caller has run them all
            for (int call = 0; call < 20 && seen.size() < 2; call++) {
                pool.parallelFor(64, i -> {
                    seen.put(Thread.currentThread(), true);
                    sleepMillis(1);
                });
            }
            assertEquals(2, seen.size(), "threads that ran tasks: " + seen.keySet());
        }
    }

    @Test
    void aClosedPoolRefusesWork() {
        ComputePool pool = ComputePool.create(2);
        pool.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.parallelFor(3, i -> { }));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ComputePool.create(0));
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
