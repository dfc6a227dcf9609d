package dev.graft.onnx.export;

import static dev.graft.onnx.export.RoundTrip.check;
import static dev.graft.onnx.export.RoundTrip.input;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.Conv2dSpec;
import dev.graft.engine.Pool2dSpec;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import dev.graft.nn.layers.AdaptiveAvgPool2d;
import dev.graft.nn.layers.AvgPool2d;
import dev.graft.nn.layers.BatchNorm1d;
import dev.graft.nn.layers.BatchNorm2d;
import dev.graft.nn.layers.Conv2d;
import dev.graft.nn.layers.Dropout;
import dev.graft.nn.layers.Flatten;
import dev.graft.nn.layers.GELU;
import dev.graft.nn.layers.HardSigmoid;
import dev.graft.nn.layers.HardSwish;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every exportable layer on its own, after a Linear or Conv2d that spreads its input, at every
 * opset where the exporter writes it differently (LayerNormalization from 17, HardSwish from 14,
 * Softmax from 13, Clip and Gemm without bias from 11, ceil-mode pooling from 10, Erf from 9),
 * against ONNX Runtime and graft's importer at batch sizes 1 and 7. Inputs are scaled by 3 so
 * clipping activations see both sides of their corners.
 */
class ExportLayersTest {

    private static final int[] OPSETS = {9, 10, 11, 13, 14, 17, 20};

    /** A layer case: builds the model from a seed and names its per-sample input shape. */
    private record Case(String name, Function<Random, Module> build, int[] sample, int minOpset) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case vec(String name, Function<Random, Module> layer) {
        return new Case(name, r -> new Sequential(new Linear(6, 6, r), layer.apply(r)), new int[] {6}, 1);
    }

    private static Case img(String name, Function<Random, Module> layer) {
        return img(name, layer, 1);
    }

    private static Case img(String name, Function<Random, Module> layer, int minOpset) {
        return new Case(name, r -> new Sequential(new Conv2d(2, 4, 3, 1, 1, 1, 1, true, r), layer.apply(r)),
                new int[] {2, 7, 6}, minOpset);
    }

    static Stream<Arguments> cases() {
        List<Case> cases = List.of(
                new Case("Linear", r -> new Linear(6, 5, r), new int[] {6}, 1),
                new Case("Linear without bias", r -> new Linear(6, 5, false, r), new int[] {6}, 1),
                new Case("Linear on rank 3", r -> new Linear(6, 5, r), new int[] {4, 6}, 1),
                new Case("Linear without bias on rank 3", r -> new Linear(6, 5, false, r), new int[] {4, 6}, 1),
                vec("BatchNorm1d", r -> new BatchNorm1d(6)),
                new Case("BatchNorm1d on [N, C, L]", r -> new Sequential(new Linear(5, 5, r), new BatchNorm1d(3)),
                        new int[] {3, 5}, 1),
                vec("BatchNorm1d without affine", r -> new BatchNorm1d(6, 1e-3f, 0.2f, false)),
                new Case("LayerNorm on rank 3", r -> new Sequential(new Linear(6, 6, r), new LayerNorm(6, 1e-4f)),
                        new int[] {3, 6}, 1),
                vec("GELU", r -> new GELU()),
                vec("GELU tanh", r -> new GELU(true)),
                vec("ReLU", r -> new ReLU()),
                vec("ReLU6", r -> new ReLU6()),
                vec("LeakyReLU", r -> new LeakyReLU(0.2f)),
                vec("Tanh", r -> new Tanh()),
                vec("Sigmoid", r -> new Sigmoid()),
                vec("SiLU", r -> new SiLU()),
                vec("HardSigmoid", r -> new HardSigmoid()),
                vec("HardSwish", r -> new HardSwish()),
                vec("Dropout", r -> new Dropout(0.5f, 3L)),
                vec("Softmax", r -> new Softmax(-1)),
                new Case("Softmax over axis 1 of rank 3", r -> new Sequential(new Linear(6, 6, r), new Softmax(1)),
                        new int[] {4, 6}, 1),
                vec("Residual with projection", r -> new Residual(new Sequential(new Linear(6, 6, r), new SiLU()),
                        new Linear(6, 6, r))),
                img("BatchNorm2d", r -> new BatchNorm2d(4)),
                img("Conv2d strided, dilated, grouped, asymmetric padding",
                        r -> new Conv2d(4, 6, 3, new Conv2dSpec(2, 1, 1, 0, 2, 1, 1, 2, 2), true, r)),
                img("Conv2d depthwise without bias", r -> new Conv2d(4, 4, 3, Conv2dSpec.of(1, 1, 1, 4), false, r)),
                img("MaxPool2d", r -> new MaxPool2d(3, 2, 1)),
                img("MaxPool2d ceil mode", r -> new MaxPool2d(new Pool2dSpec(2, 2, 2, 2, 0, 0, 0, 0, true)), 10),
                img("AvgPool2d", r -> new AvgPool2d(3, 2, 1)),
                img("AvgPool2d excluding padding", r -> new AvgPool2d(new Pool2dSpec(3, 2, 2, 1, 1, 0, 1, 1, false), false)),
                img("AdaptiveAvgPool2d(1) and Flatten", r -> new Sequential(new AdaptiveAvgPool2d(1), new Flatten())),
                img("Flatten", r -> new Flatten()),
                img("AvgPool2d ceil mode", r -> new AvgPool2d(new Pool2dSpec(3, 3, 2, 2, 0, 0, 0, 0, true), true), 10),
                img("AvgPool2d ceil mode excluding padding",
                        r -> new AvgPool2d(new Pool2dSpec(2, 3, 2, 2, 0, 0, 0, 0, true), false), 10));
        List<Arguments> out = new ArrayList<>();
        for (Case c : cases) {
            for (int opset : OPSETS) {
                out.add(Arguments.of(c, opset));
            }
        }
        return out.stream();
    }

    private static int[] batch(int n, int[] sample) {
        int[] s = new int[sample.length + 1];
        s[0] = n;
        System.arraycopy(sample, 0, s, 1, sample.length);
        return s;
    }

    @ParameterizedTest(name = "{0} at opset {1}")
    @MethodSource("cases")
    void layerMatches(Case c, int opset) throws Exception {
        Module model = c.build().apply(new Random(opset));
        // a few steps so that BatchNorm statistics leave their initial 0 and 1
        RoundTrip.train(model, 2, () -> model.forward(Tensor.randn(opset, batch(8, c.sample())).mul(3f)).square().mean());
        OnnxExport export = OnnxExport.from(model, "x", batch(1, c.sample())).opset(opset);
        if (opset < c.minOpset()) {
            OnnxExportException e = assertThrows(OnnxExportException.class, export::toBytes);
            assertTrue(e.getMessage().contains("opset " + c.minOpset()), e.getMessage());
            return;
        }
        byte[] file = export.toBytes();
        List<Map<String, dev.graft.onnx.Value>> inputs = List.of(
                input("x", Tensor.randn(100 + opset, batch(1, c.sample())).mul(3f)),
                input("x", Tensor.randn(200 + opset, batch(7, c.sample())).mul(3f)));
        check(c.name() + " at opset " + opset, file, inputs, in -> model.forward(in.get("x").floatTensor()));
    }
}
