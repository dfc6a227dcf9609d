package dev.graft.onnx.conformance;

import dev.graft.engine.GradMode;
import dev.graft.engine.Tensor;
import dev.graft.onnx.DataType;
import dev.graft.onnx.NodeInfo;
import dev.graft.onnx.OnnxImporter;
import dev.graft.onnx.OnnxModel;
import dev.graft.onnx.TensorInfo;
import dev.graft.onnx.UnsupportedOnnxException;
import dev.graft.onnx.Value;
import dev.graft.onnx.proto.Half;
import dev.graft.onnx.proto.ModelReader;
import dev.graft.onnx.proto.TensorDecoder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs ONNX backend test cases: every folder holding a {@code model.onnx} and
 * {@code test_data_set_N/input_K.pb, output_K.pb} files, as in the ONNX repository and Debian's
 * {@code libonnx-testdata}. Tolerances come from a {@code data.json} beside the model
 * ({@code rtol}, {@code atol}) when present, else rtol 1e-3 and atol 1e-5 (an output passes where
 * {@code |actual - expected| <= atol + rtol * |expected|}, as numpy's allclose).
 *
 * <p>Prints one line per case and ends with exactly one line {@code N passed, N failed, N skipped}.
 */
public final class OnnxTestRunner {

    /** Default relative tolerance. */
    public static final double RTOL = 1e-3;
    /** Default absolute tolerance. */
    public static final double ATOL = 1e-5;

    private static final Pattern NUMBER = Pattern.compile("\"(rtol|atol)\"\\s*:\\s*([-+0-9.eE]+)");

    private OnnxTestRunner() {
    }

    /**
     * Command line: {@code OnnxTestRunner DIR...}; exits 1 if any case failed.
     *
     * @param args folders holding case folders (searched recursively)
     */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: onnx-test DIR...  (folders containing ONNX backend test cases)");
            System.exit(2);
        }
        List<Path> dirs = new ArrayList<>();
        for (String a : args) {
            dirs.add(Path.of(a));
        }
        Summary s = run(dirs, System.out);
        System.exit(s.failed() > 0 ? 1 : 0);
    }

    /**
     * The counts of one run.
     *
     * @param passed cases whose outputs all matched
     * @param failed cases that loaded but failed
     * @param skipped cases using unsupported operators or features
     * @param results every case, in order
     */
    public record Summary(int passed, int failed, int skipped, List<CaseResult> results) {
        /** @return the closing line */
        public String line() {
            return passed + " passed, " + failed + " failed, " + skipped + " skipped";
        }
    }

    /**
     * Runs every case under the given folders.
     *
     * @param roots folders to search for {@code model.onnx} files
     * @param out where the per-case lines and the summary line go
     * @return the counts
     * @throws IOException if a folder cannot be listed
     */
    public static Summary run(List<Path> roots, PrintStream out) throws IOException {
        List<CaseResult> results = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                throw new IOException("not a folder: " + root);
            }
            List<Path> cases;
            try (Stream<Path> s = Files.walk(root)) {
                cases = s.filter(p -> p.getFileName().toString().equals("model.onnx")).map(Path::getParent).sorted().toList();
            }
            for (Path c : cases) {
                Path rel = root.getParent() == null ? c : root.getParent().relativize(c);
                CaseResult r = runCase(c, rel.toString());
                results.add(r);
                out.println(r.line());
            }
        }
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        for (CaseResult r : results) {
            switch (r.status()) {
                case PASSED -> passed++;
                case FAILED -> failed++;
                case SKIPPED -> skipped++;
                default -> throw new AssertionError(r.status());
            }
        }
        Summary s = new Summary(passed, failed, skipped, results);
        out.println(s.line());
        return s;
    }

    /**
     * Runs one case folder.
     *
     * @param dir the folder holding {@code model.onnx}
     * @param name the name to report
     * @return the outcome
     */
    public static CaseResult runCase(Path dir, String name) {
        OnnxModel model;
        try {
            model = OnnxImporter.load(dir.resolve("model.onnx"));
        } catch (UnsupportedOnnxException e) {
            return new CaseResult(name, CaseResult.Status.SKIPPED, e.getMessage());
        } catch (IOException | RuntimeException | StackOverflowError e) {
            return new CaseResult(name, CaseResult.Status.FAILED, "load: " + e);
        }
        model.eval();
        double[] tol = tolerances(dir);
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> sets = s.filter(p -> p.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
            if (sets.isEmpty()) {
                return new CaseResult(name, CaseResult.Status.FAILED, "no test_data_set_N folders");
            }
            for (Path set : sets) {
                String problem = runSet(model, set, tol[0], tol[1]);
                if (problem != null) {
                    String random = randomDropout(model);
                    return random != null ? new CaseResult(name, CaseResult.Status.SKIPPED, random)
                            : new CaseResult(name, CaseResult.Status.FAILED, set.getFileName() + ": " + problem);
                }
            }
            return new CaseResult(name, CaseResult.Status.PASSED, "");
        } catch (UnsupportedOnnxException e) {
            return new CaseResult(name, CaseResult.Status.SKIPPED, e.getMessage());
        } catch (IOException | RuntimeException | StackOverflowError e) {
            return new CaseResult(name, CaseResult.Status.FAILED, String.valueOf(e));
        }
    }

    /**
     * A Dropout fed {@code training_mode} from the test data draws a random mask, which cannot
     * reproduce the reference's random numbers: such a case is skipped when it does not match.
     *
     * @return why the case is skipped, or null when the model has no such node
     */
    private static String randomDropout(OnnxModel model) {
        List<String> fed = model.inputs().stream().map(TensorInfo::name).toList();
        for (NodeInfo n : model.nodes()) {
            if (n.opType().equals("Dropout") && n.inputs().size() > 2 && fed.contains(n.inputs().get(2))) {
                return "Dropout node '" + n.name() + "' is fed training_mode: its random mask cannot reproduce "
                        + "the reference's random numbers";
            }
        }
        return null;
    }

    private static double[] tolerances(Path dir) {
        double[] tol = {RTOL, ATOL};
        Path json = dir.resolve("data.json");
        if (Files.isRegularFile(json)) {
            try {
                Matcher m = NUMBER.matcher(Files.readString(json));
                while (m.find()) {
                    tol[m.group(1).equals("rtol") ? 0 : 1] = Double.parseDouble(m.group(2));
                }
            } catch (IOException | NumberFormatException e) {
                // an unreadable data.json leaves the defaults, which are the documented fallback
                return new double[] {RTOL, ATOL};
            }
        }
        return tol;
    }

    private static List<Value> readTensors(Path set, String prefix) throws IOException {
        List<Value> out = new ArrayList<>();
        for (int i = 0; ; i++) {
            Path p = set.resolve(prefix + i + ".pb");
            if (!Files.exists(p)) {
                return out;
            }
            out.add(TensorDecoder.decode(ModelReader.readTensor(Files.readAllBytes(p)), null));
        }
    }

    private static String runSet(OnnxModel model, Path set, double rtol, double atol) throws IOException {
        List<Value> inputs = readTensors(set, "input_");
        List<Value> expected = readTensors(set, "output_");
        List<TensorInfo> declared = model.inputs();
        if (inputs.size() != declared.size()) {
            return inputs.size() + " input files for " + declared.size() + " model inputs";
        }
        Map<String, Value> feed = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            feed.put(declared.get(i).name(), bfloat16Bits(inputs.get(i), declared.get(i).type()));
        }
        Map<String, Value> actual;
        try (var ignored = GradMode.noGrad()) {
            actual = model.run(feed);
        }
        List<Value> got = new ArrayList<>(actual.values());
        if (got.size() < expected.size()) {
            return "model produced " + got.size() + " outputs, expected " + expected.size();
        }
        for (int i = 0; i < expected.size(); i++) {
            DataType type = i < model.declaredOutputs().size() ? model.declaredOutputs().get(i).type() : null;
            String problem = compare(got.get(i), bfloat16Bits(expected.get(i), type), rtol, atol);
            if (problem != null) {
                return "output " + i + " (" + model.outputNames().get(i) + "): " + problem;
            }
        }
        return null;
    }

    /**
     * The backend test data stores bfloat16 tensors as uint16 bit patterns (numpy has no
     * bfloat16); reinterpret them when the model declares bfloat16.
     */
    private static Value bfloat16Bits(Value v, DataType declared) {
        if (declared != DataType.BFLOAT16 || v.type() != DataType.UINT16) {
            return v;
        }
        long[] bits = v.toLongArray();
        float[] f = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            f[i] = Half.bfloat16ToFloat((int) bits[i]);
        }
        return Value.of(Tensor.of(f, v.shape()), DataType.BFLOAT16);
    }

    /** @return null when {@code actual} matches {@code expected}, else a description of the worst mismatch */
    static String compare(Value actual, Value expected, double rtol, double atol) {
        if (!Arrays.equals(actual.shape(), expected.shape())) {
            return "shape " + Arrays.toString(actual.shape()) + ", expected " + Arrays.toString(expected.shape());
        }
        if (actual.kind() != expected.kind()) {
            return "type " + actual.type() + ", expected " + expected.type();
        }
        double[] a = actual.toDoubleArray();
        double[] e = expected.toDoubleArray();
        boolean exact = expected.kind() != DataType.Kind.FLOAT;
        if (exact) {
            long[] la = actual.toLongArray();
            long[] le = expected.toLongArray();
            for (int i = 0; i < la.length; i++) {
                if (la[i] != le[i]) {
                    return "element " + i + " is " + la[i] + ", expected " + le[i];
                }
            }
            return null;
        }
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < a.length; i++) {
            if (Double.isNaN(e[i]) && Double.isNaN(a[i]) || a[i] == e[i]) {
                continue;
            }
            double err = Math.abs(a[i] - e[i]);
            if (!(err <= atol + rtol * Math.abs(e[i])) && (worstAt < 0 || err > worst || Double.isNaN(err))) {
                worst = err;
                worstAt = i;
            }
        }
        if (worstAt >= 0) {
            return "max error " + worst + " at element " + worstAt + " (got " + a[worstAt] + ", expected " + e[worstAt]
                    + "; rtol " + rtol + ", atol " + atol + ")";
        }
        return null;
    }
}
