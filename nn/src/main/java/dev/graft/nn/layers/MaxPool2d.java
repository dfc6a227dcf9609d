package dev.graft.nn.layers;

import dev.graft.engine.Pool2dSpec;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import java.util.Arrays;

/** Maximum over sliding windows of NCHW input, as torch.nn.MaxPool2d (padding counts as minus infinity). */
public final class MaxPool2d extends Module {

    private final Pool2dSpec spec;

    /**
     * @param kernel square window size
     * @param stride step between windows (PyTorch's default is the kernel size)
     * @param padding rows and columns of padding on every side
     */
    public MaxPool2d(int kernel, int stride, int padding) {
        this(Pool2dSpec.of(kernel, stride, padding));
    }

    /** @param spec window, stride, asymmetric padding and ceil mode */
    public MaxPool2d(Pool2dSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("MaxPool2d: spec is null");
        }
        this.spec = spec;
    }

    /** @return window, stride, padding and ceil mode */
    public Pool2dSpec spec() {
        return spec;
    }

    @Override
    public Tensor forward(Tensor input) {
        if (input.dim() != 4) {
            throw new IllegalArgumentException(this + ": expected input [N, C, H, W], got " + Arrays.toString(input.shape()));
        }
        return input.maxPool2d(spec);
    }

    @Override
    public String toString() {
        return "MaxPool2d(" + spec + ")";
    }
}
