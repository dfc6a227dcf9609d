package dev.graft.onnx.ops;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The operator table: every supported default-domain operator, the definition versions it
 * implements, and how to build its kernels.
 */
public final class OpRegistry {

    /** The oldest default-domain opset a model may import. */
    public static final int MIN_OPSET = 1;
    /** The newest default-domain opset a model may import. */
    public static final int MAX_OPSET = 21;

    private static final OpRegistry STANDARD = build();

    private final Map<String, OpEntry> ops = new TreeMap<>();

    private OpRegistry() {
    }

    /** @return the table of every operator graft implements */
    public static OpRegistry standard() {
        return STANDARD;
    }

    private static OpRegistry build() {
        OpRegistry r = new OpRegistry();
        ArithmeticOps.register(r);
        UnaryOps.register(r);
        ActivationOps.register(r);
        VariadicOps.register(r);
        LogicOps.register(r);
        SoftmaxOps.register(r);
        ReduceOps.register(r);
        ArgExtremeOps.register(r);
        MovementOps.register(r);
        SliceOps.register(r);
        IndexOps.register(r);
        PadOp.register(r);
        ConstantOps.register(r);
        CastOps.register(r);
        LinearOps.register(r);
        ConvOp.register(r);
        ConvTransposeOp.register(r);
        PoolOps.register(r);
        NormalizationOps.register(r);
        ResizeOps.register(r);
        EinsumOp.register(r);
        TriluOp.register(r);
        CumSumOp.register(r);
        TopKOp.register(r);
        OneHotOp.register(r);
        LossOps.register(r);
        MiscOps.register(r);
        LrnOp.register(r);
        ScatterGatherOps.register(r);
        RecurrentOps.register(r);
        QuantizeOps.register(r);
        SelectionOps.register(r);
        GridSampleOp.register(r);
        NonMaxSuppressionOp.register(r);
        UniqueOp.register(r);
        return r;
    }

    /**
     * Adds an operator.
     *
     * @param sinceVersions the versions of its definition, ascending
     */
    void add(String opType, int[] sinceVersions, ShapeRule rule, OpFactory factory) {
        if (ops.put(opType, new OpEntry(opType, sinceVersions, rule, factory)) != null) {
            throw new IllegalStateException("operator " + opType + " registered twice");
        }
    }

    /** Adds an operator whose output shape depends only on its input shapes. */
    void add(String opType, int[] sinceVersions, OpFactory factory) {
        add(opType, sinceVersions, ShapeRule.INPUT_SHAPES, factory);
    }

    /** @return the entry for a default-domain operator, or null if graft does not implement it */
    public OpEntry find(String opType) {
        return ops.get(opType);
    }

    /** @return every supported operator, sorted by name */
    public Map<String, OpEntry> entries() {
        return Collections.unmodifiableMap(ops);
    }
}
