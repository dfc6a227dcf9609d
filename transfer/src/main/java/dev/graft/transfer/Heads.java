package dev.graft.transfer;

import dev.graft.engine.Shape;
import dev.graft.nn.layers.Dropout;
import dev.graft.nn.layers.Flatten;
import dev.graft.nn.layers.Linear;
import dev.graft.nn.layers.ReLU;
import dev.graft.nn.layers.Sequential;
import java.util.Random;

/** New classifier heads for a backbone's features, with PyTorch's default initialisation. */
public final class Heads {

    private Heads() {
    }

    /**
     * A single linear layer, preceded by a flatten when the features are not vectors.
     *
     * @param featureShape the backbone's output shape without the batch dimension
     * @param classes number of target classes, at least 2
     * @param random the initialisation's randomness
     */
    public static Sequential linear(int[] featureShape, int classes, Random random) {
        Sequential head = flattenIfNeeded(featureShape);
        head.add(new Linear(Shape.numel(featureShape), checkClasses(classes), random));
        return head;
    }

    /**
     * Linear, ReLU, dropout, linear: a small MLP for features a single layer separates poorly.
     *
     * @param featureShape the backbone's output shape without the batch dimension
     * @param hidden the hidden width, at least 1
     * @param dropout dropout probability before the last layer, in [0, 1)
     * @param classes number of target classes, at least 2
     * @param random the initialisation's and the dropout's randomness
     */
    public static Sequential mlp(int[] featureShape, int hidden, double dropout, int classes, Random random) {
        if (hidden < 1) {
            throw new IllegalArgumentException("the hidden width of an MLP head must be at least 1, got " + hidden);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        Sequential head = flattenIfNeeded(featureShape);
        head.add(new Linear(Shape.numel(featureShape), hidden, random));
        head.add(new ReLU());
        if (dropout > 0) {
            head.add(new Dropout((float) dropout, random));
        }
        head.add(new Linear(hidden, checkClasses(classes), random));
        return head;
    }

    private static Sequential flattenIfNeeded(int[] featureShape) {
        if (featureShape.length == 0) {
            throw new IllegalArgumentException("the features are scalars per example; cut the model at a tensor "
                    + "with a feature dimension");
        }
        return featureShape.length == 1 ? new Sequential() : new Sequential(new Flatten());
    }

    private static int checkClasses(int classes) {
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
        return classes;
    }
}
