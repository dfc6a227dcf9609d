package dev.graft.nn;

import dev.graft.engine.Tensor;
import java.util.Arrays;

/**
 * A learnable tensor of a {@link Module}, with its own trainable flag.
 *
 * <p>The current value is a leaf tensor that requires grad exactly when the parameter is
 * trainable, so a frozen parameter receives no gradient and ops that only see frozen inputs
 * record nothing on the tape. Optimizers replace the value with {@link #set(Tensor)}; the shape
 * never changes.
 */
public final class Parameter {

    private Tensor value;
    private boolean trainable = true;

    /**
     * @param initial the initial value (detached and copied into a fresh leaf)
     */
    public Parameter(Tensor initial) {
        this.value = leaf(initial);
    }

    private Tensor leaf(Tensor t) {
        return Tensor.of(t.toArray(), t.shape()).requiresGrad(trainable);
    }

    /** @return the current value, a leaf tensor */
    public Tensor value() {
        return value;
    }

    /**
     * Replaces the value, keeping the trainable flag. The old gradient is dropped.
     *
     * @throws IllegalArgumentException if the shape differs
     */
    public void set(Tensor newValue) {
        if (!Arrays.equals(newValue.shape(), value.shape())) {
            throw new IllegalArgumentException("Parameter.set: new value has shape " + Arrays.toString(newValue.shape())
                    + ", expected " + Arrays.toString(value.shape()));
        }
        value = leaf(newValue);
    }

    /** @return the gradient accumulated by the last backward passes, or null */
    public Tensor grad() {
        return value.grad();
    }

    /** Drops the accumulated gradient. */
    public void zeroGrad() {
        value.zeroGrad();
    }

    /** @return whether optimizers update this parameter and backward reaches it */
    public boolean trainable() {
        return trainable;
    }

    /** Freezes ({@code false}) or unfreezes ({@code true}) this parameter. */
    public void setTrainable(boolean on) {
        trainable = on;
        value.zeroGrad();
        value.requiresGrad(on);
    }

    /** @return the shape of the value */
    public int[] shape() {
        return value.shape();
    }

    /** @return the number of scalars */
    public int numel() {
        return value.numel();
    }

    @Override
    public String toString() {
        return "Parameter" + Arrays.toString(value.shape()) + (trainable ? "" : " frozen");
    }
}
