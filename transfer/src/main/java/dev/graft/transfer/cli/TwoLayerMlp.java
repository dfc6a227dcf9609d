package dev.graft.transfer.cli;

import dev.graft.engine.GradMode;
import dev.graft.engine.Tensor;
import java.util.Arrays;

/**
 * A classifier {@code relu(x W1 + b1) W2 + b2} built from engine tensors alone. Its parameters are
 * leaf tensors that require grad; since tensors are immutable, an SGD step returns a new model.
 *
 * @param w1 first layer weights, {@code [in, hidden]}
 * @param b1 first layer bias, {@code [hidden]}
 * @param w2 second layer weights, {@code [hidden, out]}
 * @param b2 second layer bias, {@code [out]}
 */
record TwoLayerMlp(Tensor w1, Tensor b1, Tensor w2, Tensor b2) {

    /**
     * He-initialised weights (scaled normal), zero biases.
     *
     * @param in input features
     * @param hidden hidden units
     * @param out classes
     * @param seed the random seed
     * @return a fresh model
     */
    static TwoLayerMlp init(int in, int hidden, int out, long seed) {
        try (var ignored = GradMode.noGrad()) {
            return new TwoLayerMlp(
                    Tensor.randn(seed, in, hidden).mul((float) Math.sqrt(2.0 / in)).requiresGrad(true),
                    Tensor.zeros(hidden).requiresGrad(true),
                    Tensor.randn(seed + 1, hidden, out).mul((float) Math.sqrt(2.0 / hidden)).requiresGrad(true),
                    Tensor.zeros(out).requiresGrad(true));
        }
    }

    /** @return class scores (logits), {@code [n, out]}, for inputs {@code [n, in]} */
    Tensor forward(Tensor x) {
        return x.matmul(w1).add(b1).relu().matmul(w2).add(b2);
    }

    /**
     * Mean cross-entropy between the softmax of {@code logits} and one-hot {@code targets}.
     *
     * @return a scalar
     */
    static Tensor crossEntropy(Tensor logits, Tensor targets) {
        return logits.logSoftmax(1).mul(targets).sum().mul(-1f / logits.size(0));
    }

    /**
     * One step of plain stochastic gradient descent, {@code p - lr * grad(p)}, on gradients left by a
     * backward pass through {@link #forward}.
     *
     * @param lr the learning rate
     * @return the updated model, whose parameters are new leaves without gradients
     */
    TwoLayerMlp sgdStep(float lr) {
        try (var ignored = GradMode.noGrad()) {
            return new TwoLayerMlp(step(w1, lr), step(b1, lr), step(w2, lr), step(b2, lr));
        }
    }

    private static Tensor step(Tensor p, float lr) {
        Tensor g = p.grad();
        if (g == null) {
            throw new IllegalStateException("sgdStep: a parameter of shape " + Arrays.toString(p.shape())
                    + " has no gradient; call backward() on the loss first");
        }
        return p.sub(g.mul(lr)).requiresGrad(true);
    }

    /**
     * @param x inputs {@code [n, in]}
     * @param labels the true class of each row
     * @return the fraction of rows whose highest score is the true class
     */
    double accuracy(Tensor x, int[] labels) {
        long[] predicted;
        try (var ignored = GradMode.noGrad()) {
            predicted = forward(x).argmax(1, false).toArray();
        }
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predicted[i] == labels[i]) {
                correct++;
            }
        }
        return (double) correct / labels.length;
    }
}
