package dev.graft.nn.optim;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import dev.graft.nn.layers.BatchNorm2d;
import dev.graft.nn.layers.Conv2d;
import dev.graft.nn.layers.Linear;
import dev.graft.nn.layers.MaxPool2d;
import java.util.Random;

/**
 * The parity script's models built from graft's layers, with children named as the PyTorch
 * modules' attributes so the state dicts share their names. The initial weights are replaced by
 * PyTorch's before training, so the seed here does not matter.
 */
final class ParityModels {

    private ParityModels() {
    }

    /** conv 3x3 (no bias) -> BatchNorm2d -> ReLU -> maxpool 2 -> flatten -> linear, on [N, 1, 6, 6]. */
    static final class Cnn extends Module {
        private final Conv2d conv = registerModule("conv", new Conv2d(1, 4, 3, 1, 1, 1, 1, false, new Random(1)));
        private final BatchNorm2d bn = registerModule("bn", new BatchNorm2d(4));
        private final MaxPool2d pool = new MaxPool2d(2, 2, 0);
        private final Linear fc = registerModule("fc", new Linear(36, 3, new Random(2)));

        @Override
        public Tensor forward(Tensor x) {
            Tensor h = pool.forward(bn.forward(conv.forward(x)).relu());
            return fc.forward(h.flatten(1));
        }
    }

    /** linear 10 -> 16 -> ReLU -> linear 16 -> 4. */
    static final class Mlp extends Module {
        private final Linear fc1 = registerModule("fc1", new Linear(10, 16, new Random(3)));
        private final Linear fc2 = registerModule("fc2", new Linear(16, 4, new Random(4)));

        @Override
        public Tensor forward(Tensor x) {
            return fc2.forward(fc1.forward(x).relu());
        }
    }
}
