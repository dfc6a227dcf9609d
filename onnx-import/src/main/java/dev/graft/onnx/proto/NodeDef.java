package dev.graft.onnx.proto;

import java.util.List;
import java.util.Map;

/**
 * One operator application ({@code NodeProto}). An empty input name means an omitted optional input.
 *
 * @param name the node name (may be empty in the file; the importer then names it)
 * @param opType the operator, e.g. {@code "Conv"}
 * @param domain the operator set domain, {@code ""} for the default ONNX domain
 * @param inputs input tensor names
 * @param outputs output tensor names
 * @param attributes attributes by name
 */
public record NodeDef(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                      Map<String, AttributeDef> attributes) {
}
