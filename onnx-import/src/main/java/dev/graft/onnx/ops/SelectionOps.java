package dev.graft.onnx.ops;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Shape;
import dev.graft.onnx.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Ops whose output depends on data values: Compress, NonZero, and ReverseSequence (which
 * reverses each batch entry's first {@code sequence_lens[b]} steps). Selections are gathers, so
 * gradients flow to the selected elements.
 */
final class SelectionOps {

    private SelectionOps() {
    }

    static void register(OpRegistry r) {
        r.add("Compress", new int[] {9, 11}, ShapeRule.FIRST_SHAPE_AND_OTHER_VALUES, n -> {
            boolean hasAxis = n.has("axis");
            int axis = n.intAttr("axis", 0);
            return (in, ctx) -> {
                boolean[] cond = in[1].boolTensor().toArray();
                Value x = hasAxis ? in[0] : Values.move("Compress", in[0], t -> t.reshape(-1));
                int a = hasAxis ? Shape.axis(n.describe(), axis, x.rank()) : 0;
                int dim = x.shape()[a];
                List<Long> keep = new ArrayList<>();
                for (int i = 0; i < Math.min(cond.length, dim); i++) {
                    if (cond[i]) {
                        keep.add((long) i);
                    }
                }
                LongTensor idx = LongTensor.of(keep.stream().mapToLong(Long::longValue).toArray(), keep.size());
                return new Value[] {Values.move("Compress", x, t -> t.indexSelect(a, idx))};
            };
        });
        r.add("NonZero", new int[] {9, 13}, ShapeRule.INPUT_VALUES, n -> (in, ctx) -> {
            double[] v = in[0].toDoubleArray();
            int[] s = in[0].shape();
            List<Integer> hits = new ArrayList<>();
            for (int i = 0; i < v.length; i++) {
                if (v[i] != 0) {
                    hits.add(i);
                }
            }
            int rank = s.length;
            long[] out = new long[rank * hits.size()];
            for (int k = 0; k < hits.size(); k++) {
                int rem = hits.get(k);
                for (int d = rank - 1; d >= 0; d--) {
                    out[d * hits.size() + k] = rem % s[d];
                    rem /= s[d];
                }
            }
            return new Value[] {Value.of(LongTensor.of(out, rank, hits.size()))};
        });
        r.add("ReverseSequence", new int[] {10}, n -> {
            int batchAxis = n.intAttr("batch_axis", 1);
            int timeAxis = n.intAttr("time_axis", 0);
            return (in, ctx) -> {
                int[] s = in[0].shape();
                long[] lens = in[1].toLongArray();
                int b = Shape.axis(n.describe(), batchAxis, s.length);
                int t = Shape.axis(n.describe(), timeAxis, s.length);
                if (lens.length != s[b]) {
                    throw n.invalid(lens.length + " sequence lengths for a batch of " + s[b]);
                }
                int count = Shape.numel(s);
                long[] idx = new long[count];
                int[] counter = new int[s.length];
                for (int i = 0; i < count; i++) {
                    long len = Math.min(lens[counter[b]], s[t]);
                    int step = counter[t];
                    idx[i] = step < len ? len - 1 - step : step;
                    for (int d = s.length - 1; d >= 0; d--) {
                        if (++counter[d] < s[d]) {
                            break;
                        }
                        counter[d] = 0;
                    }
                }
                LongTensor gather = LongTensor.of(idx, s);
                return new Value[] {Values.move("ReverseSequence", in[0], x -> x.gatherElements(t, gather))};
            };
        });
    }
}
