package dev.graft.onnx.ops;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Shape;

import dev.graft.onnx.DataType;
import dev.graft.onnx.Value;
import java.util.Arrays;
import java.util.Comparator;

/**
 * TopK: the k largest (or smallest) elements along an axis and their indices. Indices are found
 * by sorting; values are then gathered from the input so the gradient flows to the chosen elements.
 * Equal values keep their original order, as ONNX requires.
 */
final class TopKOp {

    private TopKOp() {
    }

    static void register(OpRegistry r) {
        r.add("TopK", new int[] {1, 10, 11}, ShapeRule.FIRST_SHAPE_AND_OTHER_VALUES, n -> {
            int axis = n.intAttr("axis", -1);
            boolean largest = n.intAttr("largest", 1) != 0;
            long attrK = n.intAttr("k", -1L);
            return (in, ctx) -> {
                Value x = in[0];
                long k = n.version() < 10 ? attrK : in[1].toLongArray()[0];
                int a = Shape.axis(n.describe(), axis, x.rank());
                int len = x.shape()[a];
                if (k < 0 || k > len) {
                    throw n.invalid("k = " + k + " is outside 0.." + len);
                }
                int kk = (int) k;
                double[] values = x.toDoubleArray();
                int[] perm = moveLast(x.rank(), a);
                long[] order = Values.track(x.shape(), t -> t.permute(perm)).positions();
                int rows = len == 0 ? 0 : order.length / len;
                long[] idx = new long[rows * kk];
                Integer[] row = new Integer[len];
                Comparator<Integer> byValue = (p, q) -> largest ? Double.compare(values[q], values[p])
                        : Double.compare(values[p], values[q]);
                for (int rr = 0; rr < rows; rr++) {
                    for (int j = 0; j < len; j++) {
                        row[j] = (int) order[rr * len + j];
                    }
                    Integer[] sorted = row.clone();
                    // a stable sort on positions already in index order keeps ties lowest-index first
                    Arrays.sort(sorted, byValue);
                    for (int j = 0; j < kk; j++) {
                        int flat = sorted[j];
                        idx[rr * kk + j] = indexAlong(flat, x.shape(), a);
                    }
                }
                int[] permutedShape = new int[x.rank()];
                for (int i = 0; i < perm.length; i++) {
                    permutedShape[i] = i == perm.length - 1 ? kk : x.shape()[perm[i]];
                }
                LongTensor permuted = LongTensor.of(idx, permutedShape);
                int[] inverse = new int[perm.length];
                for (int i = 0; i < perm.length; i++) {
                    inverse[perm[i]] = i;
                }
                LongTensor indices = LongTensor.of(Values.move("TopK", Value.of(permuted), t -> t.permute(inverse))
                        .toLongArray(), outShape(x.shape(), a, kk));
                Value vals = x.kind() == DataType.Kind.FLOAT
                        ? Value.of(x.floatTensor().gatherElements(a, indices), x.type())
                        : Values.move("TopK", x, t -> t.gatherElements(a, indices));
                return new Value[] {vals, Value.of(indices)};
            };
        });
    }

    private static int[] outShape(int[] s, int axis, int k) {
        int[] o = s.clone();
        o[axis] = k;
        return o;
    }

    private static int[] moveLast(int rank, int axis) {
        int[] p = new int[rank];
        for (int i = 0, j = 0; i < rank; i++) {
            if (i != axis) {
                p[j++] = i;
            }
        }
        p[rank - 1] = axis;
        return p;
    }

    private static long indexAlong(int flat, int[] shape, int axis) {
        int inner = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        return (flat / inner) % shape[axis];
    }

}
