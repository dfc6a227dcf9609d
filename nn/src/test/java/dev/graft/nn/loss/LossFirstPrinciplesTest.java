package dev.graft.nn.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import org.junit.jupiter.api.Test;

/** Losses against the textbook formulas evaluated in double precision in the test itself. */
class LossFirstPrinciplesTest {

    private static final float[] LOGITS = {1.5f, -0.5f, 0.25f, 2f, 0.1f, -1f, 0.3f, 0.3f, 0.7f};
    private static final long[] TARGETS = {2, 0, -100};
    private static final float[] WEIGHT = {0.5f, 2f, 1.25f};

    private static double[][] logSoftmax() {
        double[][] out = new double[3][3];
        for (int n = 0; n < 3; n++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 3; c++) {
                max = Math.max(max, LOGITS[n * 3 + c]);
            }
            double sum = 0;
            for (int c = 0; c < 3; c++) {
                sum += Math.exp(LOGITS[n * 3 + c] - max);
            }
            for (int c = 0; c < 3; c++) {
                out[n][c] = LOGITS[n * 3 + c] - max - Math.log(sum);
            }
        }
        return out;
    }

    @Test
    void crossEntropyWithWeightsSmoothingAndIgnoreIndex() {
        double eps = 0.2;
        double[][] lp = logSoftmax();
        double nll = 0;
        double smooth = 0;
        double weightSum = 0;
        for (int n = 0; n < 3; n++) {
            if (TARGETS[n] == -100) {
                continue;
            }
            int t = (int) TARGETS[n];
            nll -= WEIGHT[t] * lp[n][t];
            for (int c = 0; c < 3; c++) {
                smooth -= WEIGHT[c] * lp[n][c];
            }
            weightSum += WEIGHT[t];
        }
        double expectedMean = (1 - eps) * nll / weightSum + eps / 3 * smooth / weightSum;
        double expectedSum = (1 - eps) * nll + eps / 3 * smooth;
        CrossEntropyLoss loss = new CrossEntropyLoss().weight(Tensor.of(WEIGHT, 3)).labelSmoothing(eps);
        Tensor logits = Tensor.of(LOGITS, 3, 3);
        LongTensor targets = LongTensor.of(TARGETS, 3);
        assertEquals(expectedMean, loss.forward(logits, targets).item(), 1e-6);
        assertEquals(expectedSum, loss.reduction(Reduction.SUM).forward(logits, targets).item(), 1e-6);
        Tensor none = loss.reduction(Reduction.NONE).forward(logits, targets);
        assertEquals(0f, none.get(2), "ignored targets contribute nothing");
    }

    @Test
    void crossEntropyGradientIsSoftmaxMinusOneHot() {
        double[][] lp = logSoftmax();
        Tensor logits = Tensor.of(LOGITS.clone(), 3, 3).requiresGrad(true);
        new CrossEntropyLoss().forward(logits, LongTensor.of(TARGETS, 3)).backward();
        for (int n = 0; n < 3; n++) {
            for (int c = 0; c < 3; c++) {
                double expected = TARGETS[n] == -100 ? 0 : (Math.exp(lp[n][c]) - (c == TARGETS[n] ? 1 : 0)) / 2;
                assertEquals(expected, logits.grad().get(n, c), 1e-6, "d loss / d logit[" + n + "][" + c + "]");
            }
        }
    }

    @Test
    void bceWithLogitsMatchesTheProbabilityForm() {
        float[] x = {-3f, -0.2f, 0f, 0.7f, 25f, -25f};
        float[] y = {0f, 1f, 0.5f, 0.3f, 1f, 0f};
        float[] pw = {2f, 2f, 2f, 2f, 2f, 2f};
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double p = 1 / (1 + Math.exp(-x[i]));
            sum += -(pw[i] * y[i] * Math.log(p) + (1 - y[i]) * Math.log1p(-p));
        }
        Tensor out = new BCEWithLogitsLoss().posWeight(Tensor.of(pw, 6)).reduction(Reduction.SUM)
                .forward(Tensor.of(x, 6), Tensor.of(y, 6));
        assertEquals(sum, out.item(), 1e-5);
        assertTrue(Float.isFinite(out.item()), "extreme logits must not overflow");
    }

    @Test
    void regressionLosses() {
        float[] a = {0.5f, -1f, 3f, 0.1f};
        float[] b = {0f, 1f, 1.5f, 0.1f};
        double mse = 0;
        double l1 = 0;
        double huber = 0;
        double delta = 1.2;
        for (int i = 0; i < 4; i++) {
            double d = a[i] - b[i];
            mse += d * d / 4;
            l1 += Math.abs(d) / 4;
            huber += (Math.abs(d) < delta ? 0.5 * d * d : delta * (Math.abs(d) - 0.5 * delta)) / 4;
        }
        Tensor x = Tensor.of(a, 4);
        Tensor y = Tensor.of(b, 4);
        assertEquals(mse, new MSELoss().forward(x, y).item(), 1e-6);
        assertEquals(l1, new L1Loss().forward(x, y).item(), 1e-6);
        assertEquals(huber, new HuberLoss(delta, Reduction.MEAN).forward(x, y).item(), 1e-6);
    }

    @Test
    void badInputsAreNamed() {
        Tensor logits = Tensor.of(LOGITS, 3, 3);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new CrossEntropyLoss().forward(logits, LongTensor.of(new long[] {0, 3, 1}, 3)));
        assertTrue(e.getMessage().contains("target 3") && e.getMessage().contains("[0, 3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new NLLLoss().forward(logits, LongTensor.of(new long[] {0, 1}, 2)));
        assertTrue(e.getMessage().contains("expected [3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new CrossEntropyLoss().weight(Tensor.ones(4)).forward(logits, LongTensor.of(TARGETS, 3)));
        assertTrue(e.getMessage().contains("class weight has shape [4], expected [3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MSELoss().forward(Tensor.ones(2, 3), Tensor.ones(3)));
        assertTrue(e.getMessage().contains("MSELoss"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CrossEntropyLoss().labelSmoothing(1.5));
        assertThrows(IllegalArgumentException.class, () -> new HuberLoss(0, Reduction.MEAN));
    }
}
