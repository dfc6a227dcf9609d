package dev.graft.onnx.ops;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Shape;
import dev.graft.onnx.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unique: the distinct elements (or slices along an axis), sorted or in order of first
 * occurrence, with the index of each first occurrence, the inverse mapping and the counts.
 */
final class UniqueOp {

    private UniqueOp() {
    }

    static void register(OpRegistry r) {
        r.add("Unique", new int[] {11}, ShapeRule.INPUT_VALUES, n -> {
            boolean hasAxis = n.has("axis");
            int axisAttr = n.intAttr("axis", 0);
            boolean sorted = n.intAttr("sorted", 1) != 0;
            return (in, ctx) -> {
                Value x = hasAxis ? in[0] : Values.move("Unique", in[0], t -> t.reshape(-1));
                int[] s = x.shape();
                int axis = hasAxis ? Shape.axis(n.describe(), axisAttr, s.length) : 0;
                // view as [outer, len, inner]; slice k is every (o, k, i)
                int len = s[axis];
                int inner = 1;
                for (int d = axis + 1; d < s.length; d++) {
                    inner *= s[d];
                }
                int outer = len == 0 ? 0 : x.numel() / (len * inner);
                double[] v = x.toDoubleArray();
                Map<List<Double>, Integer> first = new LinkedHashMap<>();
                int[] inverseRaw = new int[len];
                List<List<Double>> keys = new ArrayList<>();
                for (int k = 0; k < len; k++) {
                    List<Double> key = new ArrayList<>(outer * inner);
                    for (int o = 0; o < outer; o++) {
                        for (int i = 0; i < inner; i++) {
                            key.add(v[(o * len + k) * inner + i]);
                        }
                    }
                    keys.add(key);
                    Integer at = first.get(key);
                    if (at == null) {
                        first.put(key, k);
                    }
                }
                List<Integer> order = new ArrayList<>(first.values());
                if (sorted) {
                    order.sort((a, b) -> compare(keys.get(a), keys.get(b)));
                }
                Map<List<Double>, Integer> slot = new LinkedHashMap<>();
                for (int u = 0; u < order.size(); u++) {
                    slot.put(keys.get(order.get(u)), u);
                }
                long[] counts = new long[order.size()];
                long[] inverse = new long[len];
                for (int k = 0; k < len; k++) {
                    inverseRaw[k] = slot.get(keys.get(k));
                    inverse[k] = inverseRaw[k];
                    counts[inverseRaw[k]]++;
                }
                long[] idx = order.stream().mapToLong(Integer::longValue).toArray();
                LongTensor pick = LongTensor.of(idx, idx.length);
                Value y = Values.move("Unique", x, t -> t.indexSelect(axis, pick));
                return new Value[] {y, Value.of(LongTensor.of(idx.clone(), idx.length)), Value.of(LongTensor.of(inverse, len)),
                    Value.of(LongTensor.of(counts, counts.length))};
            };
        });
    }

    private static int compare(List<Double> a, List<Double> b) {
        for (int i = 0; i < a.size(); i++) {
            int c = Double.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
