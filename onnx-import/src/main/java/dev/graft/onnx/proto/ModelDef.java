package dev.graft.onnx.proto;

import java.util.Map;

/**
 * A whole model file ({@code ModelProto}).
 *
 * @param irVersion the IR version
 * @param opsets imported operator set versions by domain ({@code ""} is the default ONNX domain)
 * @param producer who wrote the file, e.g. {@code "pytorch 2.1"}
 * @param graph the main graph
 * @param functionCount how many model-local functions were declared (not supported)
 */
public record ModelDef(long irVersion, Map<String, Long> opsets, String producer, GraphDef graph, int functionCount) {
}
