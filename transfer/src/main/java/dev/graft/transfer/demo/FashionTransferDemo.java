package dev.graft.transfer.demo;

import dev.graft.engine.GradMode;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import dev.graft.nn.layers.AdaptiveAvgPool2d;
import dev.graft.nn.layers.BatchNorm2d;
import dev.graft.nn.layers.Conv2d;
import dev.graft.nn.layers.Flatten;
import dev.graft.nn.layers.Linear;
import dev.graft.nn.layers.MaxPool2d;
import dev.graft.nn.layers.ReLU;
import dev.graft.nn.layers.Sequential;
import dev.graft.nn.loss.CrossEntropyLoss;
import dev.graft.nn.optim.Adam;
import dev.graft.nn.optim.AdamW;
import dev.graft.onnx.OnnxImporter;
import dev.graft.onnx.OnnxModel;
import dev.graft.transfer.data.Dataset;
import dev.graft.transfer.data.FashionMnist;
import dev.graft.transfer.data.StratifiedSplit;
import dev.graft.transfer.data.TensorDataset;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;

/**
 * The transfer-learning demo: a CNN pretrained on Fashion-MNIST classes 0-4 (shipped as ONNX)
 * becomes a frozen feature extractor for classes 5-9, with a new 5-class head trained on a few
 * labels per class; the same architecture trained from scratch on the same labels is the
 * baseline. Everything is seeded, and every figure is computed on the spot.
 */
public final class FashionTransferDemo {

    private static final String RESOURCES = "/dev/graft/transfer/";
    private static final int EVAL_BATCH = 500;
    private static final int HEAD_STEPS = 300;
    private static final int SCRATCH_STEPS = 150;
    private static final int SCRATCH_BATCH = 50;

    /** One line of the result table. */
    public record Row(int perClass, double transferAccuracy, double transferSeconds,
                      double scratchAccuracy, double scratchSeconds) {
    }

    /** The whole result: which test set was used, and one row per label budget. */
    public record Result(String testSet, int testSize, List<Row> rows) {
    }

    private final byte[] modelBytes;
    private final Properties sidecar;
    private final long seed;

    /**
     * Loads the shipped model and its sidecar.
     *
     * @param seed seed of the label choice, the new head, the baseline and the batch order
     */
    public FashionTransferDemo(long seed) {
        this.seed = seed;
        try {
            this.modelBytes = resource("fashion-cnn-0to4.onnx").readAllBytes();
            this.sidecar = new Properties();
            try (InputStream in = resource("fashion-cnn-0to4.properties")) {
                sidecar.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the demo's model is missing from the jar (a broken build): " + e.getMessage(), e);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = FashionTransferDemo.class.getResourceAsStream(RESOURCES + name);
        if (in == null) {
            throw new IOException("resource " + RESOURCES + name + " not found");
        }
        return in;
    }

    /**
     * Runs the comparison for each label budget.
     *
     * @param perClassCounts labels per class, e.g. 10, 50, 100
     * @param useDebianData use the full Fashion-MNIST from Debian's dataset-fashion-mnist when installed
     * @param progress where progress lines go
     */
    public Result run(int[] perClassCounts, boolean useDebianData, PrintStream progress) throws IOException {
        float mean = Float.parseFloat(sidecar.getProperty("input.mean"));
        float std = Float.parseFloat(sidecar.getProperty("input.std"));
        boolean debian = useDebianData && FashionMnist.debianPackageInstalled();
        TensorDataset train = (debian ? FashionMnist.load(FashionMnist.DEBIAN_DIRECTORY, FashionMnist.Split.TRAIN, 5, 6, 7, 8, 9)
                : FashionMnist.sample(FashionMnist.Split.TRAIN)).normalize(new float[] {mean}, new float[] {std});
        TensorDataset test = (debian ? FashionMnist.load(FashionMnist.DEBIAN_DIRECTORY, FashionMnist.Split.TEST, 5, 6, 7, 8, 9)
                : FashionMnist.sample(FashionMnist.Split.TEST)).normalize(new float[] {mean}, new float[] {std});
        String testSet = debian ? "Fashion-MNIST test set, classes 5-9 (Debian dataset-fashion-mnist)"
                : "shipped sample of the Fashion-MNIST test set, classes 5-9";
        progress.printf("test set: %s, %d images%n", testSet, test.size());

        OnnxModel backbone = OnnxImporter.load(modelBytes).cut(sidecar.getProperty("features.name"));
        backbone.freeze();
        backbone.eval();
        long t0 = System.nanoTime();
        Tensor testFeatures = features(backbone, images(test, all(test.size())));
        LongTensor testLabels = labels(test, all(test.size()));
        double featureSeconds = (System.nanoTime() - t0) / 1e9;
        progress.printf("frozen backbone: %s features of %d test images in %.2f s%n",
                sidecar.getProperty("features.size"), test.size(), featureSeconds);

        List<Row> rows = new ArrayList<>();
        for (int perClass : perClassCounts) {
            int[] chosen = chosen(train, perClass);
            Tensor x = images(train, chosen);
            LongTensor y = labels(train, chosen);

            long start = System.nanoTime();
            Linear head = trainHead(features(backbone, x), y);
            double transferSeconds = (System.nanoTime() - start) / 1e9;
            double transferAccuracy;
            try (var ignored = GradMode.noGrad()) {
                transferAccuracy = accuracy(head.forward(testFeatures), testLabels);
            }

            start = System.nanoTime();
            Module scratch = trainFromScratch(x, y);
            double scratchSeconds = (System.nanoTime() - start) / 1e9;
            double scratchAccuracy = accuracy(evaluate(scratch, images(test, all(test.size()))), testLabels);
            rows.add(new Row(perClass, transferAccuracy, transferSeconds, scratchAccuracy, scratchSeconds));
            progress.printf("%d labels per class: transfer %.1f%% (%.1f s), from scratch %.1f%% (%.1f s)%n", perClass,
                    100 * transferAccuracy, transferSeconds, 100 * scratchAccuracy, scratchSeconds);
        }
        return new Result(testSet, test.size(), rows);
    }

    /** The frozen backbone's outputs, computed once: nothing below the head needs the tape. */
    private static Tensor features(Module backbone, Tensor images) {
        try (var ignored = GradMode.noGrad()) {
            return evaluate(backbone, images);
        }
    }

    private static Tensor evaluate(Module m, Tensor images) {
        m.eval();
        try (var ignored = GradMode.noGrad()) {
            int n = images.size(0);
            List<Tensor> parts = new ArrayList<>();
            for (int from = 0; from < n; from += EVAL_BATCH) {
                parts.add(m.forward(images.slice(0, from, Math.min(n, from + EVAL_BATCH), 1)));
            }
            return parts.size() == 1 ? parts.get(0) : Tensor.concat(0, parts.toArray(new Tensor[0]));
        }
    }

    private Linear trainHead(Tensor features, LongTensor y) {
        Linear head = new Linear(features.size(1), 5, new Random(seed));
        AdamW optimizer = new AdamW(head, new Adam.Options().lr(1e-2).weightDecay(1e-2));
        CrossEntropyLoss loss = new CrossEntropyLoss();
        for (int step = 0; step < HEAD_STEPS; step++) {
            optimizer.zeroGrad();
            loss.forward(head.forward(features), y).backward();
            optimizer.step();
        }
        return head;
    }

    /** The backbone's architecture with fresh weights (conv-BN-ReLU blocks, global pooling, linear). */
    private Module trainFromScratch(Tensor x, LongTensor y) {
        Random r = new Random(seed + 1);
        Sequential model = new Sequential(
                new Conv2d(1, 16, 3, 1, 1, 1, 1, true, r), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2, 2, 0),
                new Conv2d(16, 32, 3, 1, 1, 1, 1, true, r), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2, 2, 0),
                new Conv2d(32, 64, 3, 1, 1, 1, 1, true, r), new BatchNorm2d(64), new ReLU(),
                new AdaptiveAvgPool2d(1), new Flatten(), new Linear(64, 5, r));
        model.train();
        Adam optimizer = new Adam(model, new Adam.Options().lr(2e-3));
        CrossEntropyLoss loss = new CrossEntropyLoss();
        int n = x.size(0);
        Random order = new Random(seed + 2);
        long[] labels = y.toArray();
        for (int step = 0; step < SCRATCH_STEPS; step++) {
            int b = Math.min(SCRATCH_BATCH, n);
            long[] pick = new long[b];
            long[] picked = new long[b];
            for (int i = 0; i < b; i++) {
                pick[i] = order.nextInt(n);
                picked[i] = labels[(int) pick[i]];
            }
            LongTensor idx = LongTensor.of(pick, b);
            optimizer.zeroGrad();
            loss.forward(model.forward(x.indexSelect(0, idx)), LongTensor.of(picked, b)).backward();
            optimizer.step();
        }
        return model;
    }

    private int[] chosen(Dataset train, int perClass) {
        var subset = StratifiedSplit.perClass(train, perClass, seed).train();
        int[] idx = new int[subset.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = subset.sourceIndex(i);
        }
        return idx;
    }

    private static int[] all(int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return idx;
    }

    private static Tensor images(Dataset d, int[] idx) {
        int numel = d.sampleNumel();
        float[] x = new float[idx.length * numel];
        for (int i = 0; i < idx.length; i++) {
            d.copyInput(idx[i], x, i * numel, null);
        }
        int[] shape = new int[d.sampleShape().length + 1];
        shape[0] = idx.length;
        System.arraycopy(d.sampleShape(), 0, shape, 1, d.sampleShape().length);
        return Tensor.of(x, shape);
    }

    private static LongTensor labels(Dataset d, int[] idx) {
        long[] y = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            y[i] = d.label(idx[i]);
        }
        return LongTensor.of(y, idx.length);
    }

    private static double accuracy(Tensor logits, LongTensor labels) {
        long[] predicted = logits.argmax(1, false).toArray();
        long[] truth = labels.toArray();
        int correct = 0;
        for (int i = 0; i < truth.length; i++) {
            correct += predicted[i] == truth[i] ? 1 : 0;
        }
        return (double) correct / truth.length;
    }
}
