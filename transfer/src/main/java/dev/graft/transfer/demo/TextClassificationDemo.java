package dev.graft.transfer.demo;

import dev.graft.nn.layers.Sequential;
import dev.graft.nn.optim.ParamGroup;
import dev.graft.transfer.Heads;
import dev.graft.transfer.data.Dataset;
import dev.graft.transfer.data.SubsetDataset;
import dev.graft.transfer.data.TensorDataset;
import dev.graft.transfer.text.BagOfWords;
import dev.graft.transfer.text.SentenceEncoder;
import dev.graft.transfer.text.TextDataset;
import dev.graft.transfer.train.Evaluation;
import dev.graft.transfer.train.Trainer;
import dev.graft.transfer.train.TrainingListener;
import dev.graft.transfer.train.TrainingSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Few-shot text classification: Debian package short descriptions labelled with their archive
 * section (games, science, sound, graphics, net, math, text, admin, web, fonts; shipped in the jar,
 * made by {@code scripts/text/make_debian_sections.py}). A frozen pretrained sentence encoder
 * embeds every text once; a new linear head is trained on the embeddings of a few labelled texts
 * per class, with the transfer API's {@link Trainer} (the loop {@code FineTuner} trains heads on
 * cached features with). The baseline learns from scratch on the same texts: a bag of words and
 * the same linear head and training, that is, logistic regression. Everything is seeded, and
 * every figure is computed on the spot.
 */
public final class TextClassificationDemo {

    /** Where the shipped data lives on the class path. */
    public static final String RESOURCES = "/dev/graft/transfer/text/";

    /** The head's training, for embeddings and bags of words alike: AdamW, warmup then cosine decay. */
    static final TrainingSettings HEAD = new TrainingSettings(30, 32, 1e-2, 0.1, 0, 0, 0);
    /** The head's learning rate. */
    static final double HEAD_LR = 1e-2;

    /** One line of the result table. */
    public record Row(int perClass, double encoderAccuracy, double encoderSeconds,
                      double baselineAccuracy, double baselineSeconds) {
    }

    /**
     * The whole result.
     *
     * @param classes the class names
     * @param testSize texts in the test set
     * @param embedded texts the encoder embedded (the largest training choice and the test set)
     * @param embedSeconds how long embedding them took
     * @param rows one row per label budget
     */
    public record Result(List<String> classes, int testSize, int embedded, double embedSeconds, List<Row> rows) {
    }

    private final SentenceEncoder encoder;
    private final long seed;

    /**
     * @param encoder the frozen sentence encoder
     * @param seed seed of the label choice and of the heads
     */
    public TextClassificationDemo(SentenceEncoder encoder, long seed) {
        this.encoder = encoder;
        this.seed = seed;
    }

    /**
     * @param split {@code train} (200 descriptions per section) or {@code test} (100 per section)
     * @return the shipped Debian descriptions
     * @throws IOException if the resource is missing or malformed (a broken build)
     */
    public static TextDataset debianSections(String split) throws IOException {
        String name = RESOURCES + "debian-sections-" + split + ".jsonl.gz";
        try (InputStream raw = TextClassificationDemo.class.getResourceAsStream(name)) {
            if (raw == null) {
                throw new IOException("resource " + name + " is missing from the jar (a broken build)");
            }
            return TextDataset.read(new java.util.zip.GZIPInputStream(raw), name, false, "text", "label");
        }
    }

    /**
     * Runs the comparison for each label budget on the given data.
     *
     * @param train the texts labels are chosen from
     * @param test the texts accuracy is measured on (same classes)
     * @param perClassCounts labels per class, e.g. 8, 32, 128
     * @param progress where progress lines go
     */
    public Result run(TextDataset train, TextDataset test, int[] perClassCounts, PrintStream progress) {
        TextDataset testSet = test.withClasses(train.classes());
        int largest = Arrays.stream(perClassCounts).max().orElseThrow();
        int[] pool = train.samplePerClass(largest, seed);
        TextDataset chosen = train.subset(pool);
        long t0 = System.nanoTime();
        TensorDataset chosenFeatures = encoder.embed(chosen);
        TensorDataset testFeatures = encoder.embed(testSet);
        double embedSeconds = (System.nanoTime() - t0) / 1e9;
        int embedded = chosen.size() + testSet.size();
        progress.printf("frozen encoder: %d texts embedded in %.1f s%n", embedded, embedSeconds);

        List<Row> rows = new ArrayList<>();
        for (int perClass : perClassCounts) {
            // the choice is nested, so each smaller budget is a subset of the embedded largest one
            int[] picked = train.samplePerClass(perClass, seed);
            int[] rowsInChosen = new int[picked.length];
            for (int i = 0; i < picked.length; i++) {
                rowsInChosen[i] = Arrays.binarySearch(pool, picked[i]);
            }
            TextDataset labelled = train.subset(picked);
            long start = System.nanoTime();
            double encoderAccuracy = linearHead(new SubsetDataset(chosenFeatures, rowsInChosen), testFeatures);
            double encoderSeconds = (System.nanoTime() - start) / 1e9;

            start = System.nanoTime();
            BagOfWords bag = BagOfWords.fit(labelled.texts());
            double baselineAccuracy = linearHead(bag.dataset(labelled), bag.dataset(testSet));
            double baselineSeconds = (System.nanoTime() - start) / 1e9;
            rows.add(new Row(perClass, encoderAccuracy, encoderSeconds, baselineAccuracy, baselineSeconds));
            progress.printf("%d labels per class: encoder + head %.1f%% (%.2f s), bag of words %.1f%% (%.2f s)%n", perClass,
                    100 * encoderAccuracy, encoderSeconds, 100 * baselineAccuracy, baselineSeconds);
        }
        return new Result(train.classes(), testSet.size(), embedded, embedSeconds, rows);
    }

    /** Trains a new linear head on {@code train}'s features and returns its accuracy on {@code test}. */
    private double linearHead(Dataset train, Dataset test) {
        Sequential head = Heads.linear(train.sampleShape(), train.numClasses(), new Random(seed));
        Trainer.fit(head, List.of(ParamGroup.of(head.parameters()).lr(HEAD_LR)), train, null, HEAD.withSeed(seed), "head", 1,
                TrainingListener.NONE);
        return Evaluation.of(head, test, 256).accuracy();
    }
}
