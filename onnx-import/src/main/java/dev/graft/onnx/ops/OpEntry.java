package dev.graft.onnx.ops;

/**
 * One operator in the {@link OpRegistry}.
 *
 * @param opType the ONNX operator name
 * @param sinceVersions every opset version in which the operator's definition changed, ascending, as the
 *                      ONNX operator documentation lists them; the factory implements all of them (the few
 *                      early forms it does not are refused at load with an UnsupportedOnnxException)
 * @param shapeRule what the output shape depends on
 * @param factory builds kernels
 */
public record OpEntry(String opType, int[] sinceVersions, ShapeRule shapeRule, OpFactory factory) {

    /**
     * @param opset the model's default-domain opset
     * @return the version of this operator's definition in force at {@code opset}, or -1 if none
     */
    public int versionAt(int opset) {
        int v = -1;
        for (int s : sinceVersions) {
            if (s <= opset) {
                v = s;
            }
        }
        return v;
    }
}
