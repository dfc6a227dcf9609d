package dev.graft.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.engine.Tensor;
import dev.graft.nn.Parameter;
import dev.graft.nn.checkpoint.Json;
import dev.graft.nn.checkpoint.SafeTensors;
import dev.graft.nn.checkpoint.TensorFile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Learning-rate sequences of two param groups (base rates 0.1 and 0.02) against {@code torch.optim.lr_scheduler}. */
class SchedulerParityTest {

    private static SGD optimizer() {
        return new SGD(List.of(ParamGroup.of(List.of(new Parameter(Tensor.zeros(1)))).lr(0.1),
                ParamGroup.of(List.of(new Parameter(Tensor.zeros(1)))).lr(0.02)), new SGD.Options().momentum(0.9));
    }

    private static void check(String name, float[][] rows, List<Double> actual, int step) {
        for (int g = 0; g < actual.size(); g++) {
            assertEquals(rows[step][g], actual.get(g), 1e-6 * rows[step][g] + 1e-12,
                    name + ": group " + g + " before step " + step);
        }
    }

    private static float[][] rows(TensorFile f, String name, String what) {
        Tensor t = f.floatTensor(name + "." + what);
        float[] v = t.toArray();
        float[][] out = new float[t.size(0)][t.size(1)];
        for (int r = 0; r < out.length; r++) {
            System.arraycopy(v, r * t.size(1), out[r], 0, t.size(1));
        }
        return out;
    }

    private static void run(TensorFile f, String name, Optimizer opt, LRScheduler sched) {
        float[][] rows = rows(f, name, "lr");
        float[][] momenta = rows(f, name, "momentum");
        for (int step = 0; step < rows.length; step++) {
            check(name, rows, sched.lastLr(), step);
            check(name + " momentum", momenta,
                    List.of(opt.paramGroups().get(0).momentum(), opt.paramGroups().get(1).momentum()), step);
            if (step + 1 < rows.length) {
                sched.step();
            }
        }
    }

    @Test
    void epochSchedulers() throws Exception {
        TensorFile f = SafeTensors.read(TrainingParityTest.resource("schedulers.safetensors"));
        Map<?, ?> step = (Map<?, ?>) Json.parse(f.metadata().get("step"));
        SGD a = optimizer();
        run(f, "step", a, new StepLR(a, ((Number) step.get("step_size")).intValue(), ((Number) step.get("gamma")).doubleValue()));
        SGD b = optimizer();
        run(f, "exponential", b, new ExponentialLR(b, ((Number) ((Map<?, ?>) Json.parse(f.metadata().get("exponential")))
                .get("gamma")).doubleValue()));
        Map<?, ?> oc = (Map<?, ?>) Json.parse(f.metadata().get("one_cycle"));
        SGD c = optimizer();
        run(f, "one_cycle", c, new OneCycleLR(c, ((Number) oc.get("total_steps")).intValue(),
                new OneCycleLR.Options().pctStart(((Number) oc.get("pct_start")).doubleValue())
                        .divFactor(((Number) oc.get("div_factor")).doubleValue())
                        .finalDivFactor(((Number) oc.get("final_div_factor")).doubleValue()).cycleMomentum(false)));
    }

    @Test
    void oneCycleCyclesMomentumAndAdamsBeta1ByDefault() throws Exception {
        TensorFile f = SafeTensors.read(TrainingParityTest.resource("schedulers.safetensors"));
        SGD sgd = optimizer();
        run(f, "one_cycle_momentum_sgd", sgd, new OneCycleLR(sgd, 10));
        Adam adam = new Adam(List.of(ParamGroup.of(List.of(new Parameter(Tensor.zeros(1)))).lr(0.1),
                ParamGroup.of(List.of(new Parameter(Tensor.zeros(1)))).lr(0.02)), new Adam.Options());
        run(f, "one_cycle_momentum_adam", adam, new OneCycleLR(adam, 10));
    }

    @Test
    void reduceOnPlateau() throws Exception {
        TensorFile f = SafeTensors.read(TrainingParityTest.resource("schedulers.safetensors"));
        for (String name : List.of("plateau_min", "plateau_max_abs")) {
            Map<?, ?> s = (Map<?, ?>) Json.parse(f.metadata().get(name));
            SGD opt = optimizer();
            ReduceLROnPlateau sched = new ReduceLROnPlateau(opt,
                    ReduceLROnPlateau.Mode.valueOf(((String) s.get("mode")).toUpperCase()),
                    ((Number) s.get("factor")).doubleValue(), ((Number) s.get("patience")).intValue(),
                    ((Number) s.get("threshold")).doubleValue(),
                    ReduceLROnPlateau.ThresholdMode.valueOf(((String) s.get("threshold_mode")).toUpperCase()),
                    ((Number) s.get("cooldown")).intValue(), ((Number) s.get("min_lr")).doubleValue());
            float[][] rows = rows(f, name, "lr");
            float[] metrics = f.floatTensor(name + ".metric").toArray();
            for (int step = 0; step < rows.length; step++) {
                check(name, rows, List.of(opt.paramGroups().get(0).lr(), opt.paramGroups().get(1).lr()), step);
                if (step < metrics.length) {
                    // The file stores the metrics as float32; none lies close enough to a threshold for that rounding to matter.
                    sched.step(metrics[step]);
                }
            }
        }
    }
}
