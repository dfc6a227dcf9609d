package dev.graft.transfer;

import dev.graft.onnx.NodeInfo;
import dev.graft.onnx.OnnxModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where to cut a pretrained classifier to get a feature extractor: the input of its final
 * classifier, a Gemm or MatMul with a weight initializer after which only bias, activation,
 * reshaping or softmax nodes lead to the output (the layout torchvision, Keras and most exported
 * CNNs and transformers share).
 *
 * @param tensorName the tensor to cut at
 * @param classifierNode the name of the classifier node found, whose input the tensor is
 */
public record CutPoint(String tensorName, String classifierNode) {

    /** Ops allowed between the classifier and the graph output. */
    private static final Set<String> AFTER_CLASSIFIER = Set.of("Add", "Softmax", "LogSoftmax", "Sigmoid",
            "Identity", "Flatten", "Reshape", "Squeeze", "Dropout", "Relu");

    /**
     * Finds the cut point of a whole pretrained model.
     *
     * @param model the model with its classifier
     * @return the input tensor of the final classifier
     * @throws IllegalArgumentException if no final Gemm/MatMul with a weight initializer is
     *     found; the message lists the last nodes and says how to name the cut by hand
     */
    public static CutPoint find(OnnxModel model) {
        List<NodeInfo> nodes = model.nodes();
        Set<String> parameters = new HashSet<>();
        for (String name : model.namedParameters().keySet()) {
            parameters.add(model.onnxName(name));
        }
        Map<String, List<NodeInfo>> consumers = new HashMap<>();
        for (NodeInfo n : nodes) {
            for (String in : n.inputs()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        Set<String> outputs = new HashSet<>(model.outputNames());
        for (int i = nodes.size() - 1; i >= 0; i--) {
            NodeInfo n = nodes.get(i);
            boolean linear = n.opType().equals("Gemm") || n.opType().equals("MatMul");
            if (linear && n.inputs().size() >= 2 && parameters.contains(n.inputs().get(1))
                    && leadsOnlyToOutput(n.outputs().get(0), consumers, outputs)) {
                return new CutPoint(n.inputs().get(0), n.name());
            }
        }
        List<String> tail = new ArrayList<>();
        for (NodeInfo n : nodes.subList(Math.max(0, nodes.size() - 6), nodes.size())) {
            tail.add(n.name() + " (" + n.opType() + ")");
        }
        throw new IllegalArgumentException("no final classifier found (a Gemm or MatMul with a weight initializer "
                + "followed only by " + AFTER_CLASSIFIER + " up to the output); the last nodes are " + tail
                + "; name the tensor to cut at explicitly (see the 'inspect' command for tensor names)");
    }

    private static boolean leadsOnlyToOutput(String tensor, Map<String, List<NodeInfo>> consumers, Set<String> outputs) {
        List<NodeInfo> next = consumers.getOrDefault(tensor, List.of());
        if (next.isEmpty()) {
            return outputs.contains(tensor);
        }
        for (NodeInfo n : next) {
            if (!AFTER_CLASSIFIER.contains(n.opType())) {
                return false;
            }
            for (String out : n.outputs()) {
                if (!out.isEmpty() && !leadsOnlyToOutput(out, consumers, outputs)) {
                    return false;
                }
            }
        }
        return true;
    }
}
