package dev.graft.engine;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The one team of threads every parallel kernel of graft runs on.
 *
 * <p>Its size comes from the system property {@code graft.threads}, else from the number of
 * available processors, and can be changed at run time with {@link #setThreads(int)}. Kernels split
 * work into contiguous index ranges with {@link #forRange}; a range too small to be worth a chunk
 * of its own runs on the calling thread, so small tensors never pay for a hand-over.
 *
 * <p>The calling thread works too: it and the team's {@code threads - 1} workers take chunks until
 * none is left, so a worker that is late to start costs nothing but its share. A worker that has
 * just finished keeps polling for the next range for {@link #IDLE_SPIN_NANOS} before it parks:
 * a model's parallel ops follow one another within a fraction of a millisecond, and waking a
 * parked thread took 170-280 µs per op on the 2-core virtual machine of BENCHMARKS.md (MiniLM's
 * 58 parallel ops per batch lost 10-16 ms of about 700 that way with a {@code ForkJoinPool}).
 *
 * <p>One range runs at a time. A range asked for while another thread's range is running, or
 * from inside a chunk (nested parallelism would only oversubscribe the same cores), runs on the
 * calling thread alone.
 */
public final class Parallel {

    /** A body of work over the half-open index range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        /**
         * Processes indices {@code from} (inclusive) to {@code to} (exclusive).
         *
         * @param from first index
         * @param to one past the last index
         */
        void run(int from, int to);
    }

    /**
     * How long an idle worker polls for the next range before parking. Longer than the gaps
     * between a model's parallel ops (about 0.2 ms on average for MiniLM), short enough that an
     * idle program stops spinning at once.
     */
    static final long IDLE_SPIN_NANOS = 500_000;
    /** How long the calling thread polls for the other chunks to finish before parking. */
    static final long WAIT_SPIN_NANOS = 200_000;

    /** Whether the current thread is a worker, or a caller running a range's chunks. */
    private static final ThreadLocal<boolean[]> INSIDE = ThreadLocal.withInitial(() -> new boolean[1]);

    private static volatile Team team = new Team(defaultThreads());

    private Parallel() {
    }

    private static int defaultThreads() {
        String configured = System.getProperty("graft.threads");
        if (configured == null || configured.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(configured.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the value that was given
        }
        throw new IllegalArgumentException(
                "system property graft.threads must be a whole number >= 1, got '" + configured + "'");
    }

    /** @return the number of threads kernels may use, the calling thread included */
    public static int threads() {
        return team.size;
    }

    /**
     * Resizes the team. A range already running finishes with the old one.
     *
     * @param threads number of threads, at least 1
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public static synchronized void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be >= 1, got " + threads);
        }
        if (threads == team.size) {
            return;
        }
        Team old = team;
        team = new Team(threads);
        old.shutdown();
    }

    /**
     * @return whether the calling thread is running a chunk of a {@link #forRange} (a further
     *     {@code forRange} from it runs serially)
     */
    public static boolean nested() {
        return INSIDE.get()[0];
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@link #threads()} chunks of at least
     * {@code grain} indices each. Returns when every chunk is done; an exception thrown by a chunk
     * is rethrown here (the first one, if several fail), and the chunks not yet started are skipped.
     *
     * @param n number of indices
     * @param grain the smallest chunk worth a thread of its own (at least 1)
     * @param body the work
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        Team t = team;
        int chunks = Math.min(t.size, Math.max(1, n / Math.max(1, grain)));
        boolean[] inside = INSIDE.get();
        if (chunks <= 1 || inside[0] || !t.busy.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        inside[0] = true;
        try {
            t.run(new Range(body, n, chunks));
        } finally {
            inside[0] = false;
            t.busy.set(false);
        }
    }

    /** One call of {@link #forRange}: its chunks, taken one at a time by whichever thread is free. */
    private static final class Range {
        private final RangeBody body;
        private final int n;
        private final int chunks;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile Thread waiter;

        Range(RangeBody body, int n, int chunks) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
        }

        /** Runs chunks until none is left to take. */
        void work() {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                try {
                    if (failure.get() == null) {
                        body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    if (done.incrementAndGet() == chunks) {
                        Thread w = waiter;
                        if (w != null) {
                            LockSupport.unpark(w);
                        }
                    }
                }
            }
        }

        /** Waits, polling and then parked, until every chunk is done; rethrows the first failure. */
        void await() {
            long spinUntil = System.nanoTime() + WAIT_SPIN_NANOS;
            while (done.get() < chunks && System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            }
            if (done.get() < chunks) {
                // Published before the check below: the thread finishing the last chunk either sees it or was seen.
                waiter = Thread.currentThread();
                while (done.get() < chunks) {
                    LockSupport.park(this);
                }
            }
            Throwable f = failure.get();
            if (f instanceof RuntimeException e) {
                throw e;
            }
            if (f instanceof Error e) {
                throw e;
            }
            if (f != null) {
                throw new IllegalStateException("a parallel chunk failed: " + f, f);
            }
        }
    }

    /** The worker threads and the range they are working on. */
    private static final class Team {
        final int size;
        final AtomicBoolean busy = new AtomicBoolean();
        private final Worker[] workers;
        private volatile Range current;
        private volatile boolean stopped;

        Team(int size) {
            this.size = size;
            workers = new Worker[size - 1];
            for (int i = 0; i < workers.length; i++) {
                workers[i] = new Worker(this, "graft-worker-" + i);
                workers[i].start();
            }
        }

        /** Hands {@code r} to the workers, works on it too, and waits for its last chunk. */
        void run(Range r) {
            current = r;
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w);
                }
            }
            try {
                r.work();
                r.await();
            } finally {
                // the range's body (and what it holds) is not kept alive until the next one
                current = null;
            }
        }

        void shutdown() {
            stopped = true;
            for (Worker w : workers) {
                LockSupport.unpark(w);
            }
        }
    }

    private static final class Worker extends Thread {
        private final Team team;
        private volatile boolean parked;

        Worker(Team team, String name) {
            super(name);
            this.team = team;
            setDaemon(true);
        }

        @Override
        public void run() {
            INSIDE.get()[0] = true;
            Range last = null;
            long idleSince = System.nanoTime();
            while (!team.stopped) {
                Range r = team.current;
                if (r != null && r != last) {
                    r.work();
                    last = r;
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < IDLE_SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    // Not kept while parked: it would pin the range's body, and what that holds, until
                    // the next range. Working on a finished range again takes no chunk, so forgetting it is safe.
                    last = null;
                    // Published before the check below: a new range's caller either sees it or was seen.
                    parked = true;
                    if (team.current == null) {
                        LockSupport.park(this);
                    }
                    parked = false;
                }
            }
        }
    }
}
