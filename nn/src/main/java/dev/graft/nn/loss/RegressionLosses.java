package dev.graft.nn.loss;

import dev.graft.engine.Tensor;
import java.util.Arrays;

/** Checks shared by the elementwise regression losses. */
final class RegressionLosses {

    private RegressionLosses() {
    }

    /** PyTorch only warns on broadcasting targets; silently broadcast targets are a classic bug, so we refuse them. */
    static void checkSameShape(String loss, Tensor input, Tensor target) {
        if (!Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException(loss + ": target has shape " + Arrays.toString(target.shape())
                    + ", expected the input's shape " + Arrays.toString(input.shape()));
        }
    }
}
