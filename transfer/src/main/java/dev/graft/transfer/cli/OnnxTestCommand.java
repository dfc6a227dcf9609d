package dev.graft.transfer.cli;

import dev.graft.onnx.conformance.OnnxTestRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code graft onnx-test DIR...}: runs ONNX backend test cases (folders with {@code model.onnx}
 * and {@code test_data_set_N}) through the importer, one line per case, then the totals.
 */
final class OnnxTestCommand implements Command {

    @Override
    public String name() {
        return "onnx-test";
    }

    @Override
    public String summary() {
        return "run ONNX backend test cases (e.g. /usr/share/libonnx-testdata/data) through the importer";
    }

    @Override
    public String usage() {
        return "usage: graft onnx-test DIR...\n"
                + "  DIR  a folder searched for test cases (model.onnx with test_data_set_N/input_N.pb and output_N.pb);\n"
                + "       tolerances come from a data.json beside the model, else rtol 1e-3 and atol 1e-5\n"
                + "exit status: 0 when no case failed, 1 when one did\n";
    }

    @Override
    public int run(List<String> args, PrintStream out) throws UsageException {
        if (args.isEmpty()) {
            throw new UsageException(this, "at least one folder is needed");
        }
        List<Path> dirs = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("-")) {
                throw new UsageException(this, "unknown option '" + a + "'");
            }
            Path p = Path.of(a);
            if (!Files.isDirectory(p)) {
                throw new UsageException(this, "not a folder: " + a);
            }
            dirs.add(p);
        }
        try {
            return OnnxTestRunner.run(dirs, out).failed() > 0 ? 1 : 0;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("onnx-test: " + e.getMessage(), e);
        }
    }
}
