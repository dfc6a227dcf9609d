package dev.graft.transfer.cli;

import static dev.graft.transfer.cli.CliFixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.graft.nn.layers.AdaptiveAvgPool2d;
import dev.graft.nn.layers.Conv2d;
import dev.graft.nn.layers.Flatten;
import dev.graft.nn.layers.Linear;
import dev.graft.nn.layers.ReLU;
import dev.graft.nn.layers.Sequential;
import dev.graft.onnx.export.OnnxExport;
import dev.graft.transfer.data.FashionMnist;
import dev.graft.transfer.data.Idx;
import dev.graft.transfer.data.IdxArray;
import dev.graft.transfer.data.TensorDataset;
import dev.graft.transfer.report.FontCheck;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FineTuneCommandTest {

    @TempDir
    static Path shared;
    static Path model;
    static Path images;

    @TempDir
    Path dir;

    @BeforeAll
    static void data() throws IOException {
        FontCheck.require();
        model = CliFixtures.shippedModel(shared);
        images = shared.resolve("images");
        CliFixtures.imageFolder(images, 16, 8);
    }

    private static String[] imageRun(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("fine-tune", "--model", model.toString(), "--data",
                images.toString(), "--out", out.toString(), "--mean", "0.3139", "--std", "0.3626", "--lr", "0.01",
                "--seed", "3"));
        args.addAll(List.of(extra));
        return args.toArray(new String[0]);
    }

    @Test
    void jsonReportsTheRunAndEveryFileWritten() throws IOException {
        Path out = dir.resolve("models/classifier.onnx");
        CliFixtures.Result r = run(imageRun(out, "--epochs", "12", "--json")).ok();
        assertEquals("", r.err());
        JsonObject j = r.json();
        assertEquals("fine-tune", j.get("command").getAsString());
        assertEquals("features", j.get("cut").getAsString());
        JsonObject data = j.getAsJsonObject("data");
        assertEquals(List.of("bag", "sandal", "sneaker"), strings(data.get("classes")));
        assertEquals(3 * 16, data.get("train").getAsInt() + data.get("validation").getAsInt());
        assertEquals(3 * 8, data.get("test").getAsInt());
        assertEquals(1, data.getAsJsonArray("skipped").size());
        assertTrue(data.getAsJsonArray("skipped").get(0).getAsJsonObject().get("file").getAsString()
                .endsWith("broken.png"), data.toString());
        assertEquals(12, j.getAsJsonArray("epochs").size());
        assertTrue(j.get("featuresCached").getAsBoolean());
        double testAccuracy = j.get("testAccuracy").getAsDouble();
        // Three classes: chance is a third; the pretrained features separate them far better.
        assertTrue(testAccuracy > 0.6, "test accuracy " + testAccuracy);

        List<String> files = strings(j.get("files"));
        Path sidecar = dir.resolve("models/classifier.graft.json");
        Path curves = dir.resolve("models/classifier.curves.png");
        Path matrixCsv = dir.resolve("models/classifier.confusion.csv");
        Path matrixPng = dir.resolve("models/classifier.confusion.png");
        assertEquals(Set.of(out.toString(), sidecar.toString(), curves.toString(), matrixCsv.toString(),
                matrixPng.toString()), Set.copyOf(files));
        for (String f : files) {
            assertTrue(Files.size(Path.of(f)) > 0, f);
        }
        BufferedImage plot = ImageIO.read(curves.toFile());
        assertEquals(1000, plot.getWidth());
        assertNotNull(ImageIO.read(matrixPng.toFile()));

        List<String> csv = Files.readAllLines(matrixCsv);
        assertEquals(4, csv.size(), csv.toString());
        assertEquals("truth \\ predicted,bag,sandal,sneaker", csv.get(0));
        long total = 0;
        long diagonal = 0;
        for (int t = 1; t < csv.size(); t++) {
            String[] cells = csv.get(t).split(",");
            for (int p = 1; p < cells.length; p++) {
                total += Long.parseLong(cells[p]);
                diagonal += p == t ? Long.parseLong(cells[p]) : 0;
            }
        }
        assertEquals(24, total);
        assertEquals(testAccuracy, (double) diagonal / total, 1e-12);

        JsonObject side = JsonParser.parseString(Files.readString(sidecar)).getAsJsonObject();
        assertEquals(List.of("bag", "sandal", "sneaker"), strings(side.get("classes")));
        assertEquals("image", side.getAsJsonObject("preprocessing").get("kind").getAsString());
        assertEquals(0.3139, side.getAsJsonObject("preprocessing").getAsJsonArray("mean").get(0).getAsDouble(), 1e-7);
    }

    @Test
    void withoutJsonPrintsOnePlainLinePerEpochAndTheSkippedFile() {
        CliFixtures.Result r = run(imageRun(dir.resolve("c.onnx"), "--epochs", "4", "--augment")).ok();
        // Augmented inputs differ each epoch, so the backbone runs on every batch instead of a feature cache.
        assertFalse(r.out().contains("cached"), r.out());
        assertEquals(4, r.out().lines().filter(l -> l.startsWith("epoch ")).count(), r.out());
        assertFalse(r.out().contains("\r"), "a progress bar on a non-terminal stream");
        assertTrue(r.out().contains("skipped 1 unreadable image"), r.out());
        assertTrue(r.out().contains("broken.png"), r.out());
        assertTrue(r.out().matches("(?s).*test accuracy \\d+\\.\\d+% \\(\\d+/24\\).*"), r.out());
        assertTrue(Files.isRegularFile(dir.resolve("c.graft.json")));
    }

    @Test
    void idxFolderWithFineTuningEarlyStoppingAndTheShippedModel() throws IOException {
        Path idx = Files.createDirectories(dir.resolve("idx"));
        writeIdx(FashionMnist.sample(FashionMnist.Split.TRAIN), idx, "train", 12);
        writeIdx(FashionMnist.sample(FashionMnist.Split.TEST), idx, "t10k", 6);
        CliFixtures.Result r = run("fine-tune", "--model", "demo", "--data", idx.toString(), "--out",
                dir.resolve("idx.onnx").toString(), "--classes", "Sandal,Shirt,Sneaker,Bag,Ankle boot", "--epochs", "6",
                "--lr", "0.01", "--fine-tune-epochs", "2", "--unfreeze", "1", "--train-batch-norm", "--patience", "4",
                "--val-fraction", "0.25", "--json").ok();
        JsonObject j = r.json();
        assertEquals("IDX files", j.getAsJsonObject("data").get("kind").getAsString());
        assertEquals(List.of("Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
                strings(j.getAsJsonObject("data").get("classes")));
        assertEquals(30, j.getAsJsonObject("data").get("test").getAsInt());
        List<String> phases = new ArrayList<>();
        j.getAsJsonArray("epochs").forEach(e -> phases.add(e.getAsJsonObject().get("phase").getAsString()));
        assertTrue(phases.contains("head") && phases.contains("fine-tune last 1"), phases.toString());
        // The last layer is a convolution and its batch norm: weight and bias of each.
        assertTrue(j.get("notes").toString().contains("fine-tune last 1: 4 backbone tensors trainable"),
                j.get("notes").toString());
        // The shipped model's own normalisation is used, since no --mean/--std was given.
        JsonObject pre = j.getAsJsonObject("data").getAsJsonObject("preprocessing");
        assertEquals(0.3139, pre.getAsJsonArray("mean").get(0).getAsDouble(), 1e-7);
        assertTrue(j.get("testAccuracy").getAsDouble() > 0.2 + 0.1, j.toString());
    }

    @Test
    void csvTableTrainsAnMlpAndPredictReadsRowsWithAndWithoutLabels() throws IOException {
        Sequential mlp = new Sequential(new Linear(4, 16, new Random(1)), new ReLU(), new Linear(16, 8, new Random(2)),
                new ReLU(), new Linear(8, 2, new Random(3)));
        Path mlpFile = dir.resolve("mlp.onnx");
        OnnxExport.from(mlp, "x", 1, 4).write(mlpFile);
        Path csv = dir.resolve("blobs.csv");
        Path unlabelled = dir.resolve("new.csv");
        writeBlobs(csv, unlabelled, 40);
        CliFixtures.Result r = run("fine-tune", "--model", mlpFile.toString(), "--data", csv.toString(),
                "--label-column", "kind", "--out", dir.resolve("blobs.onnx").toString(), "--epochs", "60", "--lr",
                "0.03", "--val-fraction", "0.2", "--json").ok();
        JsonObject j = r.json();
        assertEquals(List.of("circle", "square", "star"), strings(j.getAsJsonObject("data").get("classes")));
        double validation = j.get("validationAccuracy").getAsDouble();
        assertTrue(validation > 0.8, "validation accuracy " + validation);
        assertTrue(j.get("testAccuracy").isJsonNull());

        JsonObject labelled = run("predict", "--model", dir.resolve("blobs.onnx").toString(), "--input", csv.toString(),
                "--json").ok().json();
        assertEquals(120, labelled.get("count").getAsInt());
        assertEquals(120, labelled.get("labelled").getAsInt());
        assertTrue(labelled.get("accuracy").getAsDouble() > 0.8, labelled.get("accuracy").toString());
        CliFixtures.Result plain = run("predict", "--model", dir.resolve("blobs.onnx").toString(), "--input",
                unlabelled.toString()).ok();
        assertEquals(3, plain.out().lines().filter(l -> l.startsWith("row ")).count(), plain.out());
        assertFalse(plain.out().contains("accuracy"), plain.out());
    }

    @Test
    void failuresAreOneLineWithExitStatusOne() throws IOException {
        String out = dir.resolve("x.onnx").toString();
        run("fine-tune", "--model", dir.resolve("missing.onnx").toString(), "--data", images.toString(), "--out", out)
                .failedWithOneLine("fine-tune");
        CliFixtures.Result noData = run("fine-tune", "--model", model.toString(), "--data",
                dir.resolve("nothing").toString(), "--out", out).failedWithOneLine("fine-tune");
        assertTrue(noData.err().contains("data not found"), noData.err());

        Path empty = dir.resolve("empty");
        Files.createDirectories(empty.resolve("train/dog"));
        Files.createDirectories(empty.resolve("train/cat"));
        Files.copy(images.resolve("train/bag").resolve(firstPng(images.resolve("train/bag"))),
                empty.resolve("train/cat/1.png"));
        CliFixtures.Result emptyClass = run("fine-tune", "--model", model.toString(), "--data", empty.toString(),
                "--out", out).failedWithOneLine("fine-tune");
        assertTrue(emptyClass.err().contains("dog"), emptyClass.err());

        Path headless = dir.resolve("headless.onnx");
        OnnxExport.from(new Sequential(new Conv2d(1, 4, 3, 1, 1, 1, 1, true, new Random(1)), new ReLU(),
                new AdaptiveAvgPool2d(1), new Flatten()), "image", 1, 1, 28, 28).write(headless);
        CliFixtures.Result noCut = run("fine-tune", "--model", headless.toString(), "--data", images.toString(),
                "--out", out).failedWithOneLine("fine-tune");
        assertTrue(noCut.err().contains("no final classifier found"), noCut.err());
        assertFalse(Files.exists(dir.resolve("x.onnx")));
    }

    @Test
    void optionsThatDoNotFitTheDataAreUsageErrors() throws IOException {
        Path csv = dir.resolve("t.csv");
        Files.writeString(csv, "a,label\n1,x\n2,y\n");
        CliFixtures.Result r = run("fine-tune", "--model", model.toString(), "--data", csv.toString(), "--out",
                dir.resolve("o.onnx").toString(), "--augment");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("--augment applies to image folders"), r.err());
    }

    private static String firstPng(Path folder) throws IOException {
        try (var s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+\\.png")).sorted().findFirst()
                    .orElseThrow();
        }
    }

    private static List<String> strings(JsonElement array) {
        List<String> out = new ArrayList<>();
        array.getAsJsonArray().forEach(e -> out.add(e.getAsString()));
        return out;
    }

    /** The first {@code perClass} images of each of the sample's five classes, as gzipped IDX files. */
    private static void writeIdx(TensorDataset sample, Path dir, String prefix, int perClass) throws IOException {
        int[] taken = new int[sample.numClasses()];
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < sample.size(); i++) {
            if (taken[(int) sample.label(i)]++ < perClass) {
                chosen.add(i);
            }
        }
        byte[] pixels = new byte[chosen.size() * 28 * 28];
        byte[] labels = new byte[chosen.size()];
        float[] x = new float[28 * 28];
        for (int k = 0; k < chosen.size(); k++) {
            sample.copyInput(chosen.get(k), x, 0, null);
            for (int p = 0; p < x.length; p++) {
                pixels[k * x.length + p] = (byte) Math.round(x[p] * 255);
            }
            labels[k] = (byte) sample.label(chosen.get(k));
        }
        Idx.write(dir.resolve(prefix + "-images-idx3-ubyte.gz"), IdxArray.unsignedBytes(pixels, chosen.size(), 28, 28),
                true);
        Idx.write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), IdxArray.unsignedBytes(labels, chosen.size()), true);
    }

    /** Three Gaussian blobs in four dimensions, labelled by name; a second file holds three unlabelled rows. */
    private static void writeBlobs(Path labelled, Path unlabelled, int perClass) throws IOException {
        Random random = new Random(11);
        String[] names = {"star", "circle", "square"};
        StringBuilder sb = new StringBuilder("f1,f2,kind,f3,f4\n");
        for (int i = 0; i < perClass; i++) {
            for (int c = 0; c < names.length; c++) {
                double[] v = new double[4];
                for (int d = 0; d < 4; d++) {
                    v[d] = (d == c ? 4 : 0) + random.nextGaussian() * 0.5;
                }
                sb.append(String.format(Locale.ROOT, "%.4f,%.4f,%s,%.4f,%.4f%n", v[0], v[1], names[c], v[2], v[3]));
            }
        }
        Files.writeString(labelled, sb);
        Files.writeString(unlabelled, "f4,f3,f2,f1\n0,0,0,3\n0,0,3,0\n0,3,0,0\n");
    }
}
