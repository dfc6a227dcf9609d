package dev.graft.transfer.train;

import dev.graft.engine.GradMode;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import dev.graft.nn.loss.CrossEntropyLoss;
import dev.graft.transfer.data.Batch;
import dev.graft.transfer.data.BatchIterator;
import dev.graft.transfer.data.DataLoader;
import dev.graft.transfer.data.Dataset;
import java.util.List;

/**
 * A classifier's results on a labelled dataset: loss, accuracy and the confusion matrix.
 *
 * @param classNames class names in index order
 * @param loss mean cross-entropy
 * @param confusion {@code confusion[truth][predicted]} counts
 */
public record Evaluation(List<String> classNames, double loss, long[][] confusion) {

    /**
     * Runs {@code model} in eval mode without the tape over every example of {@code data} and
     * restores the model's previous train/eval mode afterwards.
     *
     * @param model maps a batch of inputs to logits {@code [N, classes]}
     * @param data the examples; its augmentation, if any, is applied with a fixed seed
     * @param batchSize examples per forward pass
     * @return the evaluation
     * @throws IllegalArgumentException if the model's output is not {@code [N, classes]}
     */
    public static Evaluation of(Module model, Dataset data, int batchSize) {
        int k = data.numClasses();
        long[][] confusion = new long[k][k];
        double lossSum = 0;
        boolean wasTraining = model.isTraining();
        model.eval();
        DataLoader loader = DataLoader.builder(data).batchSize(batchSize).shuffle(false).build();
        CrossEntropyLoss ce = new CrossEntropyLoss();
        try (var noGrad = GradMode.noGrad(); BatchIterator it = loader.epoch(0)) {
            while (it.hasNext()) {
                Batch b = it.next();
                Tensor logits = model.forward(b.inputs());
                checkLogits(logits, b.size(), k);
                lossSum += ce.forward(logits, b.labels()).item() * b.size();
                long[] predicted = logits.argmax(1, false).toArray();
                long[] truth = b.labels().toArray();
                for (int i = 0; i < truth.length; i++) {
                    confusion[(int) truth[i]][(int) predicted[i]]++;
                }
            }
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
        return new Evaluation(data.classNames(), data.size() == 0 ? Double.NaN : lossSum / data.size(), confusion);
    }

    static void checkLogits(Tensor logits, int batch, int classes) {
        int[] s = logits.shape();
        if (s.length != 2 || s[0] != batch || s[1] != classes) {
            throw new IllegalArgumentException("the model returned shape " + java.util.Arrays.toString(s)
                    + " for a batch of " + batch + "; a classifier over " + classes + " classes must return ["
                    + batch + ", " + classes + "]");
        }
    }

    /** @return how many examples were evaluated */
    public long count() {
        long n = 0;
        for (long[] row : confusion) {
            for (long c : row) {
                n += c;
            }
        }
        return n;
    }

    /** @return the fraction of examples whose predicted class is the true one */
    public double accuracy() {
        long right = 0;
        for (int i = 0; i < confusion.length; i++) {
            right += confusion[i][i];
        }
        long n = count();
        return n == 0 ? Double.NaN : (double) right / n;
    }

    /**
     * @param c a class index
     * @return the fraction of class {@code c}'s examples predicted as {@code c} (recall)
     */
    public double classAccuracy(int c) {
        long n = 0;
        for (long v : confusion[c]) {
            n += v;
        }
        return n == 0 ? Double.NaN : (double) confusion[c][c] / n;
    }
}
