package dev.graft.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.graft.engine.GradMode;
import dev.graft.engine.Tensor;
import dev.graft.onnx.proto.Dim;
import dev.graft.onnx.proto.ModelReader;
import dev.graft.onnx.proto.TensorDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * torchvision's classification models, exported by {@code scripts/onnx/export_torchvision.py} with
 * seeded random weights and calibrated BatchNorm statistics, must give PyTorch's logits at batch 1
 * and at batch 3 from the same file (the batch axis is symbolic).
 *
 * <p>The files are generated, not committed (about 270 MB): {@code ./run-tests} installs the Debian
 * packages and runs the script before Maven, into {@code build/torchvision} under the repository.
 * Surefire passes that folder as the system property {@value #DIR_PROPERTY} (set in
 * {@code onnx-import/pom.xml}; override with {@code -Dgraft.torchvision.dir=DIR}). When a model's
 * files are missing its test fails, naming the script and the packages: it never passes without
 * running the model.
 *
 * <p>Tolerance: {@code max |graft - torch| <= 1e-4 * max(1, max |torch|)} over each output. The
 * logits are compared as one vector because float32 sums of thousands of terms taken in a different
 * order (graft's blocked GEMM against oneDNN) leave errors proportional to the size of the
 * activations, alike on every logit: a per-element relative bound would be meaningless for logits
 * near zero, and the floor of 1 keeps the bound absolute for small logits. The script scales the
 * classifier so the logits have unit standard deviation, so the bound is about 1e-4 of their range
 * and far below the gap between any two images' logits, which this test checks too.
 */
class TorchvisionModelsTest {

    /** The system property naming the folder the export script wrote. */
    static final String DIR_PROPERTY = "graft.torchvision.dir";

    /** The models the script exports by default; each is one test. */
    static final List<String> MODELS = List.of("resnet18", "resnet50", "mobilenet_v2", "mobilenet_v3_small",
            "mobilenet_v3_large", "efficientnet_b0", "squeezenet1_1", "densenet121", "shufflenet_v2_x1_0",
            "regnet_y_400mf");

    private static final double TOLERANCE = 1e-4;
    private static final int[] BATCHES = {1, 3};
    private static final int TIMED_RUNS = 5;
    private static final Pattern TORCH_MS = Pattern.compile("\"torch_ms_batch1\"\\s*:\\s*([0-9.eE+-]+)");
    private static final List<String> TABLE = Collections.synchronizedList(new ArrayList<>());

    static List<String> models() {
        return MODELS;
    }

    private static Path folder() {
        return Path.of(System.getProperty(DIR_PROPERTY, "../build/torchvision")).toAbsolutePath().normalize();
    }

    private static String missing(Path what) {
        return what + " is missing. The torchvision models are generated, not committed: run ./run-tests, or by "
                + "hand /usr/bin/python3 scripts/onnx/export_torchvision.py from the repository root (it needs the "
                + "Debian packages python3-torch python3-torchvision python3-onnx: apt-get install -y python3-torch "
                + "python3-torchvision python3-onnx); the test reads the folder named by -D" + DIR_PROPERTY;
    }

    private static Tensor read(Path p) throws IOException {
        if (!Files.isRegularFile(p)) {
            fail(missing(p));
        }
        return TensorDecoder.decode(ModelReader.readTensor(Files.readAllBytes(p)), null).floatTensor();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void matchesPyTorchAtTwoBatchSizes(String name) throws IOException {
        Path dir = folder().resolve(name);
        Path file = dir.resolve("model.onnx");
        if (!Files.isRegularFile(file)) {
            fail(missing(file));
        }
        OnnxModel model = OnnxImporter.load(file);
        model.eval();
        Dim batchDim = model.inputs().get(0).dims().get(0);
        assertFalse(batchDim.isFixed(), name + ": the input's batch dimension should be symbolic, is " + batchDim);

        StringBuilder errors = new StringBuilder();
        for (int set = 0; set < BATCHES.length; set++) {
            Path data = dir.resolve("test_data_set_" + set);
            Tensor x = read(data.resolve("input_0.pb"));
            Tensor expected = read(data.resolve("output_0.pb"));
            assertEquals(BATCHES[set], x.shape()[0], name + ": batch size of " + data);
            Tensor got;
            try (var ignored = GradMode.noGrad()) {
                got = model.forward(x);
            }
            assertArrayEquals(expected.shape(), got.shape(), name + ": output shape at batch " + BATCHES[set]);
            float[] e = expected.toArray();
            float[] g = got.toArray();
            double scale = 0;
            double worst = 0;
            for (int i = 0; i < e.length; i++) {
                scale = Math.max(scale, Math.abs(e[i]));
                double d = Math.abs((double) g[i] - e[i]);
                worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
            }
            double bound = TOLERANCE * Math.max(1, scale);
            assertTrue(worst <= bound, String.format(Locale.ROOT,
                    "%s at batch %d: max |graft - torch| = %.3g exceeds %.3g (1e-4 * max(1, max |torch| = %.3g))",
                    name, BATCHES[set], worst, bound, scale));
            if (BATCHES[set] > 1) {
                assertImageDependent(name, e, expected.shape()[1], bound);
            }
            errors.append(String.format(Locale.ROOT, " %9.2e", worst / Math.max(1, scale)));
        }
        TABLE.add(String.format(Locale.ROOT, "%-20s %9.1f %9.1f %s", name, graftMillis(model, dir), torchMillis(dir), errors));
    }

    /** The reference must tell images apart by far more than the tolerance, or matching it proves little. */
    private static void assertImageDependent(String name, float[] e, int classes, double bound) {
        double between = 0;
        for (int k = 0; k < classes; k++) {
            between = Math.max(between, Math.abs(e[classes + k] - e[k]));
        }
        assertTrue(between > 100 * bound, name + ": the reference logits of two images differ by only " + between
                + "; regenerate the files with scripts/onnx/export_torchvision.py");
    }

    /** Best of a few batch-1 forward passes (the correctness runs above warmed the JIT up). */
    private static double graftMillis(OnnxModel model, Path dir) throws IOException {
        Tensor x = read(dir.resolve("test_data_set_0").resolve("input_0.pb"));
        double best = Double.POSITIVE_INFINITY;
        for (int r = 0; r < TIMED_RUNS; r++) {
            long start = System.nanoTime();
            try (var ignored = GradMode.noGrad()) {
                model.forward(x);
            }
            best = Math.min(best, (System.nanoTime() - start) / 1e6);
        }
        return best;
    }

    /** PyTorch's batch-1 time as the export script measured it, or NaN when data.json lacks it. */
    private static double torchMillis(Path dir) throws IOException {
        Path json = dir.resolve("data.json");
        if (!Files.isRegularFile(json)) {
            return Double.NaN;
        }
        Matcher m = TORCH_MS.matcher(Files.readString(json));
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @AfterAll
    static void printTable() {
        if (TABLE.isEmpty()) {
            return;
        }
        System.out.println("torchvision models, batch-1 forward (best of " + TIMED_RUNS + "; PyTorch timed by the export "
                + "script, both on a possibly busy machine) and max error / max(1, max |torch|) at batch 1 and 3:");
        System.out.println(String.format(Locale.ROOT, "%-20s %9s %9s %9s %9s", "model", "graft ms", "torch ms", "err b1", "err b3"));
        TABLE.forEach(System.out::println);
    }
}
