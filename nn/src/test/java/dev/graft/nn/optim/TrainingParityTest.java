package dev.graft.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import dev.graft.nn.Parameter;
import dev.graft.nn.checkpoint.Json;
import dev.graft.nn.checkpoint.SafeTensors;
import dev.graft.nn.checkpoint.TensorFile;
import dev.graft.nn.loss.CrossEntropyLoss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays, with graft's layers, the parity script's PyTorch training runs (20 steps of SGD with
 * momentum or AdamW with one parameter group per layer) from the same initial weights and
 * batches, and checks every step's loss, the final weights and the BatchNorm running statistics.
 */
class TrainingParityTest {

    private static final double TOLERANCE = 1e-4;

    static Path resource(String name) throws Exception {
        return Path.of(TrainingParityTest.class.getResource("/parity/" + name).toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cnn_sgd", "cnn_adamw", "mlp_sgd", "mlp_adamw"})
    void reproducesPyTorchTraining(String run) throws Exception {
        TensorFile file = SafeTensors.read(resource(run + ".safetensors"));
        Module model = run.startsWith("cnn") ? new ParityModels.Cnn() : new ParityModels.Mlp();
        model.loadStateDict(prefixed(file, "init."), true);

        Map<?, ?> lossSettings = (Map<?, ?>) Json.parse(file.metadata().get("loss"));
        CrossEntropyLoss loss = new CrossEntropyLoss();
        if (lossSettings.get("weight") instanceof List<?> w) {
            float[] weight = floats(w);
            loss = loss.weight(Tensor.of(weight, weight.length));
        }
        if (lossSettings.get("label_smoothing") instanceof Number ls) {
            loss = loss.labelSmoothing(ls.doubleValue());
        }
        Optimizer optimizer = optimizer(model, (Map<?, ?>) Json.parse(file.metadata().get("optimizer")));
        String clip = file.metadata().get("clip_grad_norm");

        int steps = Integer.parseInt(file.metadata().get("steps"));
        int batches = Integer.parseInt(file.metadata().get("batches"));
        float[] expectedLoss = file.floatTensor("loss").toArray();
        assertEquals(steps, expectedLoss.length);
        double worstLoss = 0;
        model.train();
        for (int step = 0; step < steps; step++) {
            Tensor x = file.floatTensor("batch" + step % batches + ".x");
            LongTensor y = file.longTensor("batch" + step % batches + ".y");
            optimizer.zeroGrad();
            Tensor value = loss.forward(model.forward(x), y);
            value.backward();
            if (!clip.isEmpty()) {
                GradClip.clipGradNorm(model.parameters(), Double.parseDouble(clip));
            }
            optimizer.step();
            double rel = Math.abs(value.item() - expectedLoss[step]) / Math.abs(expectedLoss[step]);
            worstLoss = Math.max(worstLoss, rel);
            assertTrue(rel <= TOLERANCE, run + " step " + step + ": loss " + value.item() + ", PyTorch "
                    + expectedLoss[step] + " (relative error " + rel + ")");
        }

        double worstWeight = 0;
        Map<String, Tensor> finalState = prefixed(file, "final.");
        for (var e : model.stateDict().entrySet()) {
            float[] actual = e.getValue().toArray();
            float[] expected = finalState.get(e.getKey()).toArray();
            assertEquals(expected.length, actual.length, e.getKey());
            for (int i = 0; i < actual.length; i++) {
                double err = Math.abs(actual[i] - expected[i]) / Math.max(1.0, Math.abs(expected[i]));
                worstWeight = Math.max(worstWeight, err);
                assertTrue(err <= TOLERANCE, run + " final " + e.getKey() + "[" + i + "] = " + actual[i]
                        + ", PyTorch " + expected[i]);
            }
        }
        System.out.printf("parity %s: max relative loss error %.3g, max weight/buffer error %.3g%n",
                run, worstLoss, worstWeight);
    }

    /** The file's tensors under {@code prefix}, with int64 ones (BatchNorm's batch counter) as floats. */
    private static Map<String, Tensor> prefixed(TensorFile file, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        file.floats().forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        file.longs().forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v.toFloat());
            }
        });
        return out;
    }

    private static Optimizer optimizer(Module model, Map<?, ?> s) {
        double wd = ((Number) s.get("weight_decay")).doubleValue();
        if (s.get("type").equals("sgd")) {
            return new SGD(model, new SGD.Options().lr(((Number) s.get("lr")).doubleValue())
                    .momentum(((Number) s.get("momentum")).doubleValue())
                    .dampening(((Number) s.get("dampening")).doubleValue())
                    .nesterov((Boolean) s.get("nesterov")).weightDecay(wd));
        }
        List<?> lrs = (List<?>) s.get("group_lrs");
        List<?> betas = (List<?>) s.get("betas");
        List<ParamGroup> groups = new ArrayList<>();
        int i = 0;
        for (Module child : model.namedChildren().values()) {
            List<Parameter> params = child.parameters();
            if (!params.isEmpty()) {
                groups.add(ParamGroup.of(params).lr(((Number) lrs.get(i++)).doubleValue()));
            }
        }
        assertEquals(lrs.size(), groups.size());
        return new AdamW(groups, new Adam.Options().lr(((Number) lrs.get(0)).doubleValue())
                .betas(((Number) betas.get(0)).doubleValue(), ((Number) betas.get(1)).doubleValue())
                .eps(((Number) s.get("eps")).doubleValue()).weightDecay(wd));
    }

    static float[] floats(List<?> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).floatValue();
        }
        return out;
    }
}
