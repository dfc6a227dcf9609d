package dev.graft.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.Conv2dSpec;
import dev.graft.engine.Tensor;
import dev.graft.nn.layers.BatchNorm2d;
import dev.graft.nn.layers.Conv2d;
import dev.graft.nn.layers.Dropout;
import dev.graft.nn.layers.Flatten;
import dev.graft.nn.layers.Linear;
import dev.graft.nn.layers.MaxPool2d;
import dev.graft.nn.layers.ReLU;
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
        return new Sequential(new Conv2d(2, 4, 3, Conv2dSpec.of(1, 1, 1, 1), true, r), new BatchNorm2d(4),
                new ReLU(), new MaxPool2d(2, 2, 0), new Flatten(), new Linear(4 * 2 * 2, 3, true, r));
    }

    @Test
    void sequentialNamesAndShapes() {
        Sequential net = smallCnn(new Random(3));
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "5.weight", "5.bias"),
                List.copyOf(net.namedParameters().keySet()));
        assertEquals(List.of("1.running_mean", "1.running_var", "1.num_batches_tracked"), List.copyOf(net.namedBuffers().keySet()));
        assertArrayEquals(new int[] {5, 3}, net.forward(Tensor.randn(4, 5, 2, 4, 4)).shape());
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
    void dropoutIsReproducibleFromItsSeedAndPassesGradientsThroughTheMask() {
        Tensor x = Tensor.randn(20, 1000).requiresGrad(true);
        float[] a = new Dropout(0.5f, 42L).forward(x).toArray();
        assertArrayEquals(a, new Dropout(0.5f, 42L).forward(x).toArray());
        Dropout d = new Dropout(0.5f, 43L);
        Tensor y = d.forward(x);
        y.sum().backward();
        float[] ys = y.toArray();
        float[] g = x.grad().toArray();
        for (int i = 0; i < g.length; i++) {
            assertEquals(ys[i] == 0f ? 0f : 2f, g[i], 1e-6, "gradient is the scaled mask");
        }
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1f, 1L));
    }

    /** Grouped, strided, dilated, padded convolution written out with the torch.nn.Conv2d weight layout. */
    @Test
    void groupedConvolutionMatchesTheDefinition() {
        int n = 2, cin = 4, cout = 6, groups = 2, k = 3, h = 7, w = 6, stride = 2, pad = 1, dil = 2;
        Conv2d conv = new Conv2d(cin, cout, k, stride, pad, dil, groups, true, new Random(21));
        float[] x = Tensor.randn(22, n, cin, h, w).toArray();
        Tensor out = conv.forward(Tensor.of(x, n, cin, h, w));
        int oh = (h + 2 * pad - dil * (k - 1) - 1) / stride + 1;
        int ow = (w + 2 * pad - dil * (k - 1) - 1) / stride + 1;
        assertArrayEquals(new int[] {n, cout, oh, ow}, out.shape());
        float[] wt = conv.weight().value().toArray();
        float[] b = conv.bias().value().toArray();
        float[] y = out.toArray();
        int cinG = cin / groups;
        int coutG = cout / groups;
        for (int bn = 0; bn < n; bn++) {
            for (int o = 0; o < cout; o++) {
                int g = o / coutG;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double s = b[o];
                        for (int c = 0; c < cinG; c++) {
                            for (int p = 0; p < k; p++) {
                                for (int q = 0; q < k; q++) {
                                    int r = i * stride - pad + p * dil;
                                    int col = j * stride - pad + q * dil;
                                    if (r >= 0 && r < h && col >= 0 && col < w) {
                                        s += (double) x[((bn * cin + g * cinG + c) * h + r) * w + col]
                                                * wt[((o * cinG + c) * k + p) * k + q];
                                    }
                                }
                            }
                        }
                        assertEquals(s, y[((bn * cout + o) * oh + i) * ow + j], 1e-4);
                    }
                }
            }
        }
    }

    @Test
    void depthwiseConvolutionAndBadInput() {
        Conv2d dw = new Conv2d(5, 5, 3, 1, 1, 1, 5, false, new Random(23));
        assertArrayEquals(new int[] {5, 1, 3, 3}, dw.weight().shape());
        assertArrayEquals(new int[] {2, 5, 8, 8}, dw.forward(Tensor.ones(2, 5, 8, 8)).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dw.forward(Tensor.ones(2, 3, 8, 8)));
        assertTrue(e.getMessage().contains("Conv2d(5 -> 5") && e.getMessage().contains("[N, 5, H, W]")
                && e.getMessage().contains("[2, 3, 8, 8]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(5, 4, 3, 1, 0, 1, 2, true, new Random(1)));
    }

    @Test
    void initialisersHaveTheirDocumentedSpread() {
        int[] shape = {200, 50, 3, 3};
        double fanIn = 50 * 9;
        double fanOut = 200 * 9;
        assertEquals(Math.sqrt(2 / fanIn), std(Init.kaimingNormal(1L, shape)), 0.02 * Math.sqrt(2 / fanIn));
        assertEquals(Math.sqrt(2 / (fanIn + fanOut)), std(Init.xavierNormal(2L, shape)), 0.02 * Math.sqrt(2 / (fanIn + fanOut)));
        double xavierBound = Math.sqrt(6 / (fanIn + fanOut));
        assertEquals(xavierBound, maxAbs(Init.xavierUniform(3L, shape)), 0.01 * xavierBound);
        assertEquals(xavierBound / Math.sqrt(3), std(Init.xavierUniform(3L, shape)), 0.02 * xavierBound);
        double kaimingBound = Math.sqrt(6 / fanIn);
        assertEquals(kaimingBound, maxAbs(Init.kaimingUniform(4L, 0f, shape)), 0.01 * kaimingBound);
        assertArrayEquals(Init.kaimingUniform(5L, 0f, 4, 4).toArray(), Init.kaimingUniform(5L, 0f, 4, 4).toArray());
        Conv2d conv = new Conv2d(50, 200, 3, new Random(6));
        assertEquals(1 / Math.sqrt(fanIn), maxAbs(conv.weight().value()), 0.01 / Math.sqrt(fanIn),
                "PyTorch's kaiming_uniform(a=sqrt(5)) bound is 1/sqrt(fanIn)");
        assertTrue(maxAbs(conv.bias().value()) <= 1 / Math.sqrt(fanIn));
    }

    private static double std(Tensor t) {
        float[] v = t.toArray();
        double s = 0;
        double sq = 0;
        for (float f : v) {
            s += f;
            sq += (double) f * f;
        }
        double mean = s / v.length;
        return Math.sqrt(sq / v.length - mean * mean);
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (float f : t.toArray()) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
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
