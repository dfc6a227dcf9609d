package dev.graft.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.Tensor;
import dev.graft.nn.Parameter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Optimizer updates against their formulas computed here in double, and the bookkeeping around them. */
class OptimizerBehaviourTest {

    private static void setGrad(Parameter p, float... g) {
        p.zeroGrad();
        p.value().backward(Tensor.of(g, g.length));
    }

    @Test
    void sgdNesterovWithDampeningFreeMomentumAndWeightDecay() {
        Parameter p = new Parameter(Tensor.of(new float[] {1f, -2f}, 2));
        SGD opt = new SGD(List.of(ParamGroup.of(List.of(p))),
                new SGD.Options().lr(0.1).momentum(0.9).nesterov(true).weightDecay(0.01));
        double[] x = {1, -2};
        double[] buf = null;
        float[][] grads = {{0.5f, -1f}, {0.25f, 0.75f}, {-0.5f, 0.1f}};
        for (float[] g : grads) {
            setGrad(p, g);
            opt.step();
            double[] d = {g[0] + 0.01 * x[0], g[1] + 0.01 * x[1]};
            buf = buf == null ? d.clone() : new double[] {0.9 * buf[0] + d[0], 0.9 * buf[1] + d[1]};
            x = new double[] {x[0] - 0.1 * (d[0] + 0.9 * buf[0]), x[1] - 0.1 * (d[1] + 0.9 * buf[1])};
            assertEquals(x[0], p.value().get(0), 1e-6);
            assertEquals(x[1], p.value().get(1), 1e-6);
        }
    }

    @Test
    void adamWDecaysDecoupledFromTheMoments() {
        Parameter p = new Parameter(Tensor.of(new float[] {0.5f}, 1));
        AdamW opt = new AdamW(List.of(ParamGroup.of(List.of(p))), new Adam.Options().lr(0.01).weightDecay(0.1));
        double x = 0.5;
        double m = 0;
        double v = 0;
        float[] grads = {0.3f, -0.2f, 0.05f};
        for (int t = 1; t <= grads.length; t++) {
            setGrad(p, grads[t - 1]);
            opt.step();
            x *= 1 - 0.01 * 0.1;
            m = 0.9 * m + 0.1 * grads[t - 1];
            v = 0.999 * v + 0.001 * grads[t - 1] * grads[t - 1];
            double mHat = m / (1 - Math.pow(0.9, t));
            double vHat = v / (1 - Math.pow(0.999, t));
            x -= 0.01 * mHat / (Math.sqrt(vHat) + 1e-8);
            assertEquals(x, p.value().get(0), 1e-6, "step " + t);
        }
        assertEquals(3f, opt.stateDict().get("0.step").item());
    }

    @Test
    void frozenParametersAndParametersWithoutGradientAreSkipped() {
        Parameter trained = new Parameter(Tensor.ones(2));
        Parameter frozen = new Parameter(Tensor.ones(2));
        Parameter unused = new Parameter(Tensor.ones(2));
        Adam opt = new Adam(List.of(ParamGroup.of(List.of(trained, frozen, unused))), new Adam.Options().lr(0.1));
        setGrad(trained, 1f, 1f);
        setGrad(frozen, 1f, 1f);
        frozen.setTrainable(false);
        opt.step();
        assertTrue(trained.value().get(0) < 1f, "the trainable parameter moved");
        assertArrayEquals(new float[] {1f, 1f}, frozen.value().toArray());
        assertArrayEquals(new float[] {1f, 1f}, unused.value().toArray());
        assertEquals(List.of("0.step", "0.exp_avg", "0.exp_avg_sq"), List.copyOf(opt.stateDict().keySet()),
                "skipped parameters get no state");
    }

    @Test
    void paramGroupsCarryTheirOwnLearningRateAndWeightDecay() {
        Parameter backbone = new Parameter(Tensor.ones(1));
        Parameter head = new Parameter(Tensor.ones(1));
        SGD opt = new SGD(List.of(ParamGroup.of(List.of(backbone)).lr(1e-3),
                ParamGroup.of(List.of(head)).weightDecay(0.5)), new SGD.Options().lr(0.1));
        setGrad(backbone, 1f);
        setGrad(head, 1f);
        opt.step();
        assertEquals(1 - 1e-3, backbone.value().get(0), 1e-7);
        assertEquals(1 - 0.1 * 1.5, head.value().get(0), 1e-7);
        assertEquals(0.1, opt.paramGroups().get(1).lr());
        assertEquals(1e-3, opt.paramGroups().get(0).initialLr());
        opt.zeroGrad();
        assertNull(head.grad());
    }

    @Test
    void misuseIsRejectedWithClearMessages() {
        Parameter p = new Parameter(Tensor.ones(1));
        ParamGroup g = ParamGroup.of(List.of(p));
        new SGD(List.of(g), new SGD.Options());
        var e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(g), new SGD.Options()));
        assertTrue(e.getMessage().contains("already used"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(
                List.of(ParamGroup.of(List.of(p)), ParamGroup.of(List.of(p))), new SGD.Options()));
        assertTrue(e.getMessage().contains("more than one place"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SGD(List.of(ParamGroup.of(List.of(p))), new SGD.Options().nesterov(true)));
        assertTrue(e.getMessage().contains("Nesterov"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ParamGroup.of(List.of(p)).lr(-1));
        assertThrows(IllegalStateException.class, () -> ParamGroup.of(List.of(p)).lr());
    }

    @Test
    void stateDictRoundTripsAndRejectsBadKeys() {
        Parameter a = new Parameter(Tensor.of(new float[] {1f, 2f}, 2));
        Parameter b = new Parameter(Tensor.of(new float[] {1f, 2f}, 2));
        RMSprop first = new RMSprop(List.of(ParamGroup.of(List.of(a))), new RMSprop.Options().momentum(0.5).centered(true));
        RMSprop second = new RMSprop(List.of(ParamGroup.of(List.of(b))), new RMSprop.Options().momentum(0.5).centered(true));
        setGrad(a, 0.3f, -0.1f);
        first.step();
        second.loadStateDict(first.stateDict());
        b.set(a.value());
        setGrad(a, 0.2f, 0.4f);
        setGrad(b, 0.2f, 0.4f);
        first.step();
        second.step();
        assertArrayEquals(a.value().toArray(), b.value().toArray(), "restored state continues identically");

        var e = assertThrows(IllegalArgumentException.class,
                () -> second.loadStateDict(Map.of("0.exp_avg", Tensor.zeros(2), "3.square_avg", Tensor.zeros(2),
                        "0.square_avg", Tensor.zeros(3))));
        assertTrue(e.getMessage().contains("no slot 'exp_avg'"), e.getMessage());
        assertTrue(e.getMessage().contains("'3.square_avg' does not start with a parameter index in [0, 1)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("'0.square_avg' has shape [3], expected [2]"), e.getMessage());
    }

    @Test
    void clipGradNormScalesAllGradientsTogether() {
        Parameter a = new Parameter(Tensor.zeros(2));
        Parameter b = new Parameter(Tensor.zeros(1));
        Parameter none = new Parameter(Tensor.zeros(1));
        setGrad(a, 3f, 0f);
        setGrad(b, 4f);
        double norm = GradClip.clipGradNorm(List.of(a, b, none), 1.0);
        assertEquals(5.0, norm, 1e-6);
        double coef = 1.0 / (5.0 + 1e-6);
        assertEquals(3 * coef, a.grad().get(0), 1e-7);
        assertEquals(4 * coef, b.grad().get(0), 1e-7);
        assertNull(none.grad());
        assertEquals(1.0, GradClip.clipGradNorm(List.of(a, b), 10.0), 1e-5);
        assertEquals(4 * coef, b.grad().get(0), 1e-7, "below the limit nothing changes");
    }

    @Test
    void schedulersResumeFromTheirStateDict() {
        Parameter p = new Parameter(Tensor.zeros(1));
        SGD opt = new SGD(List.of(ParamGroup.of(List.of(p)).lr(0.2)), new SGD.Options());
        StepLR first = new StepLR(opt, 2, 0.5);
        for (int i = 0; i < 5; i++) {
            first.step();
        }
        Map<String, String> saved = first.stateDict();
        SGD opt2 = new SGD(List.of(ParamGroup.of(List.of(new Parameter(Tensor.zeros(1)))).lr(0.2)), new SGD.Options());
        StepLR second = new StepLR(opt2, 2, 0.5);
        second.loadStateDict(saved);
        assertEquals(first.lastLr(), second.lastLr());
        first.step();
        second.step();
        assertEquals(first.lastLr(), second.lastLr());
        var e = assertThrows(IllegalArgumentException.class, () -> second.loadStateDict(Map.of()));
        assertTrue(e.getMessage().contains("'scheduler.last_epoch' is missing"), e.getMessage());

        ReduceLROnPlateau plateau = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Mode.MIN);
        plateau.step(1.0);
        plateau.step(2.0);
        ReduceLROnPlateau restored = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Mode.MIN);
        restored.loadStateDict(plateau.stateDict());
        assertEquals(1.0, restored.best());
        assertEquals(1, restored.badEpochs());
        e = assertThrows(IllegalArgumentException.class,
                () -> restored.loadStateDict(Map.of("scheduler.plateau.best", "1", "scheduler.plateau.bad_epochs", "x")));
        assertTrue(e.getMessage().contains("'scheduler.plateau.bad_epochs' is 'x', expected an integer"), e.getMessage());
    }

    @Test
    void warmupCosineFollowsItsFormula() {
        Parameter p = new Parameter(Tensor.zeros(1));
        SGD opt = new SGD(List.of(ParamGroup.of(List.of(p)).lr(0.2)), new SGD.Options());
        WarmupCosineLR sched = new WarmupCosineLR(opt, 4, 14, 0.1);
        for (int step = 0; step <= 16; step++) {
            double expected = step < 4 ? 0.2 * step / 4
                    : 0.02 + 0.18 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1.0, (step - 4) / 10.0)));
            assertEquals(expected, sched.lastLr().get(0), 1e-12, "step " + step);
            sched.step();
        }
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosineLR(opt, 5, 5, 0));
    }
}
