package dev.graft.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class ActivationsTest {

    private static final float[] XS = {-7f, -3.5f, -3f, -2.2f, -1f, -0.3f, 0f, 0.25f, 1f, 2.9f, 3f, 4.5f, 6f, 8f};

    /** erf as its defining integral {@code 2/sqrt(pi) * integral of exp(-t^2) from 0 to x}, by Simpson's rule. */
    private static double erf(double x) {
        int steps = 4000;
        double h = x / steps;
        double sum = 1 + Math.exp(-x * x);
        for (int i = 1; i < steps; i++) {
            double t = i * h;
            sum += (i % 2 == 1 ? 4 : 2) * Math.exp(-t * t);
        }
        return 2 / Math.sqrt(Math.PI) * sum * h / 3;
    }

    private static void check(Module layer, DoubleUnaryOperator expected, double tol) {
        float[] y = layer.forward(Tensor.of(XS.clone(), XS.length)).toArray();
        for (int i = 0; i < XS.length; i++) {
            assertEquals(expected.applyAsDouble(XS[i]), y[i], tol, layer + " at " + XS[i]);
        }
    }

    @Test
    void eachActivationMatchesItsDefinition() {
        check(new ReLU(), x -> Math.max(x, 0), 0);
        check(new ReLU6(), x -> Math.min(Math.max(x, 0), 6), 0);
        check(new LeakyReLU(), x -> x > 0 ? x : 0.01 * x, 1e-7);
        check(new LeakyReLU(0.2f), x -> x > 0 ? x : 0.2 * x, 1e-6);
        check(new SiLU(), x -> x / (1 + Math.exp(-x)), 1e-6);
        check(new Sigmoid(), x -> 1 / (1 + Math.exp(-x)), 1e-6);
        check(new Tanh(), Math::tanh, 1e-6);
        check(new HardSigmoid(), x -> Math.min(Math.max(x + 3, 0), 6) / 6, 1e-6);
        check(new HardSwish(), x -> x * Math.min(Math.max(x + 3, 0), 6) / 6, 1e-6);
    }

    @Test
    void geluExactAndTanhForms() {
        check(new GELU(), x -> 0.5 * x * (1 + erf(x / Math.sqrt(2))), 1e-5);
        check(new GELU(true), x -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))), 1e-5);
        float[] exact = new GELU().forward(Tensor.of(new float[] {1f}, 1)).toArray();
        float[] approx = new GELU(true).forward(Tensor.of(new float[] {1f}, 1)).toArray();
        assertTrue(exact[0] != approx[0], "the two forms differ slightly at 1");
    }

    @Test
    void softmaxNormalisesTheChosenAxis() {
        float[] x = Tensor.randn(1, 2, 3).toArray();
        float[] y = new Softmax(0).forward(Tensor.of(x, 2, 3)).toArray();
        for (int col = 0; col < 3; col++) {
            double z = Math.exp(x[col]) + Math.exp(x[3 + col]);
            assertEquals(Math.exp(x[col]) / z, y[col], 1e-6);
            assertEquals(Math.exp(x[3 + col]) / z, y[3 + col], 1e-6);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Softmax(2).forward(Tensor.of(x, 2, 3)));
        assertTrue(e.getMessage().contains("Softmax(2)") && e.getMessage().contains("rank 2"), e.getMessage());
    }

    @Test
    void activationsHaveNoParameters() {
        for (Module m : new Module[] {new ReLU(), new GELU(), new Softmax(-1), new LeakyReLU()}) {
            assertTrue(m.namedParameters().isEmpty(), m.toString());
        }
    }
}
