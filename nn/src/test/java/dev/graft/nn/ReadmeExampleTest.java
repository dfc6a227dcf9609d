package dev.graft.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.Tensor;
import dev.graft.nn.layers.AdaptiveAvgPool2d;
import dev.graft.nn.layers.BatchNorm2d;
import dev.graft.nn.layers.Conv2d;
import dev.graft.nn.layers.Dropout;
import dev.graft.nn.layers.Flatten;
import dev.graft.nn.layers.Linear;
import dev.graft.nn.layers.ReLU;
import dev.graft.nn.layers.Residual;
import dev.graft.nn.layers.Sequential;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The model of nn/README.md, so that the claims made there stay true. */
class ReadmeExampleTest {

    private static Sequential model(Random init) {
        return new Sequential(
                new Conv2d(1, 16, 3, 1, 1, 1, 1, false, init),
                new BatchNorm2d(16), new ReLU(),
                new Conv2d(16, 32, 3, 2, 1, 1, 1, false, init),
                new BatchNorm2d(32), new ReLU(),
                new AdaptiveAvgPool2d(1), new Flatten(),
                new Linear(32, 10, init));
    }

    @Test
    void onlyTheHeadTrainsAndTheSummarySaysSo() {
        Sequential model = model(new Random(42));
        model.freezeAllButLast(1);
        assertEquals(32 * 10 + 10, model.trainableParameterCount());
        assertEquals(16 * 9 + 2 * 16 + 32 * 16 * 9 + 2 * 32, model.summary().frozen());
        model.train();
        Tensor logits = model.forward(Tensor.randn(1, 4, 1, 28, 28));
        assertArrayEquals(new int[] {4, 10}, logits.shape());
        logits.sum().backward();
        assertNotNull(model.getParameter("8.weight").grad());
        assertNull(model.getParameter("0.weight").grad());
        assertEquals(0, ((BatchNorm2d) model.get(1)).numBatchesTracked(), "frozen batch norm keeps its statistics");
        assertArrayEquals(model(new Random(42)).getParameter("3.weight").value().toArray(),
                model.getParameter("3.weight").value().toArray(), "same seed, same model");
    }

    @Test
    void trainAndEvalReachNestedModules() {
        Dropout inner = new Dropout(0.5f, 1L);
        Sequential model = new Sequential(new Linear(3, 3, new Random(2)), new Sequential(inner));
        model.eval();
        assertFalse(inner.isTraining());
        Tensor x = Tensor.randn(3, 2, 3);
        assertArrayEquals(model.get(0).forward(x).toArray(), model.forward(x).toArray());
        model.train();
        assertTrue(inner.isTraining());
    }

    @Test
    void residualWithProjectionShortcut() {
        Random r = new Random(4);
        Sequential body = new Sequential(new Conv2d(3, 8, 3, 2, 1, 1, 1, false, r), new ReLU());
        Conv2d projection = new Conv2d(3, 8, 1, 2, 0, 1, 1, false, r);
        Residual block = new Residual(body, projection);
        Tensor x = Tensor.randn(5, 2, 3, 6, 6);
        assertArrayEquals(body.forward(x).add(projection.forward(x)).toArray(), block.forward(x).toArray());
        assertEquals(java.util.List.of("body.0.weight", "shortcut.weight"), java.util.List.copyOf(block.namedParameters().keySet()));
    }
}
