package dev.graft.onnx.ops;

import dev.graft.engine.Tensor;
import dev.graft.engine.GradMode;
import dev.graft.onnx.Value;
import java.util.Arrays;

/**
 * BatchNormalization, InstanceNormalization, LayerNormalization and MeanVarianceNormalization, composed from engine ops.
 *
 * <p>BatchNormalization's running mean and variance are model buffers. It uses batch statistics
 * and updates the running ones when the model is training and the node is not frozen (a
 * BatchNorm whose scale and bias parameters are all frozen stays in inference mode, as in
 * Keras), or when the node itself
 * asks for training mode ({@code training_mode=1}, opset 14 on). The running-statistics outputs
 * of a {@code training_mode} node follow the ONNX definition (biased batch variance); the module's
 * buffer update follows PyTorch (unbiased), since imported models mostly come from PyTorch.
 */
final class NormalizationOps {

    private NormalizationOps() {
    }

    static void register(OpRegistry r) {
        r.add("BatchNormalization", new int[] {1, 6, 7, 9, 14, 15}, NormalizationOps::batchNorm);
        r.add("InstanceNormalization", new int[] {1, 6}, NormalizationOps::instanceNorm);
        r.add("LayerNormalization", new int[] {17}, NormalizationOps::layerNorm);
        r.add("MeanVarianceNormalization", new int[] {9, 13}, n -> {
            int[] axes = n.has("axes") ? n.intArrayAttr("axes") : new int[] {0, 2, 3};
            return (in, ctx) -> {
                Tensor x = in[0].toFloat();
                Tensor centered = x.sub(x.mean(axes, true));
                // ONNX's definition: no epsilon, so a constant slice divides by zero as the reference does
                Tensor y = centered.div(centered.square().mean(axes, true).sqrt());
                return new Value[] {Values.like(y, in[0])};
            };
        });
    }

    private static int[] channelShape(int rank, int c) {
        int[] s = new int[rank];
        Arrays.fill(s, 1);
        s[1] = c;
        return s;
    }

    private static int[] allButChannel(int rank) {
        int[] axes = new int[rank - 1];
        axes[0] = 0;
        for (int i = 2; i < rank; i++) {
            axes[i - 1] = i;
        }
        return axes;
    }

    private static Kernel batchNorm(NodeSpec n) {
        float eps = n.floatAttr("epsilon", 1e-5f);
        float momentum = n.floatAttr("momentum", 0.9f);
        boolean nodeTraining = n.intAttr("training_mode", 0) != 0;
        if (n.version() < 9 && n.intAttr("spatial", 1) == 0) {
            throw n.unsupported("spatial=0");
        }
        String meanName = n.inputs().get(3);
        String varName = n.inputs().get(4);
        return (in, ctx) -> {
            Tensor x = in[0].toFloat();
            int rank = x.dim();
            int c = x.size(1);
            int[] cs = channelShape(rank, c);
            Tensor scale = in[1].toFloat().reshape(cs);
            Tensor bias = in[2].toFloat().reshape(cs);
            Tensor runMean = in[3].toFloat();
            Tensor runVar = in[4].toFloat();
            boolean moduleTraining = ctx.training() && !frozen(ctx, n.inputs().get(1), n.inputs().get(2));
            if (!nodeTraining && !moduleTraining) {
                // fold the statistics into one per-channel scale and shift: two passes over x instead of four
                Tensor a = runVar.reshape(cs).add(eps).rsqrt().mul(scale);
                Tensor y = x.mul(a).add(bias.sub(runMean.reshape(cs).mul(a)));
                return new Value[] {Values.like(y, in[0])};
            }
            int[] axes = allButChannel(rank);
            Tensor mean = x.mean(axes, true);
            Tensor centered = x.sub(mean);
            Tensor var = centered.square().mean(axes, true);
            Tensor y = centered.mul(var.add(eps).rsqrt()).mul(scale).add(bias);
            Tensor newMean;
            Tensor newVar;
            try (var ignored = GradMode.noGrad()) {
                newMean = runMean.mul(momentum).add(mean.detach().reshape(c).mul(1f - momentum));
                newVar = runVar.mul(momentum).add(var.detach().reshape(c).mul(1f - momentum));
            }
            if (moduleTraining) {
                // the module's own update follows PyTorch (unbiased batch variance), as imported models mostly come from it
                long count = x.numel() / Math.max(c, 1);
                float unbias = count > 1 ? (float) count / (count - 1) : 1f;
                try (var ignored = GradMode.noGrad()) {
                    ctx.updateBuffer(meanName, newMean);
                    ctx.updateBuffer(varName, runVar.mul(momentum).add(var.detach().reshape(c).mul((1f - momentum) * unbias)));
                }
            }
            return new Value[] {Values.like(y, in[0]), Value.of(newMean, in[3].type()), Value.of(newVar, in[4].type())};
        };
    }

    /** A BatchNorm is frozen when its scale and bias include a parameter and every such parameter is frozen. */
    private static boolean frozen(RunContext ctx, String scale, String bias) {
        boolean any = false;
        for (String name : new String[] {scale, bias}) {
            if (ctx.isParameter(name)) {
                any = true;
                if (ctx.isTrainable(name)) {
                    return false;
                }
            }
        }
        return any;
    }

    private static Kernel instanceNorm(NodeSpec n) {
        float eps = n.floatAttr("epsilon", 1e-5f);
        return (in, ctx) -> {
            Tensor x = in[0].toFloat();
            int rank = x.dim();
            int[] axes = new int[rank - 2];
            for (int i = 2; i < rank; i++) {
                axes[i - 2] = i;
            }
            int[] cs = channelShape(rank, x.size(1));
            Tensor mean = x.mean(axes, true);
            Tensor centered = x.sub(mean);
            Tensor var = centered.square().mean(axes, true);
            Tensor y = centered.mul(var.add(eps).rsqrt()).mul(in[1].toFloat().reshape(cs)).add(in[2].toFloat().reshape(cs));
            return new Value[] {Values.like(y, in[0])};
        };
    }

    private static Kernel layerNorm(NodeSpec n) {
        float eps = n.floatAttr("epsilon", 1e-5f);
        int axis = n.intAttr("axis", -1);
        return (in, ctx) -> {
            Tensor x = in[0].toFloat();
            int rank = x.dim();
            int a = axis < 0 ? axis + rank : axis;
            if (a < 0 || a >= rank) {
                throw n.invalid("axis " + axis + " is out of range for rank " + rank);
            }
            int[] axes = new int[rank - a];
            for (int i = a; i < rank; i++) {
                axes[i - a] = i;
            }
            Tensor mean = x.mean(axes, true);
            Tensor centered = x.sub(mean);
            Tensor var = centered.square().mean(axes, true);
            Tensor inv = var.add(eps).rsqrt();
            Tensor y = centered.mul(inv).mul(in[1].toFloat());
            if (in.length > 2 && in[2] != null) {
                y = y.add(in[2].toFloat());
            }
            return new Value[] {Values.like(y, in[0]), Value.of(mean), Value.of(inv)};
        };
    }
}
