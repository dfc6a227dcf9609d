package dev.graft.onnx.ops;

import java.util.Arrays;

/** Shared window arithmetic of Conv, ConvTranspose and the pools: auto_pad, strides, dilations. */
final class Geometry {

    /** The {@code auto_pad} attribute. */
    enum AutoPad { NOTSET, SAME_UPPER, SAME_LOWER, VALID }

    private Geometry() {
    }

    static AutoPad autoPad(NodeSpec n) {
        String v = n.stringAttr("auto_pad", "NOTSET");
        try {
            return AutoPad.valueOf(v);
        } catch (IllegalArgumentException e) {
            throw n.invalid("auto_pad '" + v + "' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID");
        }
    }

    /** @return {@code v}, after checking it has {@code len} entries */
    static int[] sized(NodeSpec n, String attr, int[] v, int len) {
        if (v.length != len) {
            throw n.invalid("attribute '" + attr + "' " + Arrays.toString(v) + " should have " + len + " entries");
        }
        return v;
    }

    static int[] orOnes(int[] v, int rank) {
        if (v == null) {
            int[] ones = new int[rank];
            Arrays.fill(ones, 1);
            return ones;
        }
        if (v.length != rank) {
            throw new IllegalArgumentException("expected " + rank + " values, got " + Arrays.toString(v));
        }
        return v;
    }

    /**
     * Resolves padding in ONNX layout {@code [begin..., end...]}.
     *
     * @param in spatial input sizes
     * @param k kernel sizes
     */
    static int[] pads(NodeSpec n, AutoPad autoPad, int[] pads, int[] in, int[] k, int[] s, int[] d) {
        int rank = in.length;
        int[] p = new int[2 * rank];
        switch (autoPad) {
            case NOTSET -> {
                if (pads != null) {
                    if (pads.length != 2 * rank) {
                        throw n.invalid("pads " + Arrays.toString(pads) + " should have " + 2 * rank + " entries");
                    }
                    p = pads.clone();
                }
            }
            case VALID -> {
            }
            case SAME_UPPER, SAME_LOWER -> {
                for (int i = 0; i < rank; i++) {
                    int out = (in[i] + s[i] - 1) / s[i];
                    int total = Math.max(0, (out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - in[i]);
                    int small = total / 2;
                    p[i] = autoPad == AutoPad.SAME_UPPER ? small : total - small;
                    p[i + rank] = total - p[i];
                }
            }
            default -> throw new AssertionError(autoPad);
        }
        return p;
    }
}
