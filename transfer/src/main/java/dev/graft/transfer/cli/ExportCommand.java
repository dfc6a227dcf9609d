package dev.graft.transfer.cli;

import dev.graft.nn.layers.Flatten;
import dev.graft.onnx.OnnxException;
import dev.graft.onnx.OnnxImporter;
import dev.graft.onnx.OnnxModel;
import dev.graft.onnx.TensorInfo;
import dev.graft.onnx.export.OnnxExport;
import dev.graft.transfer.CutPoint;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code graft export}: writes the part of a model up to a cut point as its own ONNX file: a
 * feature extractor (embeddings for search or clustering, inputs for another classifier), with
 * the model's current weights. A model written by {@code fine-tune} works too, giving the
 * fine-tuned backbone.
 */
final class ExportCommand implements Command {

    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "write a model's backbone (up to a cut point) as an ONNX feature extractor";
    }

    @Override
    public String usage() {
        return String.join(System.lineSeparator(),
                "usage: graft export --model M.onnx --out F.onnx [--cut NAME] [--flatten] [--output-name NAME]",
                "  --model M.onnx       the model ('demo': the CNN shipped for graft demo)",
                "  --out F.onnx         the feature extractor to write",
                "  --cut NAME           the tensor or node whose value becomes the output (default: the input of the",
                "                       final classifier, as fine-tune finds it; see graft inspect for names)",
                "  --flatten            flatten the features to [N, F] (for [N, C, 1, 1] pooling outputs)",
                "  --output-name NAME   name of the output tensor (default: the cut tensor's own name)");
    }

    @Override
    public int run(List<String> args, PrintStream out) throws UsageException {
        Options o = Options.parse(this, args, Set.of("model", "out", "cut", "output-name"), Set.of("flatten"));
        String modelSpec = o.required("model");
        Path file = o.requiredPath("out");
        String outputName = o.value("output-name", null);
        if (outputName != null && outputName.isBlank()) {
            throw o.error("--output-name needs a non-empty name");
        }
        ModelSource source = ModelSource.load(modelSpec);
        OnnxModel model = source.model();
        String cut = o.value("cut", null);
        if (cut == null) {
            try {
                cut = CutPoint.find(model).tensorName();
            } catch (IllegalArgumentException e) {
                throw new CommandException(source.name() + ": " + e.getMessage(), e);
            }
        }
        OnnxModel backbone;
        try {
            backbone = model.cut(cut);
        } catch (OnnxException e) {
            throw new CommandException(source.name() + ": cannot cut at '" + cut + "': " + e.getMessage(), e);
        }
        backbone.eval();
        OnnxExport export = OnnxExport.from(backbone);
        if (o.has("flatten")) {
            export.then(new Flatten());
        }
        if (outputName != null) {
            export.outputName(outputName);
        }
        OnnxModel written;
        try {
            export.write(file);
            written = OnnxImporter.load(file);
        } catch (IOException | OnnxException e) {
            throw new CommandException("cannot write " + file + ": " + e.getMessage(), e);
        }
        TensorInfo in = written.inputs().get(0);
        TensorInfo result = written.outputs().get(0);
        out.printf("wrote %s: input '%s' %s -> output '%s' %s, %d nodes, %,d parameters%n", file, in.name(),
                in.dims(), result.name(), result.dims(), written.nodes().size(),
                written.parameters().stream().mapToLong(p -> p.numel()).sum());
        if (source.sidecar() != null) {
            out.println("inputs are preprocessed as for the source model: " + source.sidecar().preprocessing());
        }
        return 0;
    }
}
