package dev.graft.engine.kernels;

import java.util.Objects;

/**
 * A convolution's weights made ready for {@link Conv2dKernel#forward(Conv2dGeometry, float[], int,
 * Conv2dWeights, float[], int, float[], int)}: each group's {@code [og, ckk]} matrix packed once
 * into the micro-kernel's layout, so a forward pass over many images, or many calls on weights
 * that do not change (inference, a frozen backbone), packs them only once. Depthwise weights need
 * no packing and are kept as given. Holds no reference to the source array of packed weights, so
 * it may be cached weakly keyed by that array.
 */
public final class Conv2dWeights {

    private final int o;
    private final int ckk;
    private final int groups;
    private final int offset;
    private final Gemm.Packed[] packed;
    private final float[] raw;

    private Conv2dWeights(Conv2dGeometry g, int offset, Gemm.Packed[] packed, float[] raw) {
        this.o = g.o();
        this.ckk = g.ckk();
        this.groups = g.groups();
        this.offset = offset;
        this.packed = packed;
        this.raw = raw;
    }

    /**
     * Packs the weights of a convolution.
     *
     * @param g the geometry
     * @param weight {@code [o, c / groups, kh, kw]} from {@code wOff}
     * @param wOff index of the weight's first element
     * @return the packed weights
     * @throws IllegalArgumentException if the weight does not fit in its array
     */
    public static Conv2dWeights of(Conv2dGeometry g, float[] weight, int wOff) {
        Objects.requireNonNull(g, "conv2d: geometry is null");
        Objects.requireNonNull(weight, "conv2d: weight array is null");
        Checks.block("conv2d", "weight", weight.length, wOff, g.weightSize());
        return into(g, weight, wOff, g.depthwise() ? null : new float[size(g)]);
    }

    /** Floats the packed weights of {@code g} take (0 for depthwise). */
    static int size(Conv2dGeometry g) {
        return g.depthwise() ? 0 : Math.multiplyExact(g.groups(), Gemm.packedSize(g.og(), g.ckk()));
    }

    /** Packs into {@code buffer} (at least {@link #size} floats), which the result then refers to. */
    static Conv2dWeights into(Conv2dGeometry g, float[] weight, int wOff, float[] buffer) {
        if (g.depthwise()) {
            return new Conv2dWeights(g, wOff, null, weight);
        }
        int per = Gemm.packedSize(g.og(), g.ckk());
        Gemm.Packed[] packed = new Gemm.Packed[g.groups()];
        for (int gi = 0; gi < g.groups(); gi++) {
            packed[gi] = Gemm.pack(false, g.og(), g.ckk(), 1f, weight, wOff + gi * g.og() * g.ckk(), g.ckk(),
                    buffer, gi * per);
        }
        return new Conv2dWeights(g, wOff, packed, null);
    }

    /**
     * @param g a geometry
     * @param wOff where the weights were read from
     * @return whether these are the weights of {@code g}, read from {@code wOff}
     */
    public boolean fits(Conv2dGeometry g, int wOff) {
        return fits(g) && wOff == offset;
    }

    /**
     * @param g a geometry
     * @return whether these weights have the shape {@code g} needs, wherever they were read from
     */
    public boolean fits(Conv2dGeometry g) {
        return g.o() == o && g.ckk() == ckk && g.groups() == groups && g.depthwise() == (raw != null);
    }

    /** @return the packed matrix of group {@code gi} (not depthwise) */
    Gemm.Packed group(int gi) {
        return packed[gi];
    }

    /** @return the weights as given (depthwise only) */
    float[] raw() {
        return raw;
    }

    /** @return where the weights start in {@link #raw()} */
    int offset() {
        return offset;
    }
}
