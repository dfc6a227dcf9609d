package dev.graft.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The thread team behind every parallel kernel: each index once, failures rethrown, nested and
 * concurrent ranges, idle workers parked, resizing.
 */
class ParallelTest {

    private int threads;

    @BeforeEach
    void remember() {
        threads = Parallel.threads();
    }

    @AfterEach
    void restore() {
        Parallel.setThreads(threads);
    }

    private static AtomicIntegerArray cover(int n, int grain) {
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        Parallel.forRange(n, grain, (from, to) -> {
            for (int i = from; i < to; i++) {
                seen.incrementAndGet(i);
            }
        });
        return seen;
    }

    @Test
    void everyIndexRunsExactlyOnce() {
        for (int t = 1; t <= 4; t++) {
            Parallel.setThreads(t);
            for (int n : new int[] {0, 1, 2, 3, 7, 100, 4097}) {
                for (int grain : new int[] {1, 3, 1000}) {
                    AtomicIntegerArray seen = cover(n, grain);
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, seen.get(i), "index " + i + " of " + n + ", grain " + grain + ", " + t + " threads");
                    }
                }
            }
        }
    }

    @Test
    void aFailingChunkIsRethrownAsItself() {
        Parallel.setThreads(3);
        IllegalArgumentException thrown = new IllegalArgumentException("chunk 2 is bad");
        for (int round = 0; round < 20; round++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallel.forRange(30, 1, (from, to) -> {
                if (from >= 20) {
                    throw thrown;
                }
            }));
            assertSame(thrown, e);
            // the team is free again afterwards
            assertEquals(1, cover(9, 1).get(8));
        }
        assertThrows(OutOfMemoryError.class, () -> Parallel.forRange(4, 1, (from, to) -> {
            throw new OutOfMemoryError("simulated");
        }));
    }

    @Test
    void nestedRangesRunOnTheCallingChunk() {
        Parallel.setThreads(2);
        AtomicLong nestedWasNested = new AtomicLong();
        AtomicIntegerArray seen = new AtomicIntegerArray(64);
        Parallel.forRange(8, 1, (from, to) -> {
            assertTrue(Parallel.nested());
            for (int i = from; i < to; i++) {
                int base = i * 8;
                Parallel.forRange(8, 1, (f2, t2) -> {
                    if (Parallel.nested()) {
                        nestedWasNested.incrementAndGet();
                    }
                    for (int j = f2; j < t2; j++) {
                        seen.incrementAndGet(base + j);
                    }
                });
            }
        });
        assertFalse(Parallel.nested());
        for (int i = 0; i < 64; i++) {
            assertEquals(1, seen.get(i));
        }
        assertEquals(8, nestedWasNested.get(), "each nested range ran as one serial call");
    }

    @Test
    void concurrentCallersAllFinishWithEveryIndex() throws Exception {
        Parallel.setThreads(2);
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                results.add(callers.submit(() -> {
                    for (int round = 0; round < 300; round++) {
                        AtomicIntegerArray seen = cover(257, 1);
                        for (int i = 0; i < 257; i++) {
                            if (seen.get(i) != 1) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertTrue(r.get(60, TimeUnit.SECONDS));
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void idleWorkersParkAndResizedTeamsStop() throws Exception {
        Parallel.setThreads(3);
        cover(100, 1);
        // well past the idle spin: no worker may still be burning a core
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(Parallel.IDLE_SPIN_NANOS) + 200);
        List<Thread> workers = workers();
        assertEquals(2, workers.size(), "workers of a 3-thread team: " + workers);
        for (Thread w : workers) {
            assertEquals(Thread.State.WAITING, w.getState(), w.getName() + " is not parked");
        }
        Parallel.setThreads(2);
        for (Thread w : workers) {
            w.join(10_000);
            assertFalse(w.isAlive(), w.getName() + " of the old team still runs");
        }
        assertEquals(1, workers().size());
        assertEquals(1, cover(50, 1).get(49));
    }

    private static List<Thread> workers() {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("graft-worker-") && t.isAlive()) {
                out.add(t);
            }
        }
        return out;
    }
}
