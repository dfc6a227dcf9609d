package dev.graft.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.BoolTensor;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import dev.graft.nn.layers.Activation;
import dev.graft.nn.layers.Embedding;
import dev.graft.nn.layers.LayerNorm;
import dev.graft.nn.layers.Linear;
import dev.graft.nn.layers.MultiheadAttention;
import dev.graft.nn.layers.Residual;
import dev.graft.nn.layers.TransformerEncoderLayer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TransformerLayersTest {

    @Test
    void layerNormNormalisesTheLastDimension() {
        LayerNorm ln = new LayerNorm(5, 1e-5f);
        float[] x = Tensor.randn(1, 3, 5).mul(3f).add(2f).toArray();
        float[] y = ln.forward(Tensor.of(x, 3, 5)).toArray();
        for (int r = 0; r < 3; r++) {
            double mean = 0;
            for (int i = 0; i < 5; i++) {
                mean += x[r * 5 + i] / 5.0;
            }
            double var = 0;
            for (int i = 0; i < 5; i++) {
                var += Math.pow(x[r * 5 + i] - mean, 2) / 5.0;
            }
            for (int i = 0; i < 5; i++) {
                assertEquals((x[r * 5 + i] - mean) / Math.sqrt(var + 1e-5), y[r * 5 + i], 1e-4);
            }
        }
    }

    @Test
    void maskedKeysHaveNoInfluence() {
        MultiheadAttention mha = new MultiheadAttention(8, 2, new Random(1));
        Tensor a = Tensor.randn(2, 1, 4, 8);
        float[] changed = a.toArray();
        for (int i = 3 * 8; i < 4 * 8; i++) {
            changed[i] += 5f;
        }
        BoolTensor mask = BoolTensor.of(new boolean[] {false, false, false, true}, 1, 4);
        float[] ya = mha.forward(a, mask).toArray();
        float[] yb = mha.forward(Tensor.of(changed, 1, 4, 8), mask).toArray();
        for (int i = 0; i < 3 * 8; i++) {
            assertEquals(ya[i], yb[i], 1e-5, "unmasked query " + i / 8 + " saw the masked key");
        }
        float[] unmasked = mha.forward(Tensor.of(changed, 1, 4, 8), null).toArray();
        assertTrue(Math.abs(unmasked[0] - ya[0]) > 1e-4, "without the mask the change must show");
        assertThrows(IllegalArgumentException.class, () -> mha.forward(a, BoolTensor.of(new boolean[3], 1, 3)));
    }

    @Test
    void encoderLayerTrainsEndToEnd() {
        for (boolean pre : new boolean[] {false, true}) {
            TransformerEncoderLayer layer = new TransformerEncoderLayer(8, 2, 16, Activation.gelu(), 0.1f, pre, new Random(3));
            Tensor y = layer.forward(Tensor.randn(4, 2, 5, 8));
            assertArrayEquals(new int[] {2, 5, 8}, y.shape());
            y.square().mean().backward();
            for (var e : layer.namedParameters().entrySet()) {
                assertNotNull(e.getValue().grad(), e.getKey() + " got no gradient");
            }
        }
    }

    @Test
    void embeddingLooksUpRows() {
        Embedding emb = new Embedding(10, 3, new Random(5));
        Tensor y = emb.forward(LongTensor.of(new long[] {7, 0, 7}, 3));
        float[] w = emb.weight().value().toArray();
        assertArrayEquals(new float[] {w[21], w[22], w[23]}, java.util.Arrays.copyOfRange(y.toArray(), 0, 3));
        assertArrayEquals(y.toArray(), emb.forward(Tensor.of(new float[] {7, 0, 7}, 3)).toArray());
        y.sum().backward();
        assertEquals(2f, emb.weight().grad().get(7, 0));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> emb.forward(LongTensor.of(new long[] {10}, 1)));
        assertTrue(e.getMessage().contains("10"), e.getMessage());
    }

    @Test
    void residualAddsTheShortcut() {
        Linear body = new Linear(4, 4, false, new Random(6));
        Residual block = new Residual(body);
        Tensor x = Tensor.randn(7, 2, 4);
        assertArrayEquals(body.forward(x).add(x).toArray(), block.forward(x).toArray());
        assertEquals(java.util.List.of("body.weight"), java.util.List.copyOf(block.namedParameters().keySet()));
    }
}
