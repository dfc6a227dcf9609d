package dev.graft.onnx.export;

import dev.graft.engine.BoolTensor;
import dev.graft.engine.GradMode;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import dev.graft.onnx.DataType;
import dev.graft.onnx.TensorInfo;
import dev.graft.onnx.Value;
import dev.graft.onnx.proto.Dim;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Output shapes found by running the model on zeros twice, every free input dimension (symbolic
 * or unknown) set to 1 and then to 2, in eval mode without gradients. Output dimensions that
 * agree are fixed; those that follow the free dimensions are dynamic, the leading one named
 * after the first input's leading dimension ({@code "batch"}, {@code "N"}). A graph output must
 * declare its rank (onnx's checker requires a shape), and neither a cut point nor an appended
 * head has one in the file.
 */
final class ShapeProbe {

    private ShapeProbe() {
    }

    /**
     * @param modules every module the run involves; their train/eval modes are restored afterwards
     * @param inputs the declared inputs, each with a known rank
     * @param run computes the outputs' shapes for a set of inputs
     * @return the dims of each output, in the order {@code run} returns them
     * @throws IllegalArgumentException if an input's rank is unknown
     * @throws RuntimeException whatever the model throws on zeros
     */
    static List<List<Dim>> probe(List<Module> modules, List<TensorInfo> inputs,
                                 Function<Map<String, Value>, List<int[]>> run) {
        Map<Module, Boolean> modes = new LinkedHashMap<>();
        for (Module m : modules) {
            for (Module sub : m.namedModules().values()) {
                modes.putIfAbsent(sub, sub.isTraining());
            }
        }
        List<int[]> small;
        List<int[]> large;
        try (var ignored = GradMode.noGrad()) {
            for (Module m : modules) {
                m.eval();
            }
            small = run.apply(zeros(inputs, 1));
            large = run.apply(zeros(inputs, 2));
        } finally {
            // parents first, so that a child's own mode wins over its parent's recursive switch
            for (var e : modes.entrySet()) {
                if (e.getValue()) {
                    e.getKey().train();
                } else {
                    e.getKey().eval();
                }
            }
        }
        String lead = null;
        if (!inputs.isEmpty() && !inputs.get(0).dims().isEmpty() && !inputs.get(0).dims().get(0).isFixed()) {
            lead = inputs.get(0).dims().get(0).param();
        }
        List<List<Dim>> out = new ArrayList<>();
        for (int k = 0; k < small.size(); k++) {
            int[] a = small.get(k);
            int[] b = large.get(k);
            if (a.length != b.length) {
                out.add(null);
                continue;
            }
            List<Dim> dims = new ArrayList<>();
            for (int i = 0; i < a.length; i++) {
                dims.add(a[i] == b[i] ? new Dim(a[i], null) : new Dim(-1, i == 0 ? lead : null));
            }
            out.add(dims);
        }
        return out;
    }

    private static Map<String, Value> zeros(List<TensorInfo> inputs, int free) {
        Map<String, Value> values = new LinkedHashMap<>();
        for (TensorInfo t : inputs) {
            if (t.dims() == null) {
                throw new IllegalArgumentException("input '" + t.name() + "' declares no shape");
            }
            int[] shape = new int[t.dims().size()];
            int n = 1;
            for (int i = 0; i < shape.length; i++) {
                Dim d = t.dims().get(i);
                shape[i] = d.isFixed() ? (int) d.value() : free;
                n *= shape[i];
            }
            DataType type = t.type() == null ? DataType.FLOAT : t.type();
            values.put(t.name(), switch (type.kind()) {
                case INT -> Value.of(LongTensor.of(new long[n], shape), type);
                case BOOL -> Value.of(BoolTensor.of(new boolean[n], shape));
                default -> Value.of(Tensor.zeros(shape), type.kind() == DataType.Kind.FLOAT ? type : DataType.FLOAT);
            });
        }
        return values;
    }
}
