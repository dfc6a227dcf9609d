package dev.graft.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.Tensor;
import org.junit.jupiter.api.Test;

class PoolingTest {

    /** PyTorch's adaptive average pooling, written out with its bin formula. */
    private static double[] adaptiveAvg(float[] x, int n, int c, int h, int w, int oh, int ow) {
        double[] out = new double[n * c * oh * ow];
        for (int nc = 0; nc < n * c; nc++) {
            for (int i = 0; i < oh; i++) {
                int h0 = (int) Math.floor((double) i * h / oh);
                int h1 = (int) Math.ceil((double) (i + 1) * h / oh);
                for (int j = 0; j < ow; j++) {
                    int w0 = (int) Math.floor((double) j * w / ow);
                    int w1 = (int) Math.ceil((double) (j + 1) * w / ow);
                    double sum = 0;
                    for (int a = h0; a < h1; a++) {
                        for (int b = w0; b < w1; b++) {
                            sum += x[(nc * h + a) * w + b];
                        }
                    }
                    out[(nc * oh + i) * ow + j] = sum / ((h1 - h0) * (w1 - w0));
                }
            }
        }
        return out;
    }

    @Test
    void adaptiveAveragePoolingMatchesPyTorchBins() {
        int[][] cases = {{5, 7, 3, 2}, {4, 6, 2, 3}, {6, 6, 1, 1}, {3, 3, 3, 3}, {2, 5, 4, 4}};
        for (int[] k : cases) {
            float[] x = Tensor.randn(k[0] * 31 + k[1], 2, 3, k[0], k[1]).toArray();
            Tensor in = Tensor.of(x, 2, 3, k[0], k[1]).requiresGrad(true);
            Tensor y = new AdaptiveAvgPool2d(k[2], k[3]).forward(in);
            assertArrayEquals(new int[] {2, 3, k[2], k[3]}, y.shape());
            double[] expected = adaptiveAvg(x, 2, 3, k[0], k[1], k[2], k[3]);
            float[] got = y.toArray();
            for (int i = 0; i < got.length; i++) {
                assertEquals(expected[i], got[i], 1e-5, java.util.Arrays.toString(k) + " at " + i);
            }
            y.sum().backward();
            assertArrayEquals(in.shape(), in.grad().shape());
        }
    }

    @Test
    void maxAndAveragePoolingShapesAndValues() {
        Tensor x = Tensor.arange(16).reshape(1, 1, 4, 4);
        assertArrayEquals(new float[] {5, 7, 13, 15}, new MaxPool2d(2, 2, 0).forward(x).toArray());
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, new AvgPool2d(2, 2, 0).forward(x).toArray());
        assertArrayEquals(new int[] {1, 1, 2, 2}, new AvgPool2d(3, 2, 1).forward(x).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2, 2, 0).forward(Tensor.ones(4, 4)));
        assertTrue(e.getMessage().contains("MaxPool2d") && e.getMessage().contains("[4, 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveAvgPool2d(0));
    }

    @Test
    void flattenKeepsTheBatchDimension() {
        assertArrayEquals(new int[] {2, 60}, new Flatten().forward(Tensor.ones(2, 3, 4, 5)).shape());
    }
}
