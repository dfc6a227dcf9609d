package dev.graft.onnx.ops;

import dev.graft.engine.GradMode;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import dev.graft.onnx.Value;
import java.util.Arrays;

/**
 * GridSample on 4-D input (bilinear or nearest; zeros, border or reflection padding), with the
 * semantics of PyTorch's {@code grid_sample}. Source coordinates are computed with engine ops
 * from the grid, and the input is read with gathers, so gradients reach both the input and the grid.
 */
final class GridSampleOp {

    private GridSampleOp() {
    }

    static void register(OpRegistry r) {
        r.add("GridSample", new int[] {16, 20}, GridSampleOp::gridSample);
    }

    private static Kernel gridSample(NodeSpec n) {
        String mode = n.stringAttr("mode", n.version() >= 20 ? "linear" : "bilinear");
        boolean nearest = mode.equals("nearest");
        if (!nearest && !mode.equals("bilinear") && !mode.equals("linear")) {
            throw n.unsupported("mode '" + mode + "'");
        }
        String padding = n.stringAttr("padding_mode", "zeros");
        if (!padding.equals("zeros") && !padding.equals("border") && !padding.equals("reflection")) {
            throw n.invalid("padding_mode must be zeros, border or reflection, got '" + padding + "'");
        }
        boolean align = n.intAttr("align_corners", 0) != 0;
        return (in, ctx) -> {
            Tensor x = in[0].toFloat();
            Tensor grid = in[1].toFloat();
            if (x.dim() != 4 || grid.dim() != 4 || grid.size(3) != 2 || grid.size(0) != x.size(0)) {
                throw n.unsupported("grids other than 4-D input [N, C, H, W] with grid [N, Ho, Wo, 2] (got "
                        + Arrays.toString(x.shape()) + " and " + Arrays.toString(grid.shape()) + ")");
            }
            int h = x.size(2);
            int w = x.size(3);
            Tensor ix = source(grid.slice(3, 0, 1, 1).squeeze(3), w, align, padding);
            Tensor iy = source(grid.slice(3, 1, 2, 1).squeeze(3), h, align, padding);
            Tensor y;
            if (nearest) {
                y = corner(x, ix, iy, true, true, nearest);
            } else {
                y = corner(x, ix, iy, false, false, false).add(corner(x, ix, iy, true, false, false))
                        .add(corner(x, ix, iy, false, true, false)).add(corner(x, ix, iy, true, true, false));
            }
            return new Value[] {Values.like(y, in[0])};
        };
    }

    /** Unnormalises grid coordinates in [-1, 1] to pixel coordinates and applies border or reflection padding. */
    private static Tensor source(Tensor g, int size, boolean align, String padding) {
        Tensor c = align ? g.add(1f).mul((size - 1) / 2f) : g.add(1f).mul(size).sub(1f).div(2f);
        if (padding.equals("border")) {
            return c.clamp(0f, size - 1);
        }
        if (padding.equals("reflection")) {
            float low = align ? 0f : -0.5f;
            float span = align ? size - 1 : size;
            if (span <= 0) {
                return c.mul(0f);
            }
            Tensor d = c.sub(low).abs();
            float[] flips;
            try (var ignored = GradMode.noGrad()) {
                flips = d.div(span).toArray();
            }
            float[] even = new float[flips.length];
            for (int i = 0; i < flips.length; i++) {
                flips[i] = (float) Math.floor(flips[i]);
                even[i] = flips[i] % 2 == 0 ? 1f : 0f;
            }
            Tensor extra = d.sub(Tensor.of(flips, d.shape()).mul(span));
            Tensor e = Tensor.of(even, d.shape());
            Tensor reflected = extra.add(low).mul(e).add(extra.neg().add(span + low).mul(e.neg().add(1f)));
            return reflected.clamp(0f, size - 1);
        }
        return c;
    }

    /**
     * One bilinear corner (or the nearest pixel): the input values at that corner for every output
     * position, weighted, and zero where the corner falls outside the input.
     */
    private static Tensor corner(Tensor x, Tensor ix, Tensor iy, boolean right, boolean down, boolean nearest) {
        int n = x.size(0);
        int c = x.size(1);
        int h = x.size(2);
        int w = x.size(3);
        int[] os = ix.shape();
        float[] xs = ix.detach().toArray();
        float[] ys = iy.detach().toArray();
        int count = xs.length;
        int per = count / n;
        long[] flat = new long[n * c * per];
        float[] valid = new float[count];
        float[] x0 = new float[count];
        float[] y0 = new float[count];
        for (int i = 0; i < count; i++) {
            double fx = nearest ? Math.rint(xs[i]) : Math.floor(xs[i]);
            double fy = nearest ? Math.rint(ys[i]) : Math.floor(ys[i]);
            x0[i] = (float) fx;
            y0[i] = (float) fy;
            long cx = (long) fx + (right && !nearest ? 1 : 0);
            long cy = (long) fy + (down && !nearest ? 1 : 0);
            boolean inside = cx >= 0 && cx < w && cy >= 0 && cy < h;
            valid[i] = inside ? 1f : 0f;
            long at = inside ? cy * w + cx : 0;
            int b = i / per;
            for (int k = 0; k < c; k++) {
                flat[(b * c + k) * per + (i % per)] = at;
            }
        }
        Tensor v = x.reshape(n, c, h * w).gatherElements(2, LongTensor.of(flat, n, c, per)).reshape(n, c, os[1], os[2]);
        Tensor weight = Tensor.of(valid, os);
        if (!nearest) {
            Tensor fx = ix.sub(Tensor.of(x0, os));
            Tensor fy = iy.sub(Tensor.of(y0, os));
            Tensor wx = right ? fx : fx.neg().add(1f);
            Tensor wy = down ? fy : fy.neg().add(1f);
            weight = weight.mul(wx).mul(wy);
        }
        return v.mul(weight.unsqueeze(1));
    }
}
