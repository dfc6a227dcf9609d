package dev.graft.nn.optim;

import dev.graft.engine.GradMode;
import dev.graft.engine.Tensor;
import dev.graft.nn.Parameter;
import java.util.List;

/** Gradient clipping, as {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradClip {

    private GradClip() {
    }

    /**
     * Scales all gradients together so that their global L2 norm is at most {@code maxNorm}:
     * every gradient is multiplied by {@code min(1, maxNorm / (norm + 1e-6))}, PyTorch's formula.
     * Parameters without a gradient are ignored.
     *
     * @param params the parameters whose gradients to clip
     * @param maxNorm the largest allowed norm, positive
     * @return the global norm before clipping (0 when no parameter has a gradient)
     */
    public static double clipGradNorm(List<Parameter> params, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("clipGradNorm: maxNorm must be positive, got " + maxNorm);
        }
        double sumSquares = 0;
        for (Parameter p : params) {
            Tensor g = p.grad();
            if (g != null) {
                for (float v : g.toArray()) {
                    sumSquares += (double) v * v;
                }
            }
        }
        double norm = Math.sqrt(sumSquares);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            for (Parameter p : params) {
                Tensor g = p.grad();
                if (g == null) {
                    continue;
                }
                Tensor scaled;
                try (var ignored = GradMode.noGrad()) {
                    scaled = g.mul((float) coef);
                }
                // Parameter has no gradient setter: back-propagating the scaled gradient into the
                // freshly zeroed leaf stores exactly that tensor as its gradient.
                p.zeroGrad();
                p.value().backward(scaled);
            }
        }
        return norm;
    }
}
