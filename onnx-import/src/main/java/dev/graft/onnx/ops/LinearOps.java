package dev.graft.onnx.ops;

import dev.graft.engine.Tensor;
import dev.graft.onnx.DataType;
import dev.graft.onnx.Value;

/** Gemm and MatMul on the engine's matrix product. */
final class LinearOps {

    private LinearOps() {
    }

    static void register(OpRegistry r) {
        r.add("MatMul", new int[] {1, 9, 13}, n -> (in, ctx) -> {
            Tensor y = in[0].toFloat().matmul(in[1].toFloat());
            return new Value[] {Values.like(y, in[0])};
        });
        r.add("Gemm", new int[] {1, 6, 7, 9, 11, 13}, LinearOps::gemm);
    }

    private static Kernel gemm(NodeSpec n) {
        boolean transA = n.intAttr("transA", 0) != 0;
        boolean transB = n.intAttr("transB", 0) != 0;
        float alpha = n.floatAttr("alpha", 1f);
        float beta = n.floatAttr("beta", 1f);
        return (in, ctx) -> {
            Tensor a = in[0].toFloat();
            Tensor b = in[1].toFloat();
            if (a.dim() != 2 || b.dim() != 2) {
                throw n.invalid("A and B must be matrices, got ranks " + a.dim() + " and " + b.dim());
            }
            Tensor y = (transA ? a.transpose(0, 1) : a).matmul(transB ? b.transpose(0, 1) : b);
            if (alpha != 1f) {
                y = y.mul(alpha);
            }
            if (in.length > 2 && in[2] != null) {
                Tensor c = in[2].toFloat();
                y = y.add(beta == 1f ? c : c.mul(beta));
            }
            return new Value[] {Values.like(y, in[0])};
        };
    }
}
