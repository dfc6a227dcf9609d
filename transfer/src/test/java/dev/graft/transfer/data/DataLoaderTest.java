package dev.graft.transfer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DataLoaderTest {

    /** Example i has input [i, i + 0.5] and label i % 3; optionally fails on one example, or adds noise. */
    private static final class Numbers implements Dataset {
        final int n;
        final int failAt;
        final boolean noisy;
        final AtomicInteger reads = new AtomicInteger();

        Numbers(int n, int failAt, boolean noisy) {
            this.n = n;
            this.failAt = failAt;
            this.noisy = noisy;
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public int[] sampleShape() {
            return new int[] {2};
        }

        @Override
        public List<String> classNames() {
            return List.of("a", "b", "c");
        }

        @Override
        public long label(int index) {
            return index % 3;
        }

        @Override
        public void copyInput(int index, float[] dst, int offset, RandomGenerator random) {
            reads.incrementAndGet();
            if (index == failAt) {
                throw new IllegalStateException("example " + index + " is broken");
            }
            dst[offset] = index;
            dst[offset + 1] = noisy ? random.nextFloat() : index + 0.5f;
        }
    }

    private static List<Batch> drain(DataLoader loader, int epoch) {
        List<Batch> out = new ArrayList<>();
        try (BatchIterator it = loader.epoch(epoch)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    private static int[] visited(List<Batch> batches) {
        return batches.stream().flatMapToInt(b -> Arrays.stream(b.indices())).toArray();
    }

    @Test
    void batchesInOrderWithShortLastBatch() {
        for (int prefetch : new int[] {0, 1, 3}) {
            DataLoader loader = DataLoader.builder(new Numbers(10, -1, false)).batchSize(4).prefetch(prefetch).build();
            assertEquals(3, loader.batchCount());
            List<Batch> batches = drain(loader, 0);
            assertEquals(3, batches.size());
            assertArrayEquals(new int[] {4, 2}, batches.get(0).inputs().shape());
            assertArrayEquals(new int[] {2, 2}, batches.get(2).inputs().shape());
            assertArrayEquals(new float[] {8, 8.5f, 9, 9.5f}, batches.get(2).inputs().toArray());
            assertArrayEquals(new long[] {2, 0}, batches.get(2).labels().toArray());
            assertArrayEquals(IntStream.range(0, 10).toArray(), visited(batches));
        }
    }

    @Test
    void dropLastLeavesOutTheShortBatch() {
        DataLoader loader = DataLoader.builder(new Numbers(10, -1, false)).batchSize(4).dropLast(true).build();
        assertEquals(2, loader.batchCount());
        assertEquals(8, visited(drain(loader, 0)).length);
    }

    @Test
    void shuffleIsAPermutationThatDependsOnSeedAndEpochOnly() {
        Numbers data = new Numbers(50, -1, true);
        DataLoader a = DataLoader.builder(data).batchSize(7).shuffle(true).seed(11).prefetch(2).build();
        DataLoader b = DataLoader.builder(data).batchSize(7).shuffle(true).seed(11).prefetch(0).build();
        int[] e0 = visited(drain(a, 0));
        assertArrayEquals(IntStream.range(0, 50).toArray(), Arrays.stream(e0).sorted().toArray());
        assertFalse(Arrays.equals(IntStream.range(0, 50).toArray(), e0));
        List<Batch> e1 = drain(a, 1);
        assertFalse(Arrays.equals(e0, visited(e1)), "epochs differ");
        List<Batch> e1Again = drain(b, 1);
        assertArrayEquals(visited(e1), visited(e1Again), "epoch 1 does not depend on epoch 0 having run or on prefetch");
        for (int i = 0; i < e1.size(); i++) {
            assertArrayEquals(e1.get(i).inputs().toArray(), e1Again.get(i).inputs().toArray(), "augmentation randomness");
        }
        DataLoader c = DataLoader.builder(data).batchSize(7).shuffle(true).seed(12).build();
        assertFalse(Arrays.equals(e0, visited(drain(c, 0))));
    }

    @Test
    void datasetFailureIsRethrownNamingTheBatch() {
        for (int prefetch : new int[] {0, 2}) {
            DataLoader loader = DataLoader.builder(new Numbers(10, 5, false)).batchSize(4).prefetch(prefetch).build();
            try (BatchIterator it = loader.epoch(0)) {
                assertEquals(4, it.next().size());
                DataLoaderException e = assertThrows(DataLoaderException.class, it::next);
                assertTrue(e.getMessage().contains("batch 1 of 3 in epoch 0"), e.getMessage());
                assertEquals("example 5 is broken", e.getCause().getMessage());
                assertFalse(it.hasNext());
                assertFalse(it.producerAlive());
            }
        }
    }

    @Test
    void closingEarlyStopsTheProducer() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            Numbers data = new Numbers(10_000, -1, false);
            DataLoader loader = DataLoader.builder(data).batchSize(1).prefetch(2).build();
            BatchIterator it = loader.epoch(0);
            it.next();
            it.close();
            it.close();
            assertFalse(it.producerAlive());
            assertFalse(it.hasNext());
            assertThrows(NoSuchElementException.class, it::next);
            int reads = data.reads.get();
            assertTrue(reads < 10, "the producer ran ahead only as far as the queue allows, read " + reads);
        });
    }

    @Test
    void exhaustedIteratorEndsTheThreadAndRefusesNext() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            DataLoader loader = DataLoader.builder(new Numbers(3, -1, false)).batchSize(2).build();
            BatchIterator it = loader.epoch(0);
            it.next();
            it.next();
            assertFalse(it.hasNext());
            assertFalse(it.producerAlive());
            assertThrows(NoSuchElementException.class, it::next);
        });
    }

    @Test
    void settingsAreChecked() {
        Numbers data = new Numbers(3, -1, false);
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(data).batchSize(0));
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(data).prefetch(-1));
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(data).build().epoch(-1));
        assertThrows(NullPointerException.class, () -> DataLoader.builder(null));
    }

    @Test
    void examplesWithLengthsAreBatchedWithOthersOfSimilarLength() {
        int n = 16 * 8 * 2 + 5;
        int[] lengths = new int[n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            lengths[i] = 1 + r.nextInt(100);
        }
        Dataset sequences = new Dataset() {
            @Override
            public int size() {
                return n;
            }

            @Override
            public int[] sampleShape() {
                return new int[] {1};
            }

            @Override
            public List<String> classNames() {
                return List.of("a");
            }

            @Override
            public long label(int index) {
                return 0;
            }

            @Override
            public void copyInput(int index, float[] dst, int offset, RandomGenerator random) {
                dst[offset] = lengths[index];
            }

            @Override
            public int sequenceLength(int index) {
                return lengths[index];
            }
        };
        DataLoader loader = DataLoader.builder(sequences).batchSize(8).shuffle(true).seed(5).build();
        int[] order = loader.order(0);
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        assertArrayEquals(IntStream.range(0, n).toArray(), sorted, "an epoch still visits every example once");
        assertArrayEquals(order, loader.order(0), "the order is a function of seed and epoch");
        assertFalse(Arrays.equals(order, loader.order(1)));
        int spread = 0;
        for (int b = 0; b + 8 <= n; b += 8) {
            int lo = Integer.MAX_VALUE;
            int hi = 0;
            for (int i = b; i < b + 8; i++) {
                lo = Math.min(lo, lengths[order[i]]);
                hi = Math.max(hi, lengths[order[i]]);
            }
            spread = Math.max(spread, hi - lo);
        }
        // a pool of 16 batches of lengths uniform in 1..100 sorted: a batch spans about 100 / 16
        assertTrue(spread < 30, "largest length range within a batch: " + spread);
        List<Integer> firstOfBatch = new ArrayList<>();
        for (int b = 0; b + 8 <= n; b += 8) {
            firstOfBatch.add(lengths[order[b]]);
        }
        assertFalse(firstOfBatch.stream().sorted().toList().equals(firstOfBatch),
                "batches come in random order, not shortest first: " + firstOfBatch);
    }
}
