package dev.graft.nn.layers;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import java.util.function.UnaryOperator;

/** A parameter-free elementwise module: ReLU, GELU, SiLU, ... (one factory each). */
public final class Activation extends Module {

    private final String name;
    private final UnaryOperator<Tensor> function;

    private Activation(String name, UnaryOperator<Tensor> function) {
        this.name = name;
        this.function = function;
    }

    /** @return ReLU */
    public static Activation relu() {
        return new Activation("ReLU", Tensor::relu);
    }

    /** @return ReLU6 */
    public static Activation relu6() {
        return new Activation("ReLU6", Tensor::relu6);
    }

    /** @return LeakyReLU with the given negative slope */
    public static Activation leakyRelu(float slope) {
        return new Activation("LeakyReLU(" + slope + ")", x -> x.leakyRelu(slope));
    }

    /** @return GELU, exact (erf) form */
    public static Activation gelu() {
        return new Activation("GELU", Tensor::gelu);
    }

    /** @return GELU, tanh approximation */
    public static Activation geluTanh() {
        return new Activation("GELU(tanh)", Tensor::geluTanh);
    }

    /** @return SiLU (swish) */
    public static Activation silu() {
        return new Activation("SiLU", Tensor::silu);
    }

    /** @return the logistic sigmoid */
    public static Activation sigmoid() {
        return new Activation("Sigmoid", Tensor::sigmoid);
    }

    /** @return tanh */
    public static Activation tanh() {
        return new Activation("Tanh", Tensor::tanh);
    }

    /** @return PyTorch's HardSigmoid, {@code relu6(x + 3) / 6} */
    public static Activation hardSigmoid() {
        return new Activation("HardSigmoid", x -> x.hardSigmoid(1f / 6f, 0.5f));
    }

    /** @return HardSwish */
    public static Activation hardSwish() {
        return new Activation("HardSwish", Tensor::hardSwish);
    }

    /** @return softmax over {@code axis} */
    public static Activation softmax(int axis) {
        return new Activation("Softmax(" + axis + ")", x -> x.softmax(axis));
    }

    @Override
    public Tensor forward(Tensor input) {
        return function.apply(input);
    }

    @Override
    public String toString() {
        return name;
    }
}
