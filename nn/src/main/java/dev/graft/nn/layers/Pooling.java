package dev.graft.nn.layers;

import dev.graft.engine.Pool2dSpec;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;

/** Max, average and global average pooling of NCHW input. */
public final class Pooling extends Module {

    private enum Kind { MAX, AVG, GLOBAL_AVG }

    private final Kind kind;
    private final Pool2dSpec spec;
    private final boolean countIncludePad;

    private Pooling(Kind kind, Pool2dSpec spec, boolean countIncludePad) {
        this.kind = kind;
        this.spec = spec;
        this.countIncludePad = countIncludePad;
    }

    /** @return max pooling (torch.nn.MaxPool2d) */
    public static Pooling max(Pool2dSpec spec) {
        return new Pooling(Kind.MAX, spec, false);
    }

    /** @return average pooling (torch.nn.AvgPool2d) */
    public static Pooling avg(Pool2dSpec spec, boolean countIncludePad) {
        return new Pooling(Kind.AVG, spec, countIncludePad);
    }

    /** @return global average pooling to {@code [N, C, 1, 1]} (AdaptiveAvgPool2d(1)) */
    public static Pooling globalAvg() {
        return new Pooling(Kind.GLOBAL_AVG, null, false);
    }

    @Override
    public Tensor forward(Tensor input) {
        return switch (kind) {
            case MAX -> input.maxPool2d(spec);
            case AVG -> input.avgPool2d(spec, countIncludePad);
            case GLOBAL_AVG -> input.globalAvgPool2d();
        };
    }

    @Override
    public String toString() {
        return kind == Kind.GLOBAL_AVG ? "GlobalAvgPool2d" : kind + "Pool2d(" + spec + ")";
    }
}
