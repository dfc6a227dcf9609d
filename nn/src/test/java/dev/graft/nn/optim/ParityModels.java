package dev.graft.nn.optim;

import dev.graft.engine.Conv2dSpec;
import dev.graft.engine.GradMode;
import dev.graft.engine.Pool2dSpec;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import dev.graft.nn.Parameter;

/**
 * The parity script's models written directly with parameters and tensor ops, so the optimizer
 * tests do not depend on the layer package. Parameter and buffer names match PyTorch's state dicts.
 */
final class ParityModels {

    private ParityModels() {
    }

    /** y = x W^T + b, with PyTorch's weight layout {@code [out, in]}. */
    static final class TestLinear extends Module {
        private final Parameter weight;
        private final Parameter bias;

        TestLinear(int in, int out) {
            weight = registerParameter("weight", Tensor.zeros(out, in));
            bias = registerParameter("bias", Tensor.zeros(out));
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.matmul(weight.value().transpose(0, 1)).add(bias.value());
        }
    }

    /** 3x3 convolution with padding 1 and no bias (BatchNorm follows). */
    static final class TestConv extends Module {
        private final Parameter weight;

        TestConv(int in, int out) {
            weight = registerParameter("weight", Tensor.zeros(out, in, 3, 3));
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.conv2d(weight.value(), null, Conv2dSpec.of(1, 1, 1, 1));
        }
    }

    /** BatchNorm2d in training mode: batch statistics, running statistics updated with momentum 0.1. */
    static final class TestBatchNorm extends Module {
        private static final float EPS = 1e-5f;
        private static final float MOMENTUM = 0.1f;
        private final Parameter weight;
        private final Parameter bias;
        private final int channels;

        TestBatchNorm(int channels) {
            this.channels = channels;
            weight = registerParameter("weight", Tensor.ones(channels));
            bias = registerParameter("bias", Tensor.zeros(channels));
            registerBuffer("running_mean", Tensor.zeros(channels));
            registerBuffer("running_var", Tensor.ones(channels));
            registerBuffer("num_batches_tracked", Tensor.zeros());
        }

        @Override
        public Tensor forward(Tensor x) {
            int[] axes = {0, 2, 3};
            Tensor mean = x.mean(axes, true);
            Tensor centered = x.sub(mean);
            Tensor var = centered.square().mean(axes, true);
            try (var ignored = GradMode.noGrad()) {
                int n = x.size(0) * x.size(2) * x.size(3);
                Tensor m = mean.detach().reshape(channels);
                Tensor unbiased = var.detach().reshape(channels).mul((float) n / (n - 1));
                setBuffer("running_mean", buffer("running_mean").mul(1 - MOMENTUM).add(m.mul(MOMENTUM)));
                setBuffer("running_var", buffer("running_var").mul(1 - MOMENTUM).add(unbiased.mul(MOMENTUM)));
                setBuffer("num_batches_tracked", buffer("num_batches_tracked").add(1f));
            }
            Tensor normalized = centered.mul(var.add(EPS).rsqrt());
            return normalized.mul(weight.value().reshape(1, channels, 1, 1)).add(bias.value().reshape(1, channels, 1, 1));
        }
    }

    /** conv 3x3 -> BatchNorm2d -> ReLU -> maxpool 2 -> flatten -> linear, on [N, 1, 6, 6]. */
    static final class Cnn extends Module {
        private final TestConv conv = registerModule("conv", new TestConv(1, 4));
        private final TestBatchNorm bn = registerModule("bn", new TestBatchNorm(4));
        private final TestLinear fc = registerModule("fc", new TestLinear(36, 3));

        @Override
        public Tensor forward(Tensor x) {
            Tensor h = bn.forward(conv.forward(x)).relu().maxPool2d(Pool2dSpec.of(2, 2, 0));
            return fc.forward(h.flatten(1));
        }
    }

    /** linear 10 -> 16 -> ReLU -> linear 16 -> 4. */
    static final class Mlp extends Module {
        private final TestLinear fc1 = registerModule("fc1", new TestLinear(10, 16));
        private final TestLinear fc2 = registerModule("fc2", new TestLinear(16, 4));

        @Override
        public Tensor forward(Tensor x) {
            return fc2.forward(fc1.forward(x).relu());
        }
    }
}
