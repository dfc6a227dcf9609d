package dev.graft.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.Conv2dSpec;
import dev.graft.engine.Pool2dSpec;
import dev.graft.engine.Tensor;
import dev.graft.nn.layers.Activation;
import dev.graft.nn.layers.BatchNorm;
import dev.graft.nn.layers.Conv2d;
import dev.graft.nn.layers.Dropout;
import dev.graft.nn.layers.Flatten;
import dev.graft.nn.layers.Linear;
import dev.graft.nn.layers.Pooling;
import dev.graft.nn.layers.Sequential;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LayersTest {

    @Test
    void linearComputesXWTransposePlusB() {
        Linear lin = new Linear(3, 2, true, new Random(1));
        Tensor x = Tensor.randn(2, 4, 3);
        float[] w = lin.weight().value().toArray();
        float[] b = lin.bias().value().toArray();
        float[] xs = x.toArray();
        float[] y = lin.forward(x).toArray();
        for (int r = 0; r < 4; r++) {
            for (int o = 0; o < 2; o++) {
                double s = b[o];
                for (int i = 0; i < 3; i++) {
                    s += (double) xs[r * 3 + i] * w[o * 3 + i];
                }
                assertEquals(s, y[r * 2 + o], 1e-5);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lin.forward(Tensor.ones(4, 5)));
        assertTrue(e.getMessage().contains("Linear(3 -> 2)") && e.getMessage().contains("[4, 5]"), e.getMessage());
    }

    @Test
    void defaultInitialisationHasPyTorchBounds() {
        Linear lin = new Linear(100, 50, true, new Random(2));
        float bound = (float) (1 / Math.sqrt(100));
        for (float v : lin.weight().value().toArray()) {
            assertTrue(Math.abs(v) <= bound + 1e-7f);
        }
        for (float v : lin.bias().value().toArray()) {
            assertTrue(Math.abs(v) <= bound + 1e-7f);
        }
        assertArrayEquals(new Linear(3, 2, true, new Random(7)).weight().value().toArray(),
                new Linear(3, 2, true, new Random(7)).weight().value().toArray(), "same seed, same weights");
    }

    private static Sequential smallCnn(Random r) {
        return new Sequential(new Conv2d(2, 4, 3, Conv2dSpec.of(1, 1, 1, 1), true, r), BatchNorm.batchNorm2d(4),
                Activation.relu(), Pooling.max(Pool2dSpec.of(2, 2, 0)), new Flatten(), new Linear(4 * 2 * 2, 3, true, r));
    }

    @Test
    void sequentialNamesAndShapes() {
        Sequential net = smallCnn(new Random(3));
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "5.weight", "5.bias"),
                List.copyOf(net.namedParameters().keySet()));
        assertEquals(List.of("1.running_mean", "1.running_var"), List.copyOf(net.namedBuffers().keySet()));
        assertArrayEquals(new int[] {5, 3}, net.forward(Tensor.randn(4, 5, 2, 4, 4)).shape());
    }

    @Test
    void batchNormTrainsOnBatchStatisticsAndUpdatesRunningOnes() {
        BatchNorm bn = BatchNorm.batchNorm2d(2);
        Tensor x = Tensor.randn(5, 3, 2, 2, 3).mul(2f).add(1f);
        float[] xs = x.toArray();
        float[] y = bn.forward(x).toArray();
        float[] rm = bn.namedBuffers().get("running_mean").toArray();
        float[] rv = bn.namedBuffers().get("running_var").toArray();
        for (int c = 0; c < 2; c++) {
            double sum = 0;
            double sq = 0;
            int n = 0;
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 6; k++) {
                    double v = xs[(i * 2 + c) * 6 + k];
                    sum += v;
                    sq += v * v;
                    n++;
                }
            }
            double mean = sum / n;
            double var = sq / n - mean * mean;
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 6; k++) {
                    int idx = (i * 2 + c) * 6 + k;
                    assertEquals((xs[idx] - mean) / Math.sqrt(var + 1e-5), y[idx], 1e-4);
                }
            }
            assertEquals(0.1 * mean, rm[c], 1e-5);
            assertEquals(0.9 + 0.1 * var * n / (n - 1), rv[c], 1e-4);
        }
        bn.eval();
        float[] e = bn.forward(x).toArray();
        assertEquals((xs[0] - rm[0]) / Math.sqrt(rv[0] + 1e-5), e[0], 1e-4);
    }

    @Test
    void frozenBatchNormKeepsRunningStatisticsWhileTheModelTrains() {
        Sequential net = smallCnn(new Random(4));
        net.freeze("1");
        BatchNorm bn = (BatchNorm) net.get(1);
        assertTrue(bn.isFrozen());
        assertFalse(bn.usesBatchStatistics());
        net.train();
        float[] before = bn.namedBuffers().get("running_mean").toArray();
        net.forward(Tensor.randn(5, 4, 2, 4, 4)).sum().backward();
        assertArrayEquals(before, bn.namedBuffers().get("running_mean").toArray());
        bn.setFrozenUsesRunningStats(false);
        net.forward(Tensor.randn(6, 4, 2, 4, 4));
        assertFalse(java.util.Arrays.equals(before, bn.namedBuffers().get("running_mean").toArray()));
    }

    @Test
    void freezingBySelectors() {
        Sequential net = smallCnn(new Random(5));
        net.freeze("**.bias");
        assertFalse(net.namedParameters().get("0.bias").trainable());
        assertTrue(net.namedParameters().get("0.weight").trainable());
        net.unfreeze();
        net.freeze("0");
        assertFalse(net.namedParameters().get("0.weight").trainable());
        assertFalse(net.namedParameters().get("0.bias").trainable());
        net.unfreeze();
        net.freezeRegex(java.util.regex.Pattern.compile("[15]\\.weight"));
        assertEquals(4 * 2 * 9 + 4 + 4 + 3, net.trainableParameterCount());
        assertEquals(4 + 16 * 3, net.frozenParameterCount());
        net.freezeAllButLast(1);
        assertEquals(16 * 3 + 3, net.trainableParameterCount());
        assertTrue(net.parameterSummary().contains("5.weight"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.freeze("layer9.*"));
        assertTrue(e.getMessage().contains("layer9.*"), e.getMessage());
    }

    /** Remembers the last tensor that passed through it. */
    private static final class Probe extends Module {
        Tensor seen;

        @Override
        public Tensor forward(Tensor input) {
            seen = input;
            return input;
        }
    }

    @Test
    void aFrozenPrefixRecordsNoBackwardWork() {
        Random r = new Random(6);
        Linear frozen = new Linear(4, 8, true, r);
        Probe probe = new Probe();
        Linear head = new Linear(8, 2, true, r);
        Sequential net = new Sequential(frozen, Activation.relu(), probe, head);
        net.freeze("0");
        net.forward(Tensor.randn(7, 3, 4)).sum().backward();
        assertFalse(probe.seen.requiresGrad(), "the frozen prefix must leave nothing on the tape");
        assertNull(frozen.weight().grad());
        assertNotNull(head.weight().grad());
    }

    @Test
    void dropoutScalesInTrainingAndIsIdentityInEval() {
        Dropout d = new Dropout(0.25f, new Random(8));
        Tensor x = Tensor.ones(100_000);
        float[] y = d.forward(x).toArray();
        int zeros = 0;
        for (float v : y) {
            if (v == 0f) {
                zeros++;
            } else {
                assertEquals(1f / 0.75f, v, 1e-6);
            }
        }
        assertEquals(0.25, zeros / 100_000.0, 0.01);
        d.eval();
        assertArrayEquals(x.toArray(), d.forward(x).toArray());
    }

    @Test
    void stateDictRoundTrip() {
        Sequential a = smallCnn(new Random(10));
        a.forward(Tensor.randn(11, 3, 2, 4, 4));
        Sequential b = smallCnn(new Random(12));
        b.loadStateDict(a.stateDict(), true);
        a.eval();
        b.eval();
        Tensor x = Tensor.randn(13, 2, 2, 4, 4);
        assertArrayEquals(a.forward(x).toArray(), b.forward(x).toArray());
        var bad = new java.util.LinkedHashMap<>(a.stateDict());
        bad.put("5.weight", Tensor.zeros(3, 3));
        bad.remove("0.bias");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(bad, true));
        assertTrue(e.getMessage().contains("missing 0.bias") && e.getMessage().contains("5.weight has shape [3, 3]"), e.getMessage());
    }
}
