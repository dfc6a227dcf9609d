package dev.graft.onnx.ops;

import dev.graft.engine.LongTensor;
import dev.graft.onnx.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * NonMaxSuppression: per batch and class, greedily keeps the highest-scoring boxes whose overlap
 * (intersection over union) with every kept box is at most {@code iou_threshold}. Selection is
 * discrete, so it has no gradient.
 */
final class NonMaxSuppressionOp {

    private NonMaxSuppressionOp() {
    }

    static void register(OpRegistry r) {
        r.add("NonMaxSuppression", new int[] {10, 11}, ShapeRule.INPUT_VALUES, n -> {
            boolean center = n.intAttr("center_point_box", 0) != 0;
            return (in, ctx) -> {
                int[] bs = in[0].shape();
                int[] ss = in[1].shape();
                if (bs.length != 3 || bs[2] != 4 || ss.length != 3 || ss[0] != bs[0] || ss[2] != bs[1]) {
                    throw n.invalid("boxes " + Arrays.toString(bs) + " and scores " + Arrays.toString(ss)
                            + " must be [batches, boxes, 4] and [batches, classes, boxes]");
                }
                long maxOut = in.length > 2 && in[2] != null && in[2].numel() > 0 ? in[2].toLongArray()[0] : 0;
                float iou = in.length > 3 && in[3] != null && in[3].numel() > 0 ? in[3].toFloat().toArray()[0] : 0f;
                boolean hasScoreThreshold = in.length > 4 && in[4] != null && in[4].numel() > 0;
                float minScore = hasScoreThreshold ? in[4].toFloat().toArray()[0] : 0f;
                float[] boxes = in[0].toFloat().toArray();
                float[] scores = in[1].toFloat().toArray();
                int nb = bs[1];
                List<long[]> picked = new ArrayList<>();
                // ONNX: max_output_boxes_per_class of 0 (the default) selects nothing
                for (int b = 0; b < bs[0] && maxOut > 0; b++) {
                    for (int c = 0; c < ss[1]; c++) {
                        int off = (b * ss[1] + c) * nb;
                        List<Integer> order = new ArrayList<>();
                        for (int i = 0; i < nb; i++) {
                            if (!hasScoreThreshold || scores[off + i] > minScore) {
                                order.add(i);
                            }
                        }
                        order.sort(Comparator.comparingDouble(i -> -scores[off + i]));
                        List<Integer> kept = new ArrayList<>();
                        for (int i : order) {
                            if (kept.size() >= maxOut) {
                                break;
                            }
                            boolean keep = true;
                            for (int k : kept) {
                                if (overlap(boxes, (b * nb + i) * 4, (b * nb + k) * 4, center) > iou) {
                                    keep = false;
                                    break;
                                }
                            }
                            if (keep) {
                                kept.add(i);
                                picked.add(new long[] {b, c, i});
                            }
                        }
                    }
                }
                long[] out = new long[picked.size() * 3];
                for (int i = 0; i < picked.size(); i++) {
                    System.arraycopy(picked.get(i), 0, out, 3 * i, 3);
                }
                return new Value[] {Value.of(LongTensor.of(out, picked.size(), 3))};
            };
        });
    }

    /** Intersection over union of two boxes in corner ({@code y1, x1, y2, x2}, any order) or center form. */
    private static double overlap(float[] d, int a, int b, boolean center) {
        double[] p = corners(d, a, center);
        double[] q = corners(d, b, center);
        double ih = Math.max(0, Math.min(p[2], q[2]) - Math.max(p[0], q[0]));
        double iw = Math.max(0, Math.min(p[3], q[3]) - Math.max(p[1], q[1]));
        double inter = ih * iw;
        double union = (p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - inter;
        return union <= 0 ? 0 : inter / union;
    }

    private static double[] corners(float[] d, int o, boolean center) {
        if (center) {
            double xc = d[o];
            double yc = d[o + 1];
            double w = d[o + 2];
            double h = d[o + 3];
            return new double[] {yc - h / 2, xc - w / 2, yc + h / 2, xc + w / 2};
        }
        return new double[] {Math.min(d[o], d[o + 2]), Math.min(d[o + 1], d[o + 3]),
            Math.max(d[o], d[o + 2]), Math.max(d[o + 1], d[o + 3])};
    }
}
