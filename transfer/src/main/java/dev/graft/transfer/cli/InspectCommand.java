package dev.graft.transfer.cli;

import dev.graft.engine.GradMode;
import dev.graft.engine.Tensor;
import dev.graft.nn.Parameter;
import dev.graft.nn.checkpoint.Json;
import dev.graft.onnx.NodeInfo;
import dev.graft.onnx.OnnxException;
import dev.graft.onnx.OnnxModel;
import dev.graft.onnx.TensorInfo;
import dev.graft.onnx.proto.Dim;
import dev.graft.transfer.BackboneLayer;
import dev.graft.transfer.CutPoint;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code graft inspect}: what a model is made of, and what {@code fine-tune} would do with it:
 * opset, inputs and outputs with their shapes, every node, parameter counts, the cut point found
 * (or given), the feature shape there, and the backbone's weight layers that {@code --unfreeze N}
 * counts.
 */
final class InspectCommand implements Command {

    @Override
    public String name() {
        return "inspect";
    }

    @Override
    public String summary() {
        return "show a model's inputs, outputs, nodes, parameters and cut point";
    }

    @Override
    public String usage() {
        return String.join(System.lineSeparator(),
                "usage: graft inspect --model M.onnx [--cut NAME] [--json]",
                "  --model M.onnx   the model ('demo': the CNN shipped for graft demo)",
                "  --cut NAME       show the backbone cut at this tensor or node (default: the one fine-tune finds)",
                "  --json           print one JSON object and nothing else on stdout");
    }

    @Override
    public int run(List<String> args, PrintStream out) throws UsageException {
        Options o = Options.parse(this, args, Set.of("model", "cut"), Set.of("json"));
        ModelSource source = ModelSource.load(o.required("model"));
        OnnxModel model = source.model();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("command", "inspect");
        r.put("model", source.name());
        r.put("opset", model.opset());
        r.put("irVersion", model.irVersion());
        r.put("inputs", tensors(model.inputs()));
        r.put("outputs", tensors(model.outputs()));
        List<Object> nodes = new ArrayList<>();
        for (NodeInfo n : model.nodes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", n.name());
            m.put("op", n.opType());
            m.put("inputs", n.inputs());
            m.put("outputs", n.outputs());
            nodes.add(m);
        }
        r.put("nodes", nodes);
        long total = count(model);
        long bufferValues = model.namedBuffers().values().stream().mapToLong(Tensor::numel).sum();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("count", total);
        params.put("tensors", model.parameters().size());
        params.put("trainable", model.trainableParameterCount());
        params.put("frozen", model.frozenParameterCount());
        params.put("bufferValues", bufferValues);
        r.put("parameters", params);
        r.put("cut", cut(model, o.value("cut", null), total));
        if (o.has("json")) {
            out.println(Json.write(r));
        } else {
            print(out, r, model);
        }
        return 0;
    }

    /** The cut point and what lies on each side of it, or the reason there is none. */
    private static Map<String, Object> cut(OnnxModel model, String given, long total) {
        Map<String, Object> c = new LinkedHashMap<>();
        String tensor;
        if (given != null) {
            tensor = given;
            c.put("found", false);
        } else {
            try {
                CutPoint p = CutPoint.find(model);
                tensor = p.tensorName();
                c.put("found", true);
                c.put("classifierNode", p.classifierNode());
            } catch (IllegalArgumentException e) {
                c.put("error", e.getMessage());
                return c;
            }
        }
        OnnxModel backbone;
        try {
            backbone = model.cut(tensor);
        } catch (OnnxException e) {
            throw new CommandException("cannot cut at '" + given + "': " + e.getMessage(), e);
        }
        c.put("tensor", backbone.outputNames().get(0));
        c.put("featureShape", featureShape(backbone));
        long kept = count(backbone);
        c.put("backboneParameters", kept);
        c.put("replacedParameters", total - kept);
        List<Object> layers = new ArrayList<>();
        for (BackboneLayer l : BackboneLayer.of(backbone)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", l.name());
            m.put("parameters", l.parameterNames());
            m.put("count", l.parameterNames().stream().mapToLong(n -> backbone.namedParameters().get(n).numel()).sum());
            layers.add(m);
        }
        c.put("layers", layers);
        return c;
    }

    /** One example's features, by running the backbone on zeros; null when the input's shape is not fixed. */
    private static List<Integer> featureShape(OnnxModel backbone) {
        List<Dim> dims = backbone.inputs().size() == 1 ? backbone.inputs().get(0).dims() : null;
        if (dims == null || dims.isEmpty()) {
            return null;
        }
        int[] shape = new int[dims.size()];
        shape[0] = 1;
        for (int i = 1; i < shape.length; i++) {
            if (!dims.get(i).isFixed()) {
                return null;
            }
            shape[i] = (int) dims.get(i).value();
        }
        backbone.eval();
        try (var noGrad = GradMode.noGrad()) {
            int[] out = backbone.forward(Tensor.zeros(shape)).shape();
            return Arrays.stream(out).skip(1).boxed().toList();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static long count(OnnxModel m) {
        return m.parameters().stream().mapToLong(Parameter::numel).sum();
    }

    private static List<Object> tensors(List<TensorInfo> infos) {
        List<Object> out = new ArrayList<>();
        for (TensorInfo t : infos) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("type", t.type() == null ? null : t.type().name());
            List<Object> dims = null;
            if (t.dims() != null) {
                dims = new ArrayList<>();
                for (Dim d : t.dims()) {
                    dims.add(d.isFixed() ? (Object) d.value() : d.toString());
                }
            }
            m.put("shape", dims);
            out.add(m);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void print(PrintStream out, Map<String, Object> r, OnnxModel model) {
        List<NodeInfo> nodes = model.nodes();
        out.printf(Locale.ROOT, "model: %s%n  opset %d, IR version %d, %d nodes%n", r.get("model"), model.opset(),
                model.irVersion(), nodes.size());
        out.println("inputs:");
        printTensors(out, (List<Object>) r.get("inputs"));
        out.println("outputs:");
        printTensors(out, (List<Object>) r.get("outputs"));
        out.println("nodes:");
        int nameWidth = 4;
        int opWidth = 2;
        for (NodeInfo n : nodes) {
            nameWidth = Math.max(nameWidth, n.name().length());
            opWidth = Math.max(opWidth, n.opType().length());
        }
        String row = "  %4s  %-" + nameWidth + "s  %-" + opWidth + "s  %s%n";
        out.printf(Locale.ROOT, row, "#", "name", "op", "outputs");
        for (int i = 0; i < nodes.size(); i++) {
            out.printf(Locale.ROOT, row, i + 1, nodes.get(i).name(), nodes.get(i).opType(),
                    String.join(", ", nodes.get(i).outputs()));
        }
        Map<String, Object> p = (Map<String, Object>) r.get("parameters");
        out.printf(Locale.ROOT, "parameters: %,d in %d tensors (trainable %,d, frozen %,d as imported); "
                + "BatchNorm statistics: %,d values%n", p.get("count"), p.get("tensors"), p.get("trainable"),
                p.get("frozen"), p.get("bufferValues"));
        Map<String, Object> c = (Map<String, Object>) r.get("cut");
        if (c.containsKey("error")) {
            out.println("cut point: none found: " + c.get("error"));
            return;
        }
        out.printf(Locale.ROOT, "cut point: '%s'%s; features per example %s%n", c.get("tensor"),
                Boolean.TRUE.equals(c.get("found")) ? " (found: the input of classifier node '" + c.get("classifierNode")
                        + "')" : " (given)",
                c.get("featureShape") == null ? "unknown (the input shape is not fixed)" : c.get("featureShape"));
        out.printf(Locale.ROOT, "  backbone: %,d parameters, frozen by fine-tune (--fine-tune-epochs with --unfreeze "
                + "trains some)%n", c.get("backboneParameters"));
        out.printf(Locale.ROOT, "  cut off:  %,d parameters, replaced by the new head%n", c.get("replacedParameters"));
        List<Object> layers = (List<Object>) c.get("layers");
        out.println("backbone weight layers (--unfreeze N trains the last N):");
        for (int i = 0; i < layers.size(); i++) {
            Map<String, Object> l = (Map<String, Object>) layers.get(i);
            out.printf(Locale.ROOT, "  %3d  %-" + nameWidth + "s  %,10d  %s%n", layers.size() - i, l.get("name"),
                    l.get("count"), String.join(", ", (List<String>) l.get("parameters")));
        }
    }

    @SuppressWarnings("unchecked")
    private static void printTensors(PrintStream out, List<Object> tensors) {
        for (Object o : tensors) {
            Map<String, Object> t = (Map<String, Object>) o;
            Object shape = t.get("shape");
            out.printf(Locale.ROOT, "  %s  %s  %s%n", t.get("name"), t.get("type") == null ? "?" : t.get("type"),
                    shape == null ? "(shape not declared)" : shape.toString());
        }
    }
}
