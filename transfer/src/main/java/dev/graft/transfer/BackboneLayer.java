package dev.graft.transfer;

import dev.graft.nn.Module;
import dev.graft.onnx.NodeInfo;
import dev.graft.onnx.OnnxModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One weight layer of a backbone, the unit of "unfreeze the last N layers": a Conv, ConvTranspose,
 * Gemm or MatMul with its weight, together with the parameters of the nodes that follow it up to
 * the next weight layer (its bias Add, BatchNormalization or LayerNormalization scale and shift,
 * PRelu slope). For a backbone made of nn modules, each leaf module that owns parameters is a layer;
 * a {@link GraphBackbone} names its own layers (a text encoder's transformer blocks).
 *
 * @param name the node (or module path) that opens the layer
 * @param parameterNames the backbone's parameter names (as {@link Module#namedParameters()} shows them)
 */
public record BackboneLayer(String name, List<String> parameterNames) {

    private static final Set<String> OPENERS = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul");

    /** Copies the name list. */
    public BackboneLayer {
        parameterNames = List.copyOf(parameterNames);
    }

    /**
     * @param backbone an imported graph or any module
     * @return its weight layers in execution (or registration) order
     */
    public static List<BackboneLayer> of(Module backbone) {
        if (backbone instanceof GraphBackbone g) {
            return g.layers();
        }
        return backbone instanceof OnnxModel onnx ? ofGraph(onnx) : ofModules(backbone);
    }

    private static List<BackboneLayer> ofGraph(OnnxModel model) {
        Map<String, String> moduleNames = new LinkedHashMap<>();
        for (String name : model.namedParameters().keySet()) {
            moduleNames.put(model.onnxName(name), name);
        }
        List<BackboneLayer> layers = new ArrayList<>();
        String open = null;
        Set<String> current = new LinkedHashSet<>();
        Set<String> claimed = new LinkedHashSet<>();
        for (NodeInfo n : model.nodes()) {
            List<String> owned = new ArrayList<>();
            for (String in : n.inputs()) {
                String p = moduleNames.get(in);
                if (p != null && !claimed.contains(p)) {
                    owned.add(p);
                }
            }
            if (owned.isEmpty()) {
                continue;
            }
            if (open == null || OPENERS.contains(n.opType())) {
                if (open != null) {
                    layers.add(new BackboneLayer(open, new ArrayList<>(current)));
                }
                open = n.name();
                current.clear();
            }
            current.addAll(owned);
            claimed.addAll(owned);
        }
        if (open != null) {
            layers.add(new BackboneLayer(open, new ArrayList<>(current)));
        }
        return layers;
    }

    private static List<BackboneLayer> ofModules(Module backbone) {
        List<BackboneLayer> layers = new ArrayList<>();
        for (var e : backbone.namedModules().entrySet()) {
            Module m = e.getValue();
            if (!m.namedChildren().isEmpty()) {
                continue;
            }
            List<String> names = new ArrayList<>();
            for (String p : m.namedParameters().keySet()) {
                names.add(e.getKey().isEmpty() ? p : e.getKey() + "." + p);
            }
            if (!names.isEmpty()) {
                layers.add(new BackboneLayer(e.getKey(), names));
            }
        }
        return layers;
    }
}
