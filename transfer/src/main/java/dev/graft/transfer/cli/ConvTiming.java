package dev.graft.transfer.cli;

import dev.graft.engine.Conv2dSpec;
import dev.graft.engine.Tensor;
import java.util.Arrays;

/**
 * Times one 3x3, stride 1, pad 1 convolution forward and backward (gradients of input and weight)
 * on random data, the shape of a ResNet stage-1 layer.
 *
 * @param batch images per batch
 * @param channels input and output channels
 * @param size image height and width
 * @param forwardMillis the fastest forward pass, in milliseconds
 * @param backwardMillis the fastest backward pass, in milliseconds
 */
record ConvTiming(int batch, int channels, int size, double forwardMillis, double backwardMillis) {

    private static final int KERNEL = 3;

    /**
     * Runs one untimed warm-up pass, then {@code reps} timed ones, and keeps the fastest of each.
     *
     * @param batch images per batch
     * @param channels input and output channels
     * @param size image height and width
     * @param reps timed repetitions, at least 1
     * @return the timings
     */
    static ConvTiming measure(int batch, int channels, int size, int reps) {
        Tensor x = Tensor.randn(1, batch, channels, size, size).requiresGrad(true);
        Tensor w = Tensor.randn(2, channels, channels, KERNEL, KERNEL).requiresGrad(true);
        Tensor gradOut = Tensor.randn(3, batch, channels, size, size);
        Conv2dSpec spec = Conv2dSpec.of(1, 1, 1, 1);
        double[] forward = new double[reps];
        double[] backward = new double[reps];
        for (int r = -1; r < reps; r++) {
            x.zeroGrad();
            w.zeroGrad();
            long t0 = System.nanoTime();
            Tensor y = x.conv2d(w, null, spec);
            long t1 = System.nanoTime();
            y.backward(gradOut);
            long t2 = System.nanoTime();
            if (x.grad() == null || w.grad() == null) {
                throw new IllegalStateException("conv2d backward produced no gradient");
            }
            if (r >= 0) {
                forward[r] = (t1 - t0) / 1e6;
                backward[r] = (t2 - t1) / 1e6;
            }
        }
        return new ConvTiming(batch, channels, size,
                Arrays.stream(forward).min().orElseThrow(), Arrays.stream(backward).min().orElseThrow());
    }

    /** @return multiply-adds of the forward pass, counted as 2 flops each */
    double forwardFlops() {
        return 2.0 * batch * channels * channels * KERNEL * KERNEL * size * size;
    }

    /** @return flops of the backward pass: one such product for the input gradient, one for the weight's */
    double backwardFlops() {
        return 2 * forwardFlops();
    }
}
