package dev.graft.transfer.cli;

import dev.graft.engine.Parallel;
import dev.graft.transfer.demo.TextClassificationDemo;
import dev.graft.transfer.text.SentenceEncoder;
import dev.graft.transfer.text.TextDataset;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code graft text-demo}: few-shot text classification with a pretrained sentence encoder.
 * all-MiniLM-L6-v2 (imported from ONNX, frozen) embeds Debian package descriptions once; a new
 * linear head learns their archive sections from 8, 32 and 128 labels per class, against a bag of
 * words with logistic regression trained from scratch on the same labels.
 */
final class TextDemoCommand implements Command {

    /** The system property the {@code ./graft} launcher sets to the model jar the build copies. */
    static final String MODEL_PROPERTY = "graft.text.model";

    @Override
    public String name() {
        return "text-demo";
    }

    @Override
    public String summary() {
        return "few-shot text classification: frozen MiniLM sentence encoder + new head, vs. bag of words";
    }

    @Override
    public String usage() {
        return String.join(System.lineSeparator(),
                "usage: graft text-demo [--seed N] [--model PATH]",
                "  --seed N       seed of the label choice and the heads (default 7)",
                "  --model PATH   the sentence encoder: a folder with model.onnx and tokenizer.json, or a jar holding them",
                "                 (default: all-MiniLM-L6-v2, which the build copies to transfer/target/models/)");
    }

    @Override
    public int run(List<String> args, PrintStream out) throws UsageException {
        Options o = Options.parse(this, args, Set.of("seed", "model"), Set.of());
        long seed = o.longValue("seed", 7);
        String model = o.has("model") ? o.required("model") : System.getProperty(MODEL_PROPERTY);
        if (model == null || model.isBlank()) {
            throw new UsageException(this, "no model: pass --model PATH (./graft sets -D" + MODEL_PROPERTY + " to the copy the build makes)");
        }
        int threads = Parallel.threads();
        out.printf("graft text-demo: %d thread%s; sentence encoder %s%n", threads, threads == 1 ? "" : "s", model);
        TextClassificationDemo.Result r;
        try {
            long t0 = System.nanoTime();
            SentenceEncoder encoder = SentenceEncoder.load(Path.of(model));
            out.printf("loaded the encoder in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            TextDataset train = TextClassificationDemo.debianSections("train");
            TextDataset test = TextClassificationDemo.debianSections("test");
            out.printf("data: Debian package descriptions, %d sections %s; %d test texts%n", train.classes().size(),
                    train.classes(), test.size());
            r = new TextClassificationDemo(encoder, seed).run(train, test, new int[] {8, 32, 128}, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        out.println();
        out.printf("test accuracy on %d Debian package descriptions, %d sections (chance %.0f%%); the encoder embedded "
                + "%d texts once in %.1f s%n", r.testSize(), r.classes().size(), 100.0 / r.classes().size(), r.embedded(),
                r.embedSeconds());
        out.println("labels/class | frozen MiniLM + new head | bag of words + logistic regression");
        for (TextClassificationDemo.Row row : r.rows()) {
            out.printf("%12d | %15.1f%% %6.2f s | %25.1f%% %6.2f s%n", row.perClass(), 100 * row.encoderAccuracy(),
                    row.encoderSeconds(), 100 * row.baselineAccuracy(), row.baselineSeconds());
        }
        return 0;
    }
}
