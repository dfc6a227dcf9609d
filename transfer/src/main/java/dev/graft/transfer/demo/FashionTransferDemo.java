package dev.graft.transfer.demo;

import dev.graft.nn.Module;
import dev.graft.nn.layers.AvgPool2d;
import dev.graft.nn.layers.BatchNorm2d;
import dev.graft.nn.layers.Conv2d;
import dev.graft.nn.layers.Flatten;
import dev.graft.nn.layers.Linear;
import dev.graft.nn.layers.MaxPool2d;
import dev.graft.nn.layers.ReLU;
import dev.graft.nn.layers.Sequential;
import dev.graft.nn.optim.ParamGroup;
import dev.graft.onnx.OnnxImporter;
import dev.graft.onnx.OnnxModel;
import dev.graft.transfer.FineTuneOptions;
import dev.graft.transfer.FineTuner;
import dev.graft.transfer.TransferModel;
import dev.graft.transfer.data.Dataset;
import dev.graft.transfer.data.FashionMnist;
import dev.graft.transfer.data.StratifiedSplit;
import dev.graft.transfer.data.TensorDataset;
import dev.graft.transfer.train.Evaluation;
import dev.graft.transfer.train.FeatureCache;
import dev.graft.transfer.train.Trainer;
import dev.graft.transfer.train.TrainingListener;
import dev.graft.transfer.train.TrainingSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;

/**
 * The transfer-learning demo: a CNN pretrained on Fashion-MNIST classes 0-4 (shipped as ONNX)
 * becomes a frozen feature extractor for classes 5-9, with a new 5-class head trained on a few
 * labels per class; the same architecture trained from scratch on the same labels is the
 * baseline. Each label budget is drawn several times with different seeds and the accuracies
 * averaged, since a handful of labels per class makes any single draw noisy. Everything is
 * seeded, and every figure is computed on the spot.
 */
public final class FashionTransferDemo {

    private static final String RESOURCES = "/dev/graft/transfer/";
    private static final int EVAL_BATCH = 500;
    private static final int HEAD_EPOCHS = 60;
    private static final int HEAD_BATCH = 16;
    private static final double HEAD_LR = 3e-3;
    private static final int SCRATCH_STEPS = 150;
    private static final int SCRATCH_BATCH = 50;
    private static final double SCRATCH_LR = 2e-3;

    /**
     * One line of the result table: means over the draws, and the worst draw's margin.
     *
     * @param perClass labels per class
     * @param draws how many label draws were averaged
     * @param transferAccuracy mean test accuracy of the transferred model
     * @param transferSeconds mean time to train it (features of the labelled images included)
     * @param scratchAccuracy mean test accuracy of the model trained from scratch
     * @param scratchSeconds mean time to train it
     * @param worstMargin the smallest transfer-minus-scratch accuracy difference over the draws
     */
    public record Row(int perClass, int draws, double transferAccuracy, double transferSeconds,
                      double scratchAccuracy, double scratchSeconds, double worstMargin) {
    }

    /**
     * The whole result.
     *
     * @param testSet which test set was used
     * @param testSize its size
     * @param rows one row per label budget
     * @param exported the fine-tuned model written as ONNX (the last budget's first draw), or null
     */
    public record Result(String testSet, int testSize, List<Row> rows, Path exported) {
    }

    private final byte[] modelBytes;
    private final Properties sidecar;
    private final long seed;

    /**
     * Loads the shipped model and its sidecar.
     *
     * @param seed seed of the label draws, the new heads, the baselines and the batch order
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
     * @param draws label draws per budget, at least 1
     * @param useDebianData use the full Fashion-MNIST from Debian's dataset-fashion-mnist when installed
     * @param export where to write the fine-tuned model of the last budget as ONNX, or null
     * @param progress where progress lines go
     */
    public Result run(int[] perClassCounts, int draws, boolean useDebianData, Path export, PrintStream progress)
            throws IOException {
        if (draws < 1) {
            throw new IllegalArgumentException("draws must be at least 1, got " + draws);
        }
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

        OnnxModel pretrained = OnnxImporter.load(modelBytes);
        TransferModel probe = newTransferModel(pretrained, train, seed);
        long t0 = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        Path exported = null;
        try (FeatureCache testFeatures = FeatureCache.compute(probe.backbone(), test, EVAL_BATCH, Long.MAX_VALUE,
                TrainingListener.NONE)) {
            progress.printf("frozen backbone (cut at '%s'): %s features of %d test images in %.2f s%n",
                    probe.cutTensor(), java.util.Arrays.toString(probe.featureShape()), test.size(),
                    (System.nanoTime() - t0) / 1e9);
            for (int perClass : perClassCounts) {
                double ta = 0;
                double ts = 0;
                double sa = 0;
                double ss = 0;
                double worst = Double.POSITIVE_INFINITY;
                for (int draw = 0; draw < draws; draw++) {
                    long drawSeed = seed + 1000L * draw;
                    Dataset labelled = StratifiedSplit.perClass(train, perClass, drawSeed).train();

                    long start = System.nanoTime();
                    TransferModel model = newTransferModel(pretrained, train, drawSeed);
                    FineTuner.fit(model, labelled, null, headOptions(drawSeed), TrainingListener.NONE);
                    double transferSeconds = (System.nanoTime() - start) / 1e9;
                    double transferAccuracy = Evaluation.of(model.head(), testFeatures, EVAL_BATCH).accuracy();

                    start = System.nanoTime();
                    Module scratch = trainFromScratch(labelled, drawSeed);
                    double scratchSeconds = (System.nanoTime() - start) / 1e9;
                    double scratchAccuracy = Evaluation.of(scratch, test, EVAL_BATCH).accuracy();
                    progress.printf("%d labels per class, draw %d: transfer %.1f%% (%.1f s), from scratch %.1f%% (%.1f s)%n",
                            perClass, draw + 1, 100 * transferAccuracy, transferSeconds, 100 * scratchAccuracy,
                            scratchSeconds);
                    ta += transferAccuracy;
                    ts += transferSeconds;
                    sa += scratchAccuracy;
                    ss += scratchSeconds;
                    worst = Math.min(worst, transferAccuracy - scratchAccuracy);
                    if (export != null && draw == 0 && perClass == perClassCounts[perClassCounts.length - 1]) {
                        model.exportOnnx(export);
                        exported = export;
                    }
                }
                rows.add(new Row(perClass, draws, ta / draws, ts / draws, sa / draws, ss / draws, worst));
            }
        }
        return new Result(testSet, test.size(), rows, exported);
    }

    private TransferModel newTransferModel(OnnxModel pretrained, Dataset train, long headSeed) {
        return TransferModel.builder(pretrained).classes(train.classNames()).seed(headSeed).build();
    }

    private static FineTuneOptions headOptions(long seed) {
        // Head only: fine-tuning the backbone too was measured to lose accuracy with 10 labels per class.
        return new FineTuneOptions().headEpochs(HEAD_EPOCHS).batchSize(HEAD_BATCH).headLr(HEAD_LR).seed(seed);
    }

    /**
     * The backbone's architecture with fresh weights (conv-BN-ReLU blocks, 3x3 average-pooling
     * grid, linear), trained with Adam-style steps for a fixed step budget.
     */
    private static Module trainFromScratch(Dataset labelled, long seed) {
        Random r = new Random(seed + 1);
        Sequential model = new Sequential(
                new Conv2d(1, 16, 3, 1, 1, 1, 1, true, r), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2, 2, 0),
                new Conv2d(16, 32, 3, 1, 1, 1, 1, true, r), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2, 2, 0),
                new Conv2d(32, 64, 3, 1, 1, 1, 1, true, r), new BatchNorm2d(64), new ReLU(),
                new AvgPool2d(3, 2, 0), new Flatten(), new Linear(64 * 3 * 3, labelled.numClasses(), r));
        int stepsPerEpoch = (labelled.size() + SCRATCH_BATCH - 1) / SCRATCH_BATCH;
        int epochs = Math.max(1, SCRATCH_STEPS / stepsPerEpoch);
        TrainingSettings settings = new TrainingSettings(epochs, SCRATCH_BATCH, 0, 0, 0, 0, seed + 2);
        Trainer.fit(model, List.of(ParamGroup.of(model.parameters()).lr(SCRATCH_LR)), labelled, null, settings,
                "scratch", 1, TrainingListener.NONE);
        return model;
    }
}
