package dev.graft.transfer.text;

import dev.graft.engine.GradMode;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import dev.graft.nn.layers.Linear;
import dev.graft.nn.loss.CrossEntropyLoss;
import dev.graft.nn.optim.Adam;
import dev.graft.nn.optim.AdamW;
import java.util.Random;

/**
 * A new linear head trained on fixed features: multinomial logistic regression, full-batch AdamW
 * on the cross-entropy. The text demo trains it on frozen sentence embeddings and, as the
 * baseline, on bags of words. Training is deterministic for a given seed.
 */
public final class LinearClassifier {

    /**
     * @param steps full-batch optimisation steps
     * @param learningRate AdamW's learning rate
     * @param weightDecay AdamW's decoupled weight decay
     */
    public record Options(int steps, double learningRate, double weightDecay) {

        /** Validates the fields. */
        public Options {
            if (steps < 1 || !(learningRate > 0) || !(weightDecay >= 0)) {
                throw new IllegalArgumentException("LinearClassifier.Options: need steps >= 1, learningRate > 0 and "
                        + "weightDecay >= 0, got " + steps + ", " + learningRate + ", " + weightDecay);
            }
        }
    }

    private final Linear head;

    private LinearClassifier(Linear head) {
        this.head = head;
    }

    /**
     * @param features {@code [n, f]}
     * @param labels the class of each row, in {@code [0, classes)}
     * @param classes the number of classes
     * @param options the optimisation settings
     * @param seed seed of the head's initial weights
     * @return the trained classifier
     * @throws IllegalArgumentException if the shapes or labels do not fit
     */
    public static LinearClassifier fit(Tensor features, long[] labels, int classes, Options options, long seed) {
        if (features.dim() != 2 || features.size(0) != labels.length || labels.length == 0) {
            throw new IllegalArgumentException("LinearClassifier.fit: expected features [n, f] with n = " + labels.length
                    + " labels (n >= 1), got " + java.util.Arrays.toString(features.shape()));
        }
        for (long l : labels) {
            if (l < 0 || l >= classes) {
                throw new IllegalArgumentException("LinearClassifier.fit: label " + l + " is outside [0, " + classes + ")");
            }
        }
        Linear head = new Linear(features.size(1), classes, new Random(seed));
        AdamW optimizer = new AdamW(head, new Adam.Options().lr(options.learningRate()).weightDecay(options.weightDecay()));
        CrossEntropyLoss loss = new CrossEntropyLoss();
        LongTensor y = LongTensor.of(labels, labels.length);
        head.train();
        for (int step = 0; step < options.steps(); step++) {
            optimizer.zeroGrad();
            loss.forward(head.forward(features), y).backward();
            optimizer.step();
        }
        head.eval();
        return new LinearClassifier(head);
    }

    /** @return the trained head, {@code [f] -> [classes]} */
    public Linear head() {
        return head;
    }

    /** @return the most likely class of each row of {@code features} */
    public long[] predict(Tensor features) {
        try (var ignored = GradMode.noGrad()) {
            return head.forward(features).argmax(1, false).toArray();
        }
    }

    /** @return the fraction of rows whose predicted class is the label */
    public double accuracy(Tensor features, long[] labels) {
        long[] p = predict(features);
        if (p.length != labels.length) {
            throw new IllegalArgumentException("accuracy: " + p.length + " rows but " + labels.length + " labels");
        }
        int correct = 0;
        for (int i = 0; i < p.length; i++) {
            correct += p[i] == labels[i] ? 1 : 0;
        }
        return (double) correct / p.length;
    }
}
