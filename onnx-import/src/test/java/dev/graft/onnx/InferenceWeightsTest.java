package dev.graft.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.graft.engine.Conv2dSpec;
import dev.graft.engine.GradMode;
import dev.graft.engine.Tensor;
import dev.graft.nn.Parameter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Without the tape a model reads its parameters through views that kernels may keep packed data
 * for; a parameter given a new value (an optimizer step, a loaded checkpoint) must be seen at once.
 */
class InferenceWeightsTest {

    private static OnnxModel convModel(float[] weight) {
        return OnnxImporter.load(new ModelBuilder().opset(13).input("x", 1, 2, 6, 6).output("y")
                .floatInit("w", weight, 3, 2, 3, 3)
                .node("conv", "Conv", List.of("x", "w"), List.of("y"), ModelBuilder.Attr.ints("pads", 1, 1, 1, 1))
                .build());
    }

    private static float[] run(OnnxModel m, Tensor x) {
        try (var noGrad = GradMode.noGrad()) {
            return m.forward(x).toArray();
        }
    }

    @Test
    void aNewParameterValueIsUsedByTheNextRun() {
        Tensor w = Tensor.randn(1, 3, 2, 3, 3);
        OnnxModel m = convModel(w.toArray());
        Tensor x = Tensor.randn(2, 1, 2, 6, 6);
        float[] first = run(m, x);
        assertArrayEquals(first, run(m, x));
        assertArrayEquals(x.conv2d(w, null, Conv2dSpec.of(1, 1, 1, 1)).toArray(), first, 1e-6f);

        Parameter p = m.namedParameters().values().iterator().next();
        assertEquals(List.of(3, 2, 3, 3), Arrays.stream(p.shape()).boxed().toList());
        Tensor changed = w.mul(2f).add(0.25f);
        p.set(changed);
        float[] after = run(m, x);
        assertFalse(Arrays.equals(first, after), "the run kept the old weights");
        assertArrayEquals(x.conv2d(changed, null, Conv2dSpec.of(1, 1, 1, 1)).toArray(), after, 1e-6f);
    }

    @Test
    void runsWithAndWithoutTheTapeAgree() {
        OnnxModel m = convModel(Tensor.randn(4, 3, 2, 3, 3).toArray());
        Tensor x = Tensor.randn(5, 1, 2, 6, 6);
        float[] inference = run(m, x);
        float[] taped = m.forward(x).toArray();
        assertArrayEquals(taped, inference);
        assertArrayEquals(taped, run(m, x));
    }
}
