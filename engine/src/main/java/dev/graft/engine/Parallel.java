package dev.graft.engine;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one thread pool every parallel kernel of graft runs on.
 *
 * <p>Its size comes from the system property {@code graft.threads}, else from the number of
 * available processors, and can be changed at run time with {@link #setThreads(int)}. Kernels split
 * work into contiguous index ranges with {@link #forRange}; a range too small to be worth a task
 * runs on the calling thread, so small tensors never pay for a context switch.
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

    private static volatile ForkJoinPool pool = newPool(defaultThreads());

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

    private static ForkJoinPool newPool(int threads) {
        // Numbered here: a worker's pool index is only assigned once it starts running, so at
        // this point every worker would report 0.
        AtomicInteger started = new AtomicInteger();
        return new ForkJoinPool(threads, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("graft-worker-" + started.getAndIncrement());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    /** @return the number of threads kernels may use */
    public static int threads() {
        return pool.getParallelism();
    }

    /**
     * Resizes the shared pool. Work already running finishes on the old pool.
     *
     * @param threads number of worker threads, at least 1
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public static synchronized void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be >= 1, got " + threads);
        }
        if (threads == pool.getParallelism()) {
            return;
        }
        ForkJoinPool old = pool;
        pool = newPool(threads);
        old.shutdown();
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@link #threads()} chunks of at least
     * {@code grain} indices each. Returns when every chunk is done; an exception thrown by any
     * chunk is rethrown here.
     *
     * @param n number of indices
     * @param grain the smallest chunk worth a task of its own (at least 1)
     * @param body the work
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        ForkJoinPool p = pool;
        int chunks = Math.min(p.getParallelism(), Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || ForkJoinTask.inForkJoinPool()) {
            // Nested parallelism would only oversubscribe the same cores.
            body.run(0, n);
            return;
        }
        p.invoke(new Chunks(body, n, chunks, 0, chunks));
    }

    private static final class Chunks extends RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final transient RangeBody body;
        private final int n;
        private final int chunks;
        private final int lo;
        private final int hi;

        Chunks(RangeBody body, int n, int chunks, int lo, int hi) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                long from = (long) n * lo / chunks;
                long to = (long) n * (lo + 1) / chunks;
                body.run((int) from, (int) to);
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Chunks(body, n, chunks, lo, mid), new Chunks(body, n, chunks, mid, hi));
        }
    }
}
