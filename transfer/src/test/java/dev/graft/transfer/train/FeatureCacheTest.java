package dev.graft.transfer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.nn.Module;
import dev.graft.nn.layers.Linear;
import dev.graft.transfer.data.Dataset;
import dev.graft.transfer.data.TensorDataset;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class FeatureCacheTest {

    private static TensorDataset data(int n, int features) {
        Random r = new Random(3);
        float[] x = new float[n * features];
        long[] y = new long[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
        }
        return new TensorDataset(x, new int[] {features}, y, List.of("even", "odd"));
    }

    @Test
    void mappedAndHeapCachesHoldTheBackboneOutputs() {
        TensorDataset d = data(37, 6);
        Module backbone = new Linear(6, 4, new Random(1));
        try (FeatureCache heap = FeatureCache.compute(backbone, d, 8, Long.MAX_VALUE, TrainingListener.NONE);
             FeatureCache mapped = FeatureCache.compute(backbone, d, 8, 0, TrainingListener.NONE)) {
            assertTrue(heap.inMemory());
            assertFalse(mapped.inMemory());
            assertArrayEquals(new int[] {4}, mapped.sampleShape());
            float[] expected = backbone.forward(d.batch(range(37)).inputs()).toArray();
            float[] a = new float[4];
            float[] b = new float[4];
            for (int i = 0; i < 37; i++) {
                heap.copyInput(i, a, 0, null);
                mapped.copyInput(i, b, 0, null);
                for (int j = 0; j < 4; j++) {
                    assertEquals(expected[i * 4 + j], a[j], 1e-6f);
                    assertEquals(expected[i * 4 + j], b[j], 1e-6f);
                }
                assertEquals(d.label(i), mapped.label(i));
            }
        }
    }

    @Test
    void refusesAugmentedData() {
        Dataset augmenting = new Dataset() {
            private final TensorDataset inner = data(4, 2);

            public int size() {
                return 4;
            }

            public int[] sampleShape() {
                return new int[] {2};
            }

            public List<String> classNames() {
                return inner.classNames();
            }

            public long label(int index) {
                return inner.label(index);
            }

            public void copyInput(int index, float[] dst, int offset, RandomGenerator random) {
                inner.copyInput(index, dst, offset, random);
            }

            @Override
            public boolean augments() {
                return true;
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeatureCache.compute(new Linear(2, 2, new Random(0)), augmenting, 2, 1 << 20, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("augmentation"), e.getMessage());
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}
