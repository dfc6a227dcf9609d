package dev.graft.transfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.graft.transfer.data.FashionMnist;
import dev.graft.transfer.data.TensorDataset;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Runs the command line in-process and writes the small datasets the CLI tests train on. */
final class CliFixtures {

    /** The folder names of the three classes written from the shipped Fashion-MNIST sample (its labels 0, 2, 3). */
    static final List<String> CLASSES = List.of("sandal", "sneaker", "bag");
    private static final int[] SAMPLE_LABELS = {0, 2, 3};

    private CliFixtures() {
    }

    /** What a command line did. */
    record Result(int status, String out, String err) {

        /** @return stdout parsed as one JSON object by an independent parser (Gson), which fails on anything else */
        JsonObject json() {
            var reader = new com.google.gson.stream.JsonReader(new java.io.StringReader(out));
            JsonObject o = JsonParser.parseReader(reader).getAsJsonObject();
            try {
                assertEquals(com.google.gson.stream.JsonToken.END_DOCUMENT, reader.peek(), "stdout after the JSON: " + out);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            return o;
        }

        /** Asserts exit status 0, showing stderr otherwise. */
        Result ok() {
            assertEquals(0, status, () -> "exit " + status + "\nstderr:\n" + err + "\nstdout:\n" + out);
            return this;
        }

        /** Asserts a failure reported as exactly one line on stderr, without a stack trace. */
        Result failedWithOneLine(String command) {
            assertEquals(1, status, () -> "stdout:\n" + out + "\nstderr:\n" + err);
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.startsWith("graft " + command + ": "), err);
            assertFalse(err.contains("Exception") || err.contains("\tat "), err);
            return this;
        }
    }

    static Result run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status;
        try (var o = new PrintStream(out, true, StandardCharsets.UTF_8);
             var e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.run(args, o, e);
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Copies the shipped pretrained CNN (no sidecar beside it) into {@code dir}. */
    static Path shippedModel(Path dir) throws IOException {
        Path file = dir.resolve("fashion-cnn.onnx");
        try (InputStream in = CliFixtures.class.getResourceAsStream("/dev/graft/transfer/fashion-cnn-0to4.onnx")) {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    /**
     * Writes {@code root/train/<class>/*.png} and {@code root/test/<class>/*.png} from the shipped
     * Fashion-MNIST sample (classes sandal, sneaker, bag), plus one file that is not an image under
     * {@code train/bag}.
     */
    static void imageFolder(Path root, int trainPerClass, int testPerClass) throws IOException {
        writeSplit(FashionMnist.sample(FashionMnist.Split.TRAIN), root.resolve("train"), trainPerClass);
        writeSplit(FashionMnist.sample(FashionMnist.Split.TEST), root.resolve("test"), testPerClass);
        Files.writeString(root.resolve("train/bag/broken.png"), "this is not a PNG");
    }

    private static void writeSplit(TensorDataset sample, Path dir, int perClass) throws IOException {
        float[] pixels = new float[28 * 28];
        for (int c = 0; c < CLASSES.size(); c++) {
            Path classDir = Files.createDirectories(dir.resolve(CLASSES.get(c)));
            int written = 0;
            for (int i = 0; i < sample.size() && written < perClass; i++) {
                if (sample.label(i) != SAMPLE_LABELS[c]) {
                    continue;
                }
                sample.copyInput(i, pixels, 0, null);
                BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
                for (int p = 0; p < pixels.length; p++) {
                    img.getRaster().setSample(p % 28, p / 28, 0, Math.round(pixels[p] * 255));
                }
                ImageIO.write(img, "png", classDir.resolve(String.format("%03d.png", i)).toFile());
                written++;
            }
        }
    }
}
