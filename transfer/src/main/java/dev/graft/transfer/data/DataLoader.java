package dev.graft.transfer.data;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Turns a {@link Dataset} into mini-batches: optionally shuffled with a seed that is varied per
 * epoch, optionally with the last short batch dropped, and optionally built ahead of time on a
 * background thread ({@link #epoch(int)}).
 *
 * <p>Everything random is a function of (seed, epoch, example): the order of an epoch and the
 * augmentation of each example do not depend on thread timing, the prefetch depth or earlier
 * epochs having been run, so {@code epoch(3)} is the same whether or not epochs 0-2 came first.
 */
public final class DataLoader {

    /** Batches per pool sorted by length when the examples have lengths (see {@link #order}). */
    static final int BUCKET_POOL = 16;

    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final long seed;
    private final int prefetch;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.seed = b.seed;
        this.prefetch = b.prefetch;
    }

    /**
     * @param dataset the examples to batch
     * @return a builder with batch size 32, no shuffling, last batch kept, seed 0, prefetch 2
     */
    public static Builder builder(Dataset dataset) {
        return new Builder(dataset);
    }

    /** @return the dataset being batched */
    public Dataset dataset() {
        return dataset;
    }

    /** @return the largest batch size */
    public int batchSize() {
        return batchSize;
    }

    /** @return how many batches one epoch yields */
    public int batchCount() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /**
     * @param epoch the epoch number, from 0
     * @return the example indices of that epoch in visiting order (a permutation when shuffling)
     */
    public int[] order(int epoch) {
        int[] order = new int[dataset.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom random = new SplittableRandom(mix(seed, epoch));
            StratifiedSplit.shuffle(order, random);
            if (order.length > 0 && dataset.sequenceLength(0) >= 0) {
                bucketByLength(order, random);
            }
        }
        return order;
    }

    /**
     * Reorders a shuffled epoch so that each batch holds examples of similar length: pools of
     * {@value #BUCKET_POOL} batches are sorted by length and cut into batches, and the full batches
     * are shuffled (a short last batch stays last, where {@link #build} expects it). Randomness
     * remains in which examples share a pool and in the batch order.
     */
    private void bucketByLength(int[] order, SplittableRandom random) {
        int pool = BUCKET_POOL * batchSize;
        Integer[] boxed = new Integer[order.length];
        for (int i = 0; i < order.length; i++) {
            boxed[i] = order[i];
        }
        for (int from = 0; from < boxed.length; from += pool) {
            java.util.Arrays.sort(boxed, from, Math.min(boxed.length, from + pool),
                    java.util.Comparator.comparingInt(dataset::sequenceLength));
        }
        int full = boxed.length / batchSize;
        int[] batches = new int[full];
        for (int b = 0; b < full; b++) {
            batches[b] = b;
        }
        StratifiedSplit.shuffle(batches, random);
        int k = 0;
        for (int b : batches) {
            for (int i = 0; i < batchSize; i++) {
                order[k++] = boxed[b * batchSize + i];
            }
        }
        for (int i = full * batchSize; i < boxed.length; i++) {
            order[k++] = boxed[i];
        }
    }

    /**
     * Starts one epoch. With a prefetch depth above zero, a daemon thread builds up to that many
     * batches ahead; close the iterator (try-with-resources) to stop it early. A failure while
     * building a batch is rethrown by {@code next()} as a {@link DataLoaderException}.
     *
     * @param epoch the epoch number, from 0; it selects the shuffle order and the augmentation
     * @return the batches of the epoch
     */
    public BatchIterator epoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("DataLoader.epoch: epoch " + epoch + " is negative");
        }
        return new BatchIterator(this, epoch, prefetch);
    }

    /** Builds batch {@code b} of an epoch whose order is {@code order}. */
    Batch build(int[] order, int epoch, int b) {
        int from = b * batchSize;
        int to = Math.min(order.length, from + batchSize);
        int[] indices = new int[to - from];
        System.arraycopy(order, from, indices, 0, indices.length);
        int numel = dataset.sampleNumel();
        float[] x = new float[Math.multiplyExact(indices.length, numel)];
        long[] y = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            dataset.copyInput(indices[i], x, i * numel, exampleRandom(seed, epoch, indices[i]));
            y[i] = dataset.label(indices[i]);
        }
        int[] shape = dataset.sampleShape();
        int[] batchShape = new int[shape.length + 1];
        batchShape[0] = indices.length;
        System.arraycopy(shape, 0, batchShape, 1, shape.length);
        return new Batch(Tensor.of(x, batchShape), LongTensor.of(y, indices.length), indices);
    }

    /** The augmentation randomness of one example in one epoch. */
    static RandomGenerator exampleRandom(long seed, int epoch, int index) {
        return new SplittableRandom(mix(mix(seed, epoch), index));
    }

    /** Combines a seed with a number into a well-spread 64-bit seed (the SplitMix64 finaliser). */
    static long mix(long seed, long value) {
        long z = seed + 0x9E3779B97F4A7C15L * (value + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Settings of a {@link DataLoader}. */
    public static final class Builder {

        private final Dataset dataset;
        private int batchSize = 32;
        private boolean shuffle;
        private boolean dropLast;
        private long seed;
        private int prefetch = 2;

        private Builder(Dataset dataset) {
            if (dataset == null) {
                throw new NullPointerException("DataLoader: dataset is null");
            }
            this.dataset = dataset;
        }

        /** @param batchSize examples per batch, at least 1 */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("DataLoader: batch size " + batchSize + ", expected at least 1");
            }
            this.batchSize = batchSize;
            return this;
        }

        /** @param shuffle whether each epoch visits the examples in a seeded random order */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** @param dropLast whether a final batch smaller than the batch size is left out */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** @param seed the seed of the shuffle order and of the augmentation */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** @param prefetch batches built ahead on a background thread; 0 builds them on the caller's thread */
        public Builder prefetch(int prefetch) {
            if (prefetch < 0) {
                throw new IllegalArgumentException("DataLoader: prefetch " + prefetch + ", expected 0 or more");
            }
            this.prefetch = prefetch;
            return this;
        }

        /** @return the loader */
        public DataLoader build() {
            return new DataLoader(this);
        }
    }
}
