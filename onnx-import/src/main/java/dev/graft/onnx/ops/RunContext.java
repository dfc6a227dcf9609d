package dev.graft.onnx.ops;

import dev.graft.engine.Tensor;
import java.util.Random;

/** What a kernel may ask of the model running it. */
public interface RunContext {

    /** @return whether the model is in training mode (batch statistics, active dropout) */
    boolean training();

    /**
     * @param tensorName an ONNX tensor name
     * @return whether that tensor is a parameter at all (an initializer held as a Parameter)
     */
    boolean isParameter(String tensorName);

    /**
     * @param tensorName an ONNX tensor name
     * @return whether that tensor is a trainable parameter right now
     */
    boolean isTrainable(String tensorName);

    /**
     * Stores a new value for a buffer-backed initializer, such as a BatchNormalization running mean.
     *
     * @param tensorName the ONNX initializer name
     * @param value the new value (same shape)
     */
    void updateBuffer(String tensorName, Tensor value);

    /** @return the model's random source (dropout masks) */
    Random random();
}
