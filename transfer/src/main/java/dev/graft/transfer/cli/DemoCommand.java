package dev.graft.transfer.cli;

import dev.graft.engine.Parallel;
import dev.graft.transfer.demo.FashionTransferDemo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

/**
 * {@code graft demo}: transfer learning end to end. A CNN pretrained on Fashion-MNIST classes 0-4
 * (shipped as ONNX) is imported, frozen and given a new 5-class head for classes 5-9, trained with
 * 10, 50 and 100 labels per class; the same architecture trained from scratch on the same labels is
 * the baseline. Prints a table of test accuracies and times.
 */
final class DemoCommand implements Command {

    private static final String DEFAULT_OUT = "demo-output/fashion-transfer-5to9.onnx";

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "transfer learning: pretrained ONNX CNN, frozen, new head, vs. training from scratch";
    }

    @Override
    public String usage() {
        return String.join(System.lineSeparator(),
                "usage: graft demo [--seed N] [--draws N] [--out FILE] [--sample-only]",
                "  --seed N        seed of the label choice, the new head and the baseline (default 7)",
                "  --draws N       label draws averaged per budget (default 3)",
                "  --out FILE      where to write the fine-tuned model (100 labels/class) as ONNX",
                "                  (default " + DEFAULT_OUT + ")",
                "  --sample-only   use the sample shipped in the jar even when Debian's dataset-fashion-mnist is installed");
    }

    @Override
    public int run(List<String> args, PrintStream out) throws UsageException {
        Options o = Options.parse(this, args, Set.of("seed", "draws", "out"), Set.of("sample-only"));
        long seed = o.longValue("seed", 7);
        int draws = o.intValue("draws", 3, 1, 20);
        Path export = Path.of(o.value("out", DEFAULT_OUT));
        int threads = Parallel.threads();
        out.printf("graft demo: %d thread%s; pretrained CNN (Fashion-MNIST classes 0-4) -> classes 5-9%n",
                threads, threads == 1 ? "" : "s");
        FashionTransferDemo.Result result;
        try {
            if (export.toAbsolutePath().getParent() != null) {
                Files.createDirectories(export.toAbsolutePath().getParent());
            }
            result = new FashionTransferDemo(seed).run(new int[] {10, 50, 100}, draws, !o.has("sample-only"),
                    export, out);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the demo data: " + e.getMessage(), e);
        }
        out.println();
        out.printf("test accuracy on %d images (%s)%n", result.testSize(), result.testSet());
        out.printf("mean over %d label draws per row; time is per model%n", draws);
        out.println("labels/class | transfer (frozen backbone + new head) | from scratch (same architecture) | worst draw");
        for (FashionTransferDemo.Row r : result.rows()) {
            out.printf("%12d | %26.1f%% %7.1f s | %22.1f%% %7.1f s | %+8.1f pts%n", r.perClass(),
                    100 * r.transferAccuracy(), r.transferSeconds(), 100 * r.scratchAccuracy(), r.scratchSeconds(),
                    100 * r.worstMargin());
        }
        out.println("fine-tuned model (100 labels/class, backbone + head) written to " + result.exported());
        return 0;
    }
}
