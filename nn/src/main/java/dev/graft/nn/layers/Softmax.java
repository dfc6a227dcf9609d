package dev.graft.nn.layers;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;

/** Softmax along one axis, as torch.nn.Softmax(dim): non-negative values that sum to 1 along it. */
public final class Softmax extends Module {

    private final int axis;

    /** @param axis the axis to normalise; negative counts from the end ({@code -1}: the last) */
    public Softmax(int axis) {
        this.axis = axis;
    }

    /** @return the normalised axis as given (negative counts from the end) */
    public int axis() {
        return axis;
    }

    @Override
    public Tensor forward(Tensor input) {
        int rank = input.dim();
        if (axis < -rank || axis >= rank) {
            throw new IllegalArgumentException(this + ": axis " + axis + " is out of range for input of rank " + rank);
        }
        return input.softmax(axis);
    }

    @Override
    public String toString() {
        return "Softmax(" + axis + ")";
    }
}
