package dev.graft.nn.layers;

import dev.graft.engine.Pool2dSpec;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import java.util.Arrays;

/** Mean over sliding windows of NCHW input, as torch.nn.AvgPool2d. */
public final class AvgPool2d extends Module {

    private final Pool2dSpec spec;
    private final boolean countIncludePad;

    /**
     * Creates the layer with PyTorch's default of counting padding in the divisor.
     *
     * @param kernel square window size
     * @param stride step between windows
     * @param padding zero padding on every side
     */
    public AvgPool2d(int kernel, int stride, int padding) {
        this(Pool2dSpec.of(kernel, stride, padding), true);
    }

    /**
     * @param spec window, stride, asymmetric padding and ceil mode
     * @param countIncludePad divide by the whole window (true) or by the part inside the input
     */
    public AvgPool2d(Pool2dSpec spec, boolean countIncludePad) {
        if (spec == null) {
            throw new IllegalArgumentException("AvgPool2d: spec is null");
        }
        this.spec = spec;
        this.countIncludePad = countIncludePad;
    }

    /** @return window, stride, padding and ceil mode */
    public Pool2dSpec spec() {
        return spec;
    }

    /** @return whether padding counts in the divisor */
    public boolean countIncludePad() {
        return countIncludePad;
    }

    @Override
    public Tensor forward(Tensor input) {
        if (input.dim() != 4) {
            throw new IllegalArgumentException(this + ": expected input [N, C, H, W], got " + Arrays.toString(input.shape()));
        }
        return input.avgPool2d(spec, countIncludePad);
    }

    @Override
    public String toString() {
        return "AvgPool2d(" + spec + (countIncludePad ? "" : ", excluding padding") + ")";
    }
}
