package dev.graft.nn.layers;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;

/**
 * The Gaussian error linear unit, as torch.nn.GELU: exactly {@code x * Phi(x) = x (1 + erf(x / sqrt 2)) / 2},
 * or with {@code approximate = "tanh"} the form {@code x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2}
 * that GPT-2 and some BERT exports were trained with.
 */
public final class GELU extends Module {

    private final boolean tanhApproximation;

    /** Creates the exact (erf) form, PyTorch's default. */
    public GELU() {
        this(false);
    }

    /** @param tanhApproximation use the tanh form (PyTorch's {@code approximate="tanh"}) instead of erf */
    public GELU(boolean tanhApproximation) {
        this.tanhApproximation = tanhApproximation;
    }

    /** @return whether this layer uses the tanh form */
    public boolean tanhApproximation() {
        return tanhApproximation;
    }

    @Override
    public Tensor forward(Tensor input) {
        return tanhApproximation ? input.geluTanh() : input.gelu();
    }

    @Override
    public String toString() {
        return tanhApproximation ? "GELU(tanh)" : "GELU";
    }
}
