package dev.graft.transfer.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The batches of one epoch of a {@link DataLoader}. With prefetching, a daemon thread fills a
 * bounded queue; {@link #close()} stops it, and a dataset failure travels through the queue to
 * the consumer. Waits are in short slices that recheck both sides, so neither side can block
 * forever on a partner that has gone. Use from one thread.
 */
public final class BatchIterator implements Iterator<Batch>, AutoCloseable {

    private static final long POLL_MILLIS = 50;
    private static final long JOIN_MILLIS = 2000;
    private static final Object END = new Object();

    /** A producer failure, carried through the queue in order. */
    private record Failure(int batch, Throwable cause) {
    }

    private final DataLoader loader;
    private final int epoch;
    private final int[] order;
    private final int batches;
    private final BlockingQueue<Object> queue;
    private final Thread producer;
    private volatile boolean closed;
    private int produced;
    private Object next;
    private boolean finished;

    BatchIterator(DataLoader loader, int epoch, int prefetch) {
        this.loader = loader;
        this.epoch = epoch;
        this.order = loader.order(epoch);
        this.batches = loader.batchCount();
        if (prefetch == 0) {
            queue = null;
            producer = null;
        } else {
            queue = new ArrayBlockingQueue<>(prefetch);
            producer = new Thread(this::produce, "graft-data-loader-epoch-" + epoch);
            producer.setDaemon(true);
            producer.start();
        }
    }

    private void produce() {
        Object last = END;
        try {
            for (int b = 0; b < batches && !closed; b++) {
                try {
                    if (!offer(loader.build(order, epoch, b))) {
                        return;
                    }
                } catch (Throwable t) {
                    last = new Failure(b, t);
                    break;
                }
            }
            offer(last);
        } catch (InterruptedException e) {
            // close() interrupts a producer waiting for room; there is nobody left to tell.
        }
    }

    /** Waits for room unless closed; returns whether the item went in. */
    private boolean offer(Object item) throws InterruptedException {
        while (!closed) {
            if (queue.offer(item, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean hasNext() {
        if (closed || finished) {
            return false;
        }
        if (next == null) {
            next = producer == null ? buildHere() : take();
        }
        if (next == END) {
            finished = true;
            next = null;
            close();
            return false;
        }
        if (next instanceof Failure f) {
            next = null;
            close();
            throw failure(f.batch(), f.cause());
        }
        return true;
    }

    private Object buildHere() {
        if (produced == batches) {
            return END;
        }
        try {
            return loader.build(order, epoch, produced);
        } catch (RuntimeException | Error e) {
            return new Failure(produced, e);
        }
    }

    private Object take() {
        try {
            while (true) {
                Object item = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (item != null) {
                    return item;
                }
                if (!producer.isAlive() && queue.isEmpty()) {
                    // The producer always leaves END or a Failure; reaching here means it was killed.
                    return new Failure(produced, new IllegalStateException("the loading thread stopped without finishing"));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new DataLoaderException("DataLoader: interrupted while waiting for batch " + produced + " of epoch " + epoch, e);
        }
    }

    private DataLoaderException failure(int batch, Throwable cause) {
        return new DataLoaderException("DataLoader: building batch " + batch + " of " + batches + " in epoch " + epoch
                + " failed: " + cause, cause);
    }

    /**
     * @return the next batch
     * @throws NoSuchElementException after the last batch or after {@link #close()}
     * @throws DataLoaderException if the dataset failed while building the batch
     */
    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("DataLoader: epoch " + epoch + " has no more batches"
                    + (finished ? "" : " (the iterator was closed)"));
        }
        Batch b = (Batch) next;
        next = null;
        produced++;
        return b;
    }

    /** @return how many batches this epoch yields in total */
    public int batchCount() {
        return batches;
    }

    /** @return whether the background thread is still running (always false without prefetch) */
    boolean producerAlive() {
        return producer != null && producer.isAlive();
    }

    /**
     * Stops the background thread and drops prefetched batches. Idempotent; returns within a
     * bounded time even if the dataset ignores interruption (the thread is a daemon).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        next = null;
        if (producer != null) {
            producer.interrupt();
            queue.clear();
            try {
                producer.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
