package dev.graft.onnx.export;

import static dev.graft.onnx.export.GraphBuilder.attr;
import static dev.graft.onnx.export.GraphBuilder.ints;

import dev.graft.engine.Conv2dSpec;
import dev.graft.engine.Pool2dSpec;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import dev.graft.nn.layers.AdaptiveAvgPool2d;
import dev.graft.nn.layers.AvgPool2d;
import dev.graft.nn.layers.BatchNorm;
import dev.graft.nn.layers.Conv2d;
import dev.graft.nn.layers.Dropout;
import dev.graft.nn.layers.Flatten;
import dev.graft.nn.layers.GELU;
import dev.graft.nn.layers.HardSigmoid;
import dev.graft.nn.layers.HardSwish;
import dev.graft.nn.layers.Identity;
import dev.graft.nn.layers.LayerNorm;
import dev.graft.nn.layers.LeakyReLU;
import dev.graft.nn.layers.Linear;
import dev.graft.nn.layers.MaxPool2d;
import dev.graft.nn.layers.ReLU;
import dev.graft.nn.layers.ReLU6;
import dev.graft.nn.layers.Residual;
import dev.graft.nn.layers.Sequential;
import dev.graft.nn.layers.SiLU;
import dev.graft.nn.layers.Sigmoid;
import dev.graft.nn.layers.Softmax;
import dev.graft.nn.layers.Tanh;
import dev.graft.onnx.OnnxModel;
import dev.graft.onnx.proto.AttributeDef;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes nn modules as ONNX nodes with their eval-mode semantics: Dropout and Identity vanish,
 * BatchNorm normalises with its running statistics. Parameters and buffers become initializers
 * named by their dotted paths ({@code 0.weight}, {@code 1.running_mean}), with their current
 * values. Where an operator is missing or has other semantics at the target opset, the layer is
 * composed from older operators: GELU from Erf (the Gelu operator needs opset 20),
 * LayerNormalization below 17, HardSwish below 14, a last-axis-only Softmax below 13.
 */
final class ModuleTranslator {

    /** The module types the exporter can write, for messages and documentation. */
    static final List<String> SUPPORTED = List.of("Sequential", "Residual", "Identity", "Dropout", "Linear", "Conv2d",
            "BatchNorm1d", "BatchNorm2d", "LayerNorm", "Flatten", "ReLU", "ReLU6", "LeakyReLU", "GELU", "Tanh",
            "Sigmoid", "SiLU", "HardSigmoid", "HardSwish", "Softmax", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d(1)");

    /**
     * The tensor holding a module's output.
     *
     * @param name the tensor name
     * @param rank its rank, or -1 when unknown (the output of a cut imported graph, say)
     */
    record Running(String name, int rank) {
    }

    private final GraphBuilder g;

    /** @param g the graph to append to */
    ModuleTranslator(GraphBuilder g) {
        this.g = g;
    }

    /**
     * Appends the nodes computing {@code site.module()} applied to {@code x}.
     *
     * @return the output tensor
     * @throws OnnxExportException naming the module's path and class if it cannot be expressed
     */
    Running translate(Site site, Running x) {
        Module m = site.module();
        if (m instanceof Sequential) {
            Running y = x;
            for (var child : m.namedChildren().entrySet()) {
                y = translate(site.child(child.getKey(), child.getValue()), y);
            }
            return y;
        }
        if (m instanceof Residual r) {
            Running body = translate(site.child("body", r.body()), x);
            Running skip = r.shortcut() == null ? x : translate(site.child("shortcut", r.shortcut()), x);
            return new Running(g.op(site, "Add", List.of(body.name(), skip.name())), body.rank());
        }
        if (m instanceof Identity || m instanceof Dropout) {
            return x;
        }
        if (m instanceof Linear l) {
            return linear(site, l, x);
        }
        if (m instanceof Conv2d c) {
            return new Running(conv(site, c, x.name()), 4);
        }
        if (m instanceof BatchNorm bn) {
            return same(x, batchNorm(site, bn, x.name()));
        }
        if (m instanceof LayerNorm ln) {
            return same(x, layerNorm(site, ln, x));
        }
        if (m instanceof Flatten) {
            return new Running(g.op(site, "Flatten", List.of(x.name()), attr("axis", 1)), 2);
        }
        if (m instanceof ReLU) {
            return same(x, g.op(site, "Relu", List.of(x.name())));
        }
        if (m instanceof Tanh) {
            return same(x, g.op(site, "Tanh", List.of(x.name())));
        }
        if (m instanceof Sigmoid) {
            return same(x, g.op(site, "Sigmoid", List.of(x.name())));
        }
        if (m instanceof SiLU) {
            return same(x, g.op(site, "Mul", List.of(x.name(), g.op(site, "Sigmoid", List.of(x.name())))));
        }
        if (m instanceof LeakyReLU lr) {
            return same(x, g.op(site, "LeakyRelu", List.of(x.name()), attr("alpha", lr.negativeSlope())));
        }
        if (m instanceof ReLU6) {
            return same(x, relu6(site, x.name()));
        }
        if (m instanceof HardSigmoid) {
            return same(x, hardSigmoid(site, x.name()));
        }
        if (m instanceof HardSwish) {
            String y = g.opset() >= 14 ? g.op(site, "HardSwish", List.of(x.name()))
                    : g.op(site, "Mul", List.of(x.name(), hardSigmoid(site, x.name())));
            return same(x, y);
        }
        if (m instanceof GELU gelu) {
            return same(x, gelu.tanhApproximation() ? geluTanh(site, x.name()) : geluErf(site, x.name()));
        }
        if (m instanceof Softmax s) {
            return same(x, softmax(site, s.axis(), x));
        }
        if (m instanceof MaxPool2d p) {
            return new Running(g.op(site, "MaxPool", List.of(x.name()), pool(site, p.spec())), 4);
        }
        if (m instanceof AvgPool2d p) {
            List<AttributeDef> attrs = new ArrayList<>(List.of(pool(site, p.spec())));
            // without padding both divisor rules agree; ONNX Runtime would divide a window hanging over the edge
            // in ceil mode by the whole kernel, where PyTorch and graft count only the part inside
            boolean countPad = p.countIncludePad() && !p.spec().ceilMode();
            attrs.add(attr("count_include_pad", countPad ? 1 : 0));
            return new Running(g.op(site, "AveragePool", List.of(x.name()), attrs.toArray(AttributeDef[]::new)), 4);
        }
        if (m instanceof AdaptiveAvgPool2d a) {
            if (a.outputHeight() != 1 || a.outputWidth() != 1) {
                throw new OnnxExportException(site.describe() + ": AdaptiveAvgPool2d is exported only with output size 1"
                        + " (GlobalAveragePool), got " + a.outputHeight() + "x" + a.outputWidth());
            }
            return new Running(g.op(site, "GlobalAveragePool", List.of(x.name())), 4);
        }
        if (m instanceof OnnxModel) {
            throw new OnnxExportException(site.describe() + ": an imported ONNX graph can only come first; export it with "
                    + "OnnxExport.from(onnxModel).then(rest of the model)");
        }
        throw new OnnxExportException("cannot export " + site.describe() + ": the ONNX exporter supports "
                + String.join(", ", SUPPORTED));
    }

    private static Running same(Running x, String y) {
        return new Running(y, x.rank());
    }

    private Running linear(Site site, Linear l, Running x) {
        String w = g.parameter(site.tensorName("weight"), l.weight().value());
        String b = l.bias() == null ? null : g.parameter(site.tensorName("bias"), l.bias().value());
        if (x.rank() == 2 && (b != null || g.opset() >= 11)) {
            List<String> in = b == null ? List.of(x.name(), w) : List.of(x.name(), w, b);
            return new Running(g.op(site, "Gemm", in, attr("transB", 1)), 2);
        }
        // any rank: MatMul broadcasts over leading dimensions; the weight keeps PyTorch's [out, in] layout
        String wt = g.op(site, "Transpose", List.of(w), ints("perm", 1, 0));
        String y = g.op(site, "MatMul", List.of(x.name(), wt));
        return same(x, b == null ? y : g.op(site, "Add", List.of(y, b)));
    }

    private String conv(Site site, Conv2d c, String x) {
        Conv2dSpec s = c.spec();
        int[] k = c.weight().shape();
        List<String> in = new ArrayList<>(List.of(x, g.parameter(site.tensorName("weight"), c.weight().value())));
        if (c.bias() != null) {
            in.add(g.parameter(site.tensorName("bias"), c.bias().value()));
        }
        return g.op(site, "Conv", in, ints("kernel_shape", k[2], k[3]), ints("strides", s.strideH(), s.strideW()),
                ints("pads", s.padTop(), s.padLeft(), s.padBottom(), s.padRight()),
                ints("dilations", s.dilationH(), s.dilationW()), attr("group", s.groups()));
    }

    private String batchNorm(Site site, BatchNorm bn, String x) {
        int c = bn.channels();
        String scale = bn.weight() == null ? g.constant(site, "ones", Tensor.ones(c))
                : g.parameter(site.tensorName("weight"), bn.weight().value());
        String shift = bn.bias() == null ? g.constant(site, "zeros", Tensor.zeros(c))
                : g.parameter(site.tensorName("bias"), bn.bias().value());
        String mean = g.parameter(site.tensorName("running_mean"), bn.runningMean());
        String var = g.parameter(site.tensorName("running_var"), bn.runningVar());
        return g.op(site, "BatchNormalization", List.of(x, scale, shift, mean, var), attr("epsilon", bn.eps()));
    }

    private String layerNorm(Site site, LayerNorm ln, Running x) {
        String w = g.parameter(site.tensorName("weight"), ln.weight().value());
        String b = g.parameter(site.tensorName("bias"), ln.bias().value());
        if (g.opset() >= 17) {
            return g.op(site, "LayerNormalization", List.of(x.name(), w, b), attr("axis", -1), attr("epsilon", ln.eps()));
        }
        long axis = lastAxis(site, x, "LayerNorm below opset 17");
        String centred = g.op(site, "Sub", List.of(x.name(), g.reduce(site, "ReduceMean", x.name(), axis)));
        String var = g.reduce(site, "ReduceMean", g.op(site, "Mul", List.of(centred, centred)), axis);
        String std = g.op(site, "Sqrt", List.of(g.op(site, "Add", List.of(var, scalar(site, "eps", ln.eps())))));
        String normed = g.op(site, "Div", List.of(centred, std));
        return g.op(site, "Add", List.of(g.op(site, "Mul", List.of(normed, w)), b));
    }

    /** The last axis as -1, or as rank - 1 before opset 11, where reductions take no negative axes. */
    private long lastAxis(Site site, Running x, String what) {
        if (g.opset() >= 11) {
            return -1;
        }
        if (x.rank() < 0) {
            throw new OnnxExportException(site.describe() + ": " + what + " at opset " + g.opset()
                    + " needs the input's rank, which is not known here; use opset 11 or later");
        }
        return x.rank() - 1;
    }

    private String softmax(Site site, int axis, Running x) {
        if (g.opset() >= 13) {
            return g.op(site, "Softmax", List.of(x.name()), attr("axis", axis));
        }
        // Softmax before 13 flattens everything from the axis on into one row: compose the per-axis form
        long a = axis;
        if (axis < 0 && g.opset() < 11) {
            if (x.rank() < 0) {
                throw new OnnxExportException(site.describe() + ": Softmax(" + axis + ") at opset " + g.opset()
                        + " needs the input's rank, which is not known here; use opset 11 or later");
            }
            a = axis + x.rank();
        }
        String shifted = g.op(site, "Sub", List.of(x.name(), g.reduce(site, "ReduceMax", x.name(), a)));
        String e = g.op(site, "Exp", List.of(shifted));
        return g.op(site, "Div", List.of(e, g.reduce(site, "ReduceSum", e, a)));
    }

    private String relu6(Site site, String x) {
        if (g.opset() >= 11) {
            return g.op(site, "Clip", List.of(x, scalar(site, "zero", 0f), scalar(site, "six", 6f)));
        }
        return g.op(site, "Clip", List.of(x), attr("min", 0f), attr("max", 6f));
    }

    private String hardSigmoid(Site site, String x) {
        return g.op(site, "HardSigmoid", List.of(x), attr("alpha", 1f / 6f), attr("beta", 0.5f));
    }

    /** {@code x * (1 + erf(x / sqrt 2)) / 2}, as PyTorch exports GELU before opset 20. */
    private String geluErf(Site site, String x) {
        String erf = g.op(site, "Erf", List.of(g.op(site, "Div", List.of(x, scalar(site, "sqrt2", (float) Math.sqrt(2))))));
        String onePlus = g.op(site, "Add", List.of(erf, scalar(site, "one", 1f)));
        return g.op(site, "Mul", List.of(g.op(site, "Mul", List.of(x, onePlus)), scalar(site, "half", 0.5f)));
    }

    /** {@code x * (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2}. */
    private String geluTanh(Site site, String x) {
        String cube = g.op(site, "Mul", List.of(x, g.op(site, "Mul", List.of(x, x))));
        String inner = g.op(site, "Add", List.of(x, g.op(site, "Mul", List.of(cube, scalar(site, "coef", 0.044715f)))));
        String scaled = g.op(site, "Mul", List.of(inner, scalar(site, "sqrt_2_over_pi", (float) Math.sqrt(2 / Math.PI))));
        String onePlus = g.op(site, "Add", List.of(g.op(site, "Tanh", List.of(scaled)), scalar(site, "one", 1f)));
        return g.op(site, "Mul", List.of(g.op(site, "Mul", List.of(x, onePlus)), scalar(site, "half", 0.5f)));
    }

    private AttributeDef[] pool(Site site, Pool2dSpec s) {
        List<AttributeDef> attrs = new ArrayList<>(List.of(ints("kernel_shape", s.kernelH(), s.kernelW()),
                ints("strides", s.strideH(), s.strideW()), ints("pads", s.padTop(), s.padLeft(), s.padBottom(), s.padRight())));
        if (s.ceilMode()) {
            g.requireOpset(site, 10, "ceil mode pooling");
            boolean padded = s.padTop() + s.padLeft() + s.padBottom() + s.padRight() > 0;
            if (padded || s.strideH() > s.kernelH() || s.strideW() > s.kernelW()) {
                // PyTorch and graft drop a last window that would start in the end padding; ONNX Runtime keeps it
                throw new OnnxExportException(site.describe() + ": ceil-mode pooling with padding or a stride above the"
                        + " kernel has no portable ONNX form (runtimes disagree on a last window starting in the"
                        + " padding); use floor mode or no padding, got " + s);
            }
            attrs.add(attr("ceil_mode", 1));
        }
        return attrs.toArray(AttributeDef[]::new);
    }

    private String scalar(Site site, String label, float v) {
        return g.constant(site, label, Tensor.scalar(v));
    }
}
