package dev.graft.onnx.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's report: one line per case, then exactly one summary line. */
class OnnxTestRunnerTest {

    private static final Path NODE = Path.of("/usr/share/libonnx-testdata/data/node");

    private static void copyCase(String name, Path to) throws Exception {
        Path from = NODE.resolve(name);
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    @Test
    void reportsPassFailAndUnsupportedThenOneSummaryLine(@TempDir Path dir) throws Exception {
        if (!Files.isDirectory(NODE)) {
            fail("the ONNX backend test data is missing: install the Debian package libonnx-testdata");
        }
        Path root = Files.createDirectory(dir.resolve("cases"));
        copyCase("test_relu", root.resolve("a_pass"));
        copyCase("test_tfidfvectorizer_tf_only_bigrams_skip0", root.resolve("b_unsupported"));
        copyCase("test_relu", root.resolve("c_fail"));
        // the expected output of another case: same shape, different values
        Files.copy(NODE.resolve("test_sigmoid/test_data_set_0/output_0.pb"),
                root.resolve("c_fail/test_data_set_0/output_0.pb"), StandardCopyOption.REPLACE_EXISTING);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        OnnxTestRunner.Summary s;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            s = OnnxTestRunner.run(List.of(root), out);
        }
        List<String> lines = buf.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertEquals("pass cases/a_pass", lines.get(0));
        assertTrue(lines.get(1).startsWith("unsupported cases/b_unsupported: ") && lines.get(1).contains("TfIdfVectorizer"), lines.get(1));
        assertTrue(lines.get(2).startsWith("FAIL cases/c_fail: ") && lines.get(2).contains("max error"), lines.get(2));
        assertEquals("1 passed, 1 failed, 1 skipped", lines.get(3));
        assertEquals(1, s.failed());
    }

    @Test
    void toleranceComesFromDataJson(@TempDir Path dir) throws Exception {
        if (!Files.isDirectory(NODE)) {
            fail("the ONNX backend test data is missing: install the Debian package libonnx-testdata");
        }
        Path c = dir.resolve("loose");
        copyCase("test_relu", c);
        Files.copy(NODE.resolve("test_sigmoid/test_data_set_0/output_0.pb"), c.resolve("test_data_set_0/output_0.pb"),
                StandardCopyOption.REPLACE_EXISTING);
        assertEquals(CaseResult.Status.FAILED, OnnxTestRunner.runCase(c, "loose").status());
        Files.writeString(c.resolve("data.json"), "{\"atol\": 10.0, \"rtol\": 0.0}");
        assertEquals(CaseResult.Status.PASSED, OnnxTestRunner.runCase(c, "loose").status());
    }
}
