package dev.graft.nn.layers;

import dev.graft.engine.Pool2dSpec;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import java.util.Arrays;

/**
 * Average pooling to a fixed output size whatever the input size, as torch.nn.AdaptiveAvgPool2d.
 * Output cell {@code i} of an axis of length {@code in} pools input rows
 * {@code floor(i * in / out)} to {@code ceil((i + 1) * in / out)} (exclusive), PyTorch's bins,
 * which may overlap when {@code out} does not divide {@code in}.
 */
public final class AdaptiveAvgPool2d extends Module {

    private final int outH;
    private final int outW;

    /** @param size output height and width (1: global average pooling, the usual classifier neck) */
    public AdaptiveAvgPool2d(int size) {
        this(size, size);
    }

    /**
     * @param outH output height, at least 1
     * @param outW output width, at least 1
     */
    public AdaptiveAvgPool2d(int outH, int outW) {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: output size must be at least 1x1, got " + outH + "x" + outW);
        }
        this.outH = outH;
        this.outW = outW;
    }

    /** @return the output height */
    public int outputHeight() {
        return outH;
    }

    /** @return the output width */
    public int outputWidth() {
        return outW;
    }

    @Override
    public Tensor forward(Tensor input) {
        int[] s = input.shape();
        if (s.length != 4) {
            throw new IllegalArgumentException(this + ": expected input [N, C, H, W], got " + Arrays.toString(s));
        }
        int h = s[2];
        int w = s[3];
        if (outH == 1 && outW == 1) {
            return input.globalAvgPool2d();
        }
        if (h % outH == 0 && w % outW == 0) {
            // Equal, non-overlapping bins: one strided pooling pass.
            int kh = h / outH;
            int kw = w / outW;
            return input.avgPool2d(new Pool2dSpec(kh, kw, kh, kw, 0, 0, 0, 0, false), true);
        }
        // Uneven bins overlap, so no single stride describes them: average each bin separately.
        Tensor[] rows = new Tensor[outH];
        for (int i = 0; i < outH; i++) {
            Tensor band = input.slice(2, start(i, h, outH), end(i, h, outH), 1);
            Tensor[] cells = new Tensor[outW];
            for (int j = 0; j < outW; j++) {
                cells[j] = band.slice(3, start(j, w, outW), end(j, w, outW), 1).mean(new int[] {2, 3}, true);
            }
            rows[i] = Tensor.concat(3, cells);
        }
        return Tensor.concat(2, rows);
    }

    private static int start(int i, int in, int out) {
        return Math.floorDiv(i * in, out);
    }

    private static int end(int i, int in, int out) {
        return -Math.floorDiv(-(i + 1) * in, out);
    }

    @Override
    public String toString() {
        return "AdaptiveAvgPool2d(" + outH + "x" + outW + ")";
    }
}
