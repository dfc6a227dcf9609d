package dev.graft.onnx.ops;

/**
 * How many leading inputs each operator requires, per the ONNX operator documentation. Checked
 * at load time so a node with too few inputs is reported by name instead of failing mid-run.
 */
public final class Arity {

    private Arity() {
    }

    /**
     * @param opType the operator
     * @param version the operator definition version in force
     * @return how many leading inputs must be present
     */
    public static int required(String opType, int version) {
        return switch (opType) {
            case "Constant" -> 0;
            case "Range", "Where", "OneHot", "InstanceNormalization", "ScatterElements", "Scatter", "ScatterND", "RNN", "GRU",
                 "LSTM" -> 3;
            case "BatchNormalization" -> 5;
            case "Slice" -> version >= 10 ? 3 : 1;
            case "Pad" -> version >= 11 ? 2 : 1;
            case "TopK" -> version >= 10 ? 2 : 1;
            case "Upsample" -> version >= 9 ? 2 : 1;
            case "Resize" -> version < 11 ? 2 : 1;
            case "Unsqueeze" -> version >= 13 ? 2 : 1;
            case "Add", "Sub", "Mul", "Div", "Pow", "Mod", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
                 "And", "Or", "Xor", "PRelu", "MatMul", "Gemm", "Conv", "ConvTranspose", "Gather", "GatherElements",
                 "Expand", "Reshape", "Tile", "CumSum", "CastLike", "LayerNormalization", "NegativeLogLikelihoodLoss",
                 "SoftmaxCrossEntropyLoss", "GatherND", "QuantizeLinear", "DequantizeLinear", "Compress",
                 "ReverseSequence", "BitShift", "GridSample", "NonMaxSuppression", "MaxUnpool" -> 2;
            default -> 1;
        };
    }
}
