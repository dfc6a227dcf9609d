package dev.graft.nn.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.Tensor;
import dev.graft.nn.Parameter;
import dev.graft.nn.checkpoint.Json;
import dev.graft.nn.checkpoint.SafeTensors;
import dev.graft.nn.checkpoint.TensorFile;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Single-tensor optimizer trajectories against {@code torch.optim} for every optimizer and option. */
class OptimizerParityTest {

    static TensorFile file() throws Exception {
        return SafeTensors.read(TrainingParityTest.resource("optimizers.safetensors"));
    }

    static Stream<String> cases() throws Exception {
        return file().metadata().keySet().stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void followsPyTorchTrajectory(String name) throws Exception {
        TensorFile f = file();
        Map<?, ?> s = (Map<?, ?>) Json.parse(f.metadata().get(name));
        Parameter p = new Parameter(f.floatTensor("init"));
        Optimizer opt = make(List.of(ParamGroup.of(List.of(p))), s);
        Tensor grads = f.floatTensor("grads");
        Tensor trajectory = f.floatTensor(name + ".trajectory");
        for (int step = 0; step < grads.size(0); step++) {
            Tensor g = grads.slice(0, step, step + 1, 1).squeeze(0);
            p.zeroGrad();
            p.value().backward(g.contiguous());
            opt.step();
            float[] expected = trajectory.slice(0, step, step + 1, 1).toArray();
            float[] actual = p.value().toArray();
            for (int i = 0; i < expected.length; i++) {
                assertTrue(Math.abs(expected[i] - actual[i]) <= 2e-6 * Math.max(1, Math.abs(expected[i])),
                        name + " step " + step + " [" + i + "] = " + actual[i] + ", PyTorch " + expected[i]);
            }
        }
    }

    private static double num(Map<?, ?> s, String key, double fallback) {
        return s.get(key) instanceof Number n ? n.doubleValue() : fallback;
    }

    static Optimizer make(List<ParamGroup> groups, Map<?, ?> s) {
        double lr = num(s, "lr", 0);
        double wd = num(s, "weight_decay", 0);
        return switch ((String) s.get("type")) {
            case "SGD" -> new SGD(groups, new SGD.Options().lr(lr).momentum(num(s, "momentum", 0))
                    .dampening(num(s, "dampening", 0)).weightDecay(wd).nesterov(Boolean.TRUE.equals(s.get("nesterov"))));
            case "Adam", "AdamW" -> {
                List<?> betas = (List<?>) s.get("betas");
                Adam.Options o = new Adam.Options().lr(lr).weightDecay(wd).eps(num(s, "eps", 1e-8))
                        .amsgrad(Boolean.TRUE.equals(s.get("amsgrad")))
                        .betas(((Number) betas.get(0)).doubleValue(), ((Number) betas.get(1)).doubleValue());
                yield s.get("type").equals("Adam") ? new Adam(groups, o) : new AdamW(groups, o);
            }
            case "RMSprop" -> new RMSprop(groups, new RMSprop.Options().lr(lr).alpha(num(s, "alpha", 0.99))
                    .eps(num(s, "eps", 1e-8)).momentum(num(s, "momentum", 0))
                    .centered(Boolean.TRUE.equals(s.get("centered"))).weightDecay(wd));
            default -> throw new AssertionError("unknown optimizer " + s.get("type"));
        };
    }
}
