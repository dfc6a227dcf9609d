package dev.graft.transfer.text;

import dev.graft.onnx.NodeInfo;
import dev.graft.onnx.OnnxModel;
import dev.graft.transfer.BackboneLayer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the transformer blocks of an imported encoder by the names PyTorch's exporter gives them:
 * nodes such as {@code /encoder/layer.5/attention/self/query/MatMul} and initializers such as
 * {@code encoder.layer.5.output.dense.bias}. A parameter belongs to block {@code k} when its own
 * name says so, or when every node that reads it is in block {@code k} (weights exported as
 * {@code onnx::MatMul_950} are named only by the node that reads them).
 */
final class TransformerBlocks {

    /** {@code layer.5}, {@code layers.5}, {@code layer_5} between separators or at the start. */
    private static final Pattern BLOCK = Pattern.compile("(?:^|[/._])layers?[._](\\d+)(?=[/._]|$)");

    private TransformerBlocks() {
    }

    /**
     * @param graph an imported encoder
     * @param prefix what goes before each parameter's module name to make the names a backbone
     *     shows (e.g. {@code "encoder."}), or {@code ""}
     * @return the blocks in index order, each named {@code "block K"} with its parameters; empty
     *     when no name matches
     */
    static List<BackboneLayer> find(OnnxModel graph, String prefix) {
        Set<String> parameters = new HashSet<>();
        for (String moduleName : graph.namedParameters().keySet()) {
            parameters.add(graph.onnxName(moduleName));
        }
        Map<String, Integer> blockOfTensor = new HashMap<>();
        Set<String> mixed = new HashSet<>();
        for (NodeInfo n : graph.nodes()) {
            int block = index(n.name());
            for (String in : n.inputs()) {
                if (!parameters.contains(in)) {
                    continue;
                }
                Integer seen = blockOfTensor.putIfAbsent(in, block);
                if (seen != null && seen != block) {
                    mixed.add(in);
                }
            }
        }
        Map<Integer, List<String>> blocks = new TreeMap<>();
        for (String moduleName : graph.namedParameters().keySet()) {
            String onnx = graph.onnxName(moduleName);
            int block = index(onnx);
            if (block < 0 && !mixed.contains(onnx)) {
                block = blockOfTensor.getOrDefault(onnx, -1);
            }
            if (block >= 0) {
                blocks.computeIfAbsent(block, k -> new ArrayList<>()).add(prefix + moduleName);
            }
        }
        List<BackboneLayer> out = new ArrayList<>();
        for (var e : blocks.entrySet()) {
            out.add(new BackboneLayer("block " + e.getKey(), e.getValue()));
        }
        return out;
    }

    /** @return the block number a node or tensor name carries, or -1 */
    static int index(String name) {
        Matcher m = BLOCK.matcher(name);
        int found = -1;
        while (m.find()) {
            found = Integer.parseInt(m.group(1));
        }
        return found;
    }
}
