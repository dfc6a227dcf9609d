package dev.graft.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchNormTest {

    /** Per-channel mean and biased variance of an [N, C, K] layout, in doubles. */
    private static double[][] stats(float[] x, int n, int c, int k) {
        double[][] out = new double[2][c];
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < k; j++) {
                    sum += x[(i * c + ch) * k + j];
                }
            }
            double mean = sum / (n * k);
            double sq = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < k; j++) {
                    sq += Math.pow(x[(i * c + ch) * k + j] - mean, 2);
                }
            }
            out[0][ch] = mean;
            out[1][ch] = sq / (n * k);
        }
        return out;
    }

    @Test
    void trainingNormalisesWithBatchStatisticsAndUpdatesRunningOnesLikePyTorch() {
        BatchNorm2d bn = new BatchNorm2d(3, 1e-5f, 0.2f, true);
        bn.weight().set(Tensor.of(new float[] {1.5f, -0.5f, 2f}, 3));
        bn.bias().set(Tensor.of(new float[] {0.1f, 0.2f, -0.3f}, 3));
        double[] runMean = {0, 0, 0};
        double[] runVar = {1, 1, 1};
        for (int step = 0; step < 3; step++) {
            float[] x = Tensor.randn(10 + step, 4, 3, 2, 3).mul(2f).add(step).toArray();
            float[] y = bn.forward(Tensor.of(x, 4, 3, 2, 3)).toArray();
            double[][] s = stats(x, 4, 3, 6);
            int count = 4 * 6;
            for (int ch = 0; ch < 3; ch++) {
                double w = bn.weight().value().get(ch);
                double b = bn.bias().value().get(ch);
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 6; j++) {
                        int idx = (i * 3 + ch) * 6 + j;
                        assertEquals((x[idx] - s[0][ch]) / Math.sqrt(s[1][ch] + 1e-5) * w + b, y[idx], 1e-4);
                    }
                }
                runMean[ch] = 0.8 * runMean[ch] + 0.2 * s[0][ch];
                runVar[ch] = 0.8 * runVar[ch] + 0.2 * s[1][ch] * count / (count - 1);
                assertEquals(runMean[ch], bn.runningMean().get(ch), 1e-5);
                assertEquals(runVar[ch], bn.runningVar().get(ch), 1e-4);
            }
            assertEquals(step + 1, bn.numBatchesTracked());
        }
    }

    @Test
    void evalUsesRunningStatisticsAndChangesNothing() {
        BatchNorm1d bn = new BatchNorm1d(2);
        bn.forward(Tensor.randn(1, 8, 2).mul(3f).add(1f));
        bn.eval();
        float[] mean = bn.runningMean().toArray();
        float[] var = bn.runningVar().toArray();
        float[] x = Tensor.randn(2, 5, 2).toArray();
        float[] y = bn.forward(Tensor.of(x, 5, 2)).toArray();
        for (int i = 0; i < 10; i++) {
            assertEquals((x[i] - mean[i % 2]) / Math.sqrt(var[i % 2] + 1e-5), y[i], 1e-5);
        }
        assertArrayEquals(mean, bn.runningMean().toArray());
        assertEquals(1, bn.numBatchesTracked());
    }

    @Test
    void batchNorm1dAcceptsSequencesAndNormalisesOverBatchAndLength() {
        BatchNorm1d bn = new BatchNorm1d(3);
        float[] x = Tensor.randn(3, 2, 3, 4).toArray();
        float[] y = bn.forward(Tensor.of(x, 2, 3, 4)).toArray();
        double[][] s = stats(x, 2, 3, 4);
        for (int i = 0; i < 2; i++) {
            for (int ch = 0; ch < 3; ch++) {
                for (int j = 0; j < 4; j++) {
                    int idx = (i * 3 + ch) * 4 + j;
                    assertEquals((x[idx] - s[0][ch]) / Math.sqrt(s[1][ch] + 1e-5), y[idx], 1e-4);
                }
            }
        }
    }

    @Test
    void frozenLayerUsesAndKeepsRunningStatisticsWhileTraining() {
        Sequential net = new Sequential(new Conv2d(2, 4, 3, new Random(4)), new BatchNorm2d(4), new ReLU(),
                new AdaptiveAvgPool2d(1), new Flatten(), new Linear(4, 2, new Random(5)));
        BatchNorm2d bn = (BatchNorm2d) net.get(1);
        bn.forward(Tensor.randn(6, 3, 4, 5, 5));
        float[] mean = bn.runningMean().toArray();
        float[] var = bn.runningVar().toArray();
        net.freeze("1");
        net.train();
        assertTrue(bn.isTraining() && bn.isFrozen());
        assertFalse(bn.usesBatchStatistics(), "frozen batch norm defaults to running statistics (Keras)");
        Tensor x = Tensor.randn(7, 3, 2, 6, 6);
        Tensor hidden = net.get(0).forward(x);
        float[] h = hidden.toArray();
        float[] y = bn.forward(hidden).toArray();
        for (int i = 0; i < h.length; i++) {
            int ch = (i / 16) % 4;
            double w = bn.weight().value().get(ch);
            double b = bn.bias().value().get(ch);
            assertEquals((h[i] - mean[ch]) / Math.sqrt(var[ch] + 1e-5) * w + b, y[i], 1e-4);
        }
        net.forward(x).sum().backward();
        assertArrayEquals(mean, bn.runningMean().toArray());
        assertArrayEquals(var, bn.runningVar().toArray());
        assertEquals(1, bn.numBatchesTracked());
        assertTrue(net.get(0).namedParameters().get("weight").grad() != null, "the conv below still trains");

        bn.setUseRunningStatsWhenFrozen(false);
        assertTrue(bn.usesBatchStatistics());
        net.forward(x);
        assertFalse(Arrays.equals(mean, bn.runningMean().toArray()), "PyTorch behaviour: train mode updates statistics");
    }

    @Test
    void badInputsAreNamed() {
        BatchNorm2d bn = new BatchNorm2d(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.ones(2, 4, 5, 5)));
        assertTrue(e.getMessage().contains("BatchNorm2d(3)") && e.getMessage().contains("[N, 3, H, W]")
                && e.getMessage().contains("[2, 4, 5, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(3).forward(Tensor.ones(1, 3)));
        assertTrue(e.getMessage().contains("more than one value per channel"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(3, 1e-5f, 1.5f, true));
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(0));
    }
}
