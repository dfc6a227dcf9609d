package dev.graft.onnx.graph;

import dev.graft.engine.FusedOps;
import dev.graft.engine.Tensor;
import dev.graft.engine.kernels.Erf;
import dev.graft.onnx.DataType;
import dev.graft.onnx.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Finds the op chains of transformer encoders (as PyTorch exports them) that inference can run as
 * one {@link FusedOps} call: attention ({@code MatMul -> Div|Mul -> Add(mask) -> Softmax ->
 * MatMul}), the erf GELU ({@code Div -> Erf -> Add -> Mul -> Mul}), layer normalisation (the
 * nine ops from ReduceMean to the bias Add), a MatMul by a 2-D initializer with its bias Add, and
 * the feed-forward block: such a linear layer, the GELU, and a second linear layer.
 * A chain qualifies only when its intermediate results are read by nothing else and are not graph
 * outputs; shapes and constants are checked when it runs, and anything unexpected makes the
 * kernel decline, so the fused result is always the chain's own.
 */
final class Fusions {

    private final List<GraphNode> nodes;
    private final int[] producer;
    private final List<List<Integer>> consumers;
    private final boolean[] protectedSlot;
    private final boolean[] initializer;
    private final Fusion[] byNode;

    private Fusions(List<GraphNode> nodes, int slotCount, Set<Integer> outputSlots, boolean[] initializer) {
        this.nodes = nodes;
        this.initializer = initializer;
        producer = new int[slotCount];
        Arrays.fill(producer, -1);
        consumers = new ArrayList<>(slotCount);
        for (int i = 0; i < slotCount; i++) {
            consumers.add(new ArrayList<>());
        }
        for (int i = 0; i < nodes.size(); i++) {
            for (int o : nodes.get(i).outputSlots()) {
                if (o >= 0) {
                    producer[o] = i;
                }
            }
            for (int in : nodes.get(i).inputSlots()) {
                if (in >= 0) {
                    consumers.get(in).add(i);
                }
            }
        }
        protectedSlot = new boolean[slotCount];
        for (int o : outputSlots) {
            protectedSlot[o] = true;
        }
        byNode = new Fusion[nodes.size()];
    }

    /**
     * @param nodes the compiled nodes in execution order
     * @param slotCount the number of value slots
     * @param outputSlots slots of the graph outputs, which must stay materialised
     * @param initializer which slots hold initializers
     * @return for each node, the fusion it belongs to, or null
     */
    static Fusion[] plan(List<GraphNode> nodes, int slotCount, Set<Integer> outputSlots, boolean[] initializer) {
        Fusions f = new Fusions(nodes, slotCount, outputSlots, initializer);
        for (int i = 0; i < nodes.size(); i++) {
            if (op(f.nodes.get(i)).equals("Softmax")) {
                f.attention(i);
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            if (op(f.nodes.get(i)).equals("Mul")) {
                f.gelu(i);
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            if (op(f.nodes.get(i)).equals("Add")) {
                f.layerNorm(i);
            }
        }
        // every MatMul + bias Add first: a MatMul claimed alone would hide it from its Add
        for (int i = 0; i < nodes.size(); i++) {
            if (op(f.nodes.get(i)).equals("Add")) {
                f.linearWithBias(i);
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            if (op(f.nodes.get(i)).equals("MatMul")) {
                f.linear(i);
            }
        }
        return f.byNode;
    }

    private static String op(GraphNode n) {
        return n.spec().opType();
    }

    private static int in(GraphNode n, int i) {
        return i < n.inputSlots().length ? n.inputSlots()[i] : -1;
    }

    private static int out(GraphNode n) {
        return n.outputSlots().length == 0 ? -1 : n.outputSlots()[0];
    }

    /** The free node of type {@code op} (or any of {@code ops}) that produces {@code slot}, or -1. */
    private int producedBy(int slot, String... ops) {
        if (slot < 0 || producer[slot] < 0 || byNode[producer[slot]] != null) {
            return -1;
        }
        GraphNode n = nodes.get(producer[slot]);
        for (String op : ops) {
            if (op(n).equals(op)) {
                return producer[slot];
            }
        }
        return -1;
    }

    /**
     * Registers a fusion if its members are free, non-static, single-output nodes whose results,
     * except the last member's, are read only by members and are not graph outputs.
     */
    private void register(String kind, int[] members, int[] inputs, Fusion.Kernel kernel) {
        int[] sorted = members.clone();
        Arrays.sort(sorted);
        int last = sorted[sorted.length - 1];
        for (int m : sorted) {
            GraphNode n = nodes.get(m);
            if (byNode[m] != null || n.isStatic() || n.outputSlots().length != 1) {
                return;
            }
            if (m == last) {
                continue;
            }
            int o = out(n);
            if (protectedSlot[o]) {
                return;
            }
            for (int c : consumers.get(o)) {
                if (Arrays.binarySearch(sorted, c) < 0) {
                    return;
                }
            }
        }
        if (members.length != Arrays.stream(sorted).distinct().count()) {
            return;
        }
        Fusion f = new Fusion(kind, sorted, inputs, out(nodes.get(last)), kernel);
        for (int m : sorted) {
            byNode[m] = f;
        }
    }

    // ---------------------------------------------------------------- attention

    private void attention(int softmax) {
        GraphNode sm = nodes.get(softmax);
        List<Integer> readers = consumers.get(out(sm));
        if (readers.size() != 1 || !op(nodes.get(readers.get(0))).equals("MatMul") || in(nodes.get(readers.get(0)), 0) != out(sm)) {
            return;
        }
        int pv = readers.get(0);
        int add = producedBy(in(sm, 0), "Add");
        if (add < 0) {
            attention(softmax, pv, -1, in(sm, 0), -1);
            return;
        }
        // either operand of the mask Add may be the scores; the mask itself may come from a Mul too
        GraphNode a = nodes.get(add);
        for (int side = 0; side < 2 && byNode[softmax] == null; side++) {
            attention(softmax, pv, add, in(a, side), in(a, 1 - side));
        }
    }

    /** Registers the chain if {@code scores} comes from a MatMul, directly or through one Div or Mul by a constant. */
    private void attention(int softmax, int pv, int add, int scores, int mask) {
        int x = scores;
        int scale = producedBy(x, "Div", "Mul");
        int scaleConstant = -1;
        boolean divide = false;
        if (scale >= 0) {
            GraphNode s = nodes.get(scale);
            divide = op(s).equals("Div");
            if (producedBy(in(s, 0), "MatMul") >= 0) {
                x = in(s, 0);
                scaleConstant = in(s, 1);
            } else if (!divide && producedBy(in(s, 1), "MatMul") >= 0) {
                x = in(s, 1);
                scaleConstant = in(s, 0);
            } else {
                return;
            }
        }
        int qk = producedBy(x, "MatMul");
        if (qk < 0) {
            return;
        }
        List<Integer> members = new ArrayList<>(List.of(qk, softmax, pv));
        if (scale >= 0) {
            members.add(scale);
        }
        if (add >= 0) {
            members.add(add);
        }
        GraphNode sm = nodes.get(softmax);
        int axis = sm.spec().intAttr("axis", sm.spec().version() >= 13 ? -1 : 1);
        boolean divideBy = divide;
        int[] inputs = {in(nodes.get(qk), 0), in(nodes.get(qk), 1), in(nodes.get(pv), 1), scaleConstant, mask};
        // the heads merged right after (Transpose 0,2,1,3 before the output projection's reshape):
        // the result is written in that order, so the reshape needs no copy
        List<Integer> readers = consumers.get(out(nodes.get(pv)));
        if (readers.size() == 1 && !protectedSlot[out(nodes.get(pv))] && mergesHeads(nodes.get(readers.get(0)))) {
            List<Integer> withMerge = new ArrayList<>(members);
            withMerge.add(readers.get(0));
            register("attention", withMerge.stream().mapToInt(Integer::intValue).toArray(), inputs,
                    v -> attentionKernel(v, axis, divideBy, true));
            if (byNode[softmax] != null) {
                return;
            }
        }
        register("attention", members.stream().mapToInt(Integer::intValue).toArray(), inputs,
                v -> attentionKernel(v, axis, divideBy, false));
    }

    /** Whether {@code n} is a Transpose with perm {@code [0, 2, 1, 3]}. */
    private static boolean mergesHeads(GraphNode n) {
        long[] perm = op(n).equals("Transpose") ? n.spec().intsAttr("perm") : null;
        return perm != null && Arrays.equals(perm, new long[] {0, 2, 1, 3});
    }

    private static Value attentionKernel(Value[] v, int axis, boolean divide, boolean byToken) {
        if (!floats(v[0], v[1], v[2]) || (v[3] != null && !scalar(v[3])) || (v[4] != null && !floats(v[4]))) {
            return null;
        }
        Tensor q = v[0].floatTensor();
        Tensor k = v[1].floatTensor();
        Tensor val = v[2].floatTensor();
        int r = q.dim();
        if (r < 2 || k.dim() != r || val.dim() != r || (axis != -1 && axis != r - 1)) {
            return null;
        }
        int[] qs = q.shape();
        int[] ks = k.shape();
        int[] vs = val.shape();
        if (!Arrays.equals(qs, 0, r - 2, ks, 0, r - 2) || !Arrays.equals(qs, 0, r - 2, vs, 0, r - 2)
                || ks[r - 2] != qs[r - 1] || vs[r - 2] != ks[r - 1]) {
            return null;
        }
        Tensor mask = v[4] == null ? null : v[4].floatTensor();
        if (mask != null && !broadcastsTo(mask.shape(), scoreShape(qs, ks[r - 1]))) {
            return null;
        }
        float c = v[3] == null ? 1f : v[3].floatTensor().reshape().item();
        float scale = v[3] == null ? 1f : divide ? 1f / c : c;
        if (divide && c == 0) {
            return null;
        }
        if (byToken && r != 4) {
            return null;
        }
        return Value.of(byToken ? FusedOps.attentionByToken(q, k, val, scale, mask) : FusedOps.attention(q, k, val, scale, mask));
    }

    private static int[] scoreShape(int[] qs, int s) {
        int[] out = qs.clone();
        out[out.length - 1] = s;
        return out;
    }

    private static boolean broadcastsTo(int[] shape, int[] target) {
        if (shape.length > target.length) {
            return false;
        }
        for (int i = 1; i <= shape.length; i++) {
            int d = shape[shape.length - i];
            if (d != 1 && d != target[target.length - i]) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- GELU

    /** {@code Mul(Mul(x, Add(Erf(Div(x, c)), one)), half)}, operands of Mul and Add in either order. */
    private void gelu(int mul2) {
        GraphNode m2 = nodes.get(mul2);
        for (int side = 0; side < 2; side++) {
            int mul1 = producedBy(in(m2, side), "Mul");
            if (mul1 < 0) {
                continue;
            }
            int half = in(m2, 1 - side);
            GraphNode m1 = nodes.get(mul1);
            for (int s1 = 0; s1 < 2; s1++) {
                int add = producedBy(in(m1, s1), "Add");
                int x = in(m1, 1 - s1);
                if (add < 0 || x < 0) {
                    continue;
                }
                GraphNode a = nodes.get(add);
                for (int s2 = 0; s2 < 2; s2++) {
                    int erf = producedBy(in(a, s2), "Erf");
                    if (erf < 0) {
                        continue;
                    }
                    int one = in(a, 1 - s2);
                    int div = producedBy(in(nodes.get(erf), 0), "Div");
                    if (div < 0 || in(nodes.get(div), 0) != x) {
                        continue;
                    }
                    int[] gelu = {div, erf, add, mul1, mul2};
                    int[] constants = {in(nodes.get(div), 1), one, half};
                    // the expansion of a feed-forward block: the GELU runs in place on the product
                    int bias = producedBy(x, "Add");
                    List<Integer> readers = consumers.get(x);
                    if (bias >= 0 && readers.size() == 2 && readers.contains(div) && readers.contains(mul1) && !protectedSlot[x]) {
                        GraphNode a2 = nodes.get(bias);
                        for (int s3 = 0; s3 < 2; s3++) {
                            int mm = producedBy(in(a2, s3), "MatMul");
                            if (mm >= 0 && weightIsInitializer(mm)) {
                                GraphNode m = nodes.get(mm);
                                int[] members = {mm, bias, div, erf, add, mul1, mul2};
                                int[] inputs = {in(m, 0), in(m, 1), in(a2, 1 - s3), constants[0], constants[1], constants[2]};
                                feedForward(members, inputs);
                                register("linearGelu", members, inputs, Fusions::linearGeluKernel);
                                if (byNode[mul2] != null) {
                                    return;
                                }
                            }
                        }
                    }
                    register("gelu", gelu, new int[] {x, constants[0], constants[1], constants[2]}, Fusions::geluKernel);
                    return;
                }
            }
        }
    }

    /**
     * The whole feed-forward block when the expansion ({@code linearGelu}'s {@code members}) is
     * read only by a MatMul by an initializer whose one reader adds an initializer, its bias: the
     * contraction.
     */
    private void feedForward(int[] expansion, int[] expansionInputs) {
        int hidden = out(nodes.get(expansion[expansion.length - 1]));
        List<Integer> readers = consumers.get(hidden);
        if (readers.size() != 1 || !op(nodes.get(readers.get(0))).equals("MatMul") || in(nodes.get(readers.get(0)), 0) != hidden
                || !weightIsInitializer(readers.get(0))) {
            return;
        }
        int mm = readers.get(0);
        List<Integer> sums = consumers.get(out(nodes.get(mm)));
        if (sums.size() != 1 || !op(nodes.get(sums.get(0))).equals("Add")) {
            return;
        }
        int add = sums.get(0);
        GraphNode a = nodes.get(add);
        int bias = in(a, 0) == out(nodes.get(mm)) ? in(a, 1) : in(a, 0);
        if (bias < 0 || !initializer[bias]) {
            // a residual added straight to the contraction is not a bias
            return;
        }
        int[] members = Arrays.copyOf(expansion, expansion.length + 2);
        members[expansion.length] = mm;
        members[expansion.length + 1] = add;
        int[] inputs = Arrays.copyOf(expansionInputs, expansionInputs.length + 2);
        inputs[expansionInputs.length] = in(nodes.get(mm), 1);
        inputs[expansionInputs.length + 1] = bias;
        register("feedForward", members, inputs, Fusions::feedForwardKernel);
    }

    private static Value feedForwardKernel(Value[] v) {
        if (!linearFits(v[0], v[1], v[2]) || !geluConstants(v[3], v[4], v[5]) || !floats(v[6], v[7])) {
            return null;
        }
        Tensor w1 = v[1].floatTensor();
        Tensor w2 = v[6].floatTensor();
        Tensor b2 = v[7].floatTensor();
        if (w2.dim() != 2 || w2.size(0) != w1.size(1) || b2.dim() != 1 || b2.size(0) != w2.size(1)) {
            return null;
        }
        return Value.of(FusedOps.feedForward(v[0].floatTensor(), w1, v[2].floatTensor(), w2, b2));
    }

    private static Value geluKernel(Value[] v) {
        if (!floats(v[0]) || !geluConstants(v[1], v[2], v[3])) {
            return null;
        }
        return Value.of(FusedOps.gelu(v[0].floatTensor()));
    }

    /** The fused op is PyTorch's erf GELU with these exact constants; anything else runs as written. */
    private static boolean geluConstants(Value divisor, Value one, Value half) {
        return scalar(divisor) && scalar(one) && scalar(half) && value(divisor) == Erf.GELU_DIVISOR && value(one) == 1f
                && value(half) == 0.5f;
    }

    private static Value linearGeluKernel(Value[] v) {
        if (!linearFits(v[0], v[1], v[2]) || !geluConstants(v[3], v[4], v[5])) {
            return null;
        }
        return Value.of(FusedOps.linearGelu(v[0].floatTensor(), v[1].floatTensor(), v[2].floatTensor()));
    }

    // ---------------------------------------------------------------- layer normalisation

    /**
     * {@code Add(Mul(Div(Sub(x, ReduceMean(x)), Sqrt(Add(ReduceMean(Pow(Sub, 2)), eps))), gamma), beta)},
     * commutative operands in either order, both ReduceMeans over the last axis with keepdims.
     */
    private void layerNorm(int addBeta) {
        GraphNode z = nodes.get(addBeta);
        for (int side = 0; side < 2; side++) {
            int mulGamma = producedBy(in(z, side), "Mul");
            if (mulGamma < 0) {
                continue;
            }
            int beta = in(z, 1 - side);
            GraphNode y = nodes.get(mulGamma);
            for (int s1 = 0; s1 < 2; s1++) {
                int div = producedBy(in(y, s1), "Div");
                if (div < 0) {
                    continue;
                }
                int gamma = in(y, 1 - s1);
                GraphNode n = nodes.get(div);
                int sub = producedBy(in(n, 0), "Sub");
                int sqrt = producedBy(in(n, 1), "Sqrt");
                if (sub < 0 || sqrt < 0) {
                    continue;
                }
                int addEps = producedBy(in(nodes.get(sqrt), 0), "Add");
                if (addEps < 0) {
                    continue;
                }
                GraphNode a = nodes.get(addEps);
                int var = producedBy(in(a, 0), "ReduceMean");
                int eps = in(a, 1);
                if (var < 0) {
                    var = producedBy(in(a, 1), "ReduceMean");
                    eps = in(a, 0);
                }
                if (var < 0) {
                    continue;
                }
                int pow = producedBy(in(nodes.get(var), 0), "Pow");
                GraphNode d = nodes.get(sub);
                int x = in(d, 0);
                int mean = producedBy(in(d, 1), "ReduceMean");
                if (pow < 0 || mean < 0 || in(nodes.get(pow), 0) != out(d) || in(nodes.get(mean), 0) != x) {
                    continue;
                }
                GraphNode rm1 = nodes.get(mean);
                GraphNode rm2 = nodes.get(var);
                if (rm1.spec().intAttr("keepdims", 1) != 1 || rm2.spec().intAttr("keepdims", 1) != 1) {
                    continue;
                }
                long[] axes1 = rm1.spec().intsAttr("axes");
                long[] axes2 = rm2.spec().intsAttr("axes");
                int[] members = {mean, sub, pow, var, addEps, sqrt, div, mulGamma, addBeta};
                int[] inputs = {x, in(nodes.get(pow), 1), eps, gamma, beta, in(rm1, 1), in(rm2, 1), -1};
                // a residual connection just before: the sum is normalised without being stored
                int residual = producedBy(x, "Add");
                List<Integer> readers = consumers.get(x);
                if (residual >= 0 && readers.size() == 2 && readers.contains(mean) && readers.contains(sub) && !protectedSlot[x]) {
                    int[] withAdd = Arrays.copyOf(members, members.length + 1);
                    withAdd[members.length] = residual;
                    int[] withInputs = inputs.clone();
                    withInputs[0] = in(nodes.get(residual), 0);
                    withInputs[7] = in(nodes.get(residual), 1);
                    register("layerNorm", withAdd, withInputs, v -> layerNormKernel(v, axes1, axes2));
                }
                register("layerNorm", members, inputs, v -> layerNormKernel(v, axes1, axes2));
                return;
            }
        }
    }

    private static Value layerNormKernel(Value[] v, long[] axes1, long[] axes2) {
        if (!floats(v[0], v[3], v[4]) || !scalar(v[1]) || !scalar(v[2]) || value(v[1]) != 2f
                || (v[7] != null && !floats(v[7]))) {
            return null;
        }
        Tensor x = v[0].floatTensor();
        Tensor residual = v[7] == null ? null : v[7].floatTensor();
        if (residual != null && !Arrays.equals(residual.shape(), x.shape())) {
            // a broadcasting sum (e.g. BERT's position embeddings) is added as written first
            x = x.add(residual);
            residual = null;
        }
        int r = x.dim();
        if (r < 1 || !lastAxis(axes1, v[5], r) || !lastAxis(axes2, v[6], r)) {
            return null;
        }
        int d = x.shape()[r - 1];
        Tensor gamma = v[3].floatTensor();
        Tensor beta = v[4].floatTensor();
        if (gamma.dim() != 1 || gamma.size(0) != d || beta.dim() != 1 || beta.size(0) != d) {
            return null;
        }
        return Value.of(FusedOps.layerNorm(x, residual, gamma, beta, value(v[2])));
    }

    /** Whether a ReduceMean's axes (attribute, or input from opset 18) are exactly the last axis. */
    private static boolean lastAxis(long[] attr, Value input, int rank) {
        long[] axes = attr;
        if (axes == null && input != null && input.kind() == DataType.Kind.INT) {
            axes = input.longTensor().toArray();
        }
        return axes != null && axes.length == 1 && (axes[0] == -1 || axes[0] == rank - 1);
    }

    // ---------------------------------------------------------------- linear

    /** {@code Add(MatMul(x, W), b)} or {@code Add(b, MatMul(x, W))} with W an initializer. */
    private void linearWithBias(int add) {
        GraphNode a = nodes.get(add);
        for (int side = 0; side < 2; side++) {
            int mm = producedBy(in(a, side), "MatMul");
            if (mm < 0 || !weightIsInitializer(mm)) {
                continue;
            }
            GraphNode m = nodes.get(mm);
            register("linear", new int[] {mm, add}, new int[] {in(m, 0), in(m, 1), in(a, 1 - side)}, Fusions::linearKernel);
            return;
        }
    }

    /** A MatMul by a 2-D initializer alone: one product over all leading dimensions. */
    private void linear(int mm) {
        if (byNode[mm] == null && weightIsInitializer(mm)) {
            GraphNode m = nodes.get(mm);
            register("linear", new int[] {mm}, new int[] {in(m, 0), in(m, 1), -1}, Fusions::linearKernel);
        }
    }

    private boolean weightIsInitializer(int mm) {
        int w = in(nodes.get(mm), 1);
        return w >= 0 && initializer[w];
    }

    private static Value linearKernel(Value[] v) {
        if (!linearFits(v[0], v[1], v[2])) {
            return null;
        }
        return Value.of(FusedOps.linear(v[0].floatTensor(), v[1].floatTensor(), v[2] == null ? null : v[2].floatTensor()));
    }

    /** x {@code [..., K]} (rank 2 or more), w {@code [K, N]}, bias {@code [N]} or absent, all float32. */
    private static boolean linearFits(Value xv, Value wv, Value bv) {
        if (!floats(xv, wv) || (bv != null && !floats(bv))) {
            return false;
        }
        Tensor x = xv.floatTensor();
        Tensor w = wv.floatTensor();
        if (x.dim() < 2 || w.dim() != 2 || x.shape()[x.dim() - 1] != w.size(0)) {
            return false;
        }
        Tensor b = bv == null ? null : bv.floatTensor();
        return b == null || (b.dim() == 1 && b.size(0) == w.size(1));
    }

    // ---------------------------------------------------------------- values

    private static boolean floats(Value... values) {
        for (Value v : values) {
            if (v == null || v.type() != DataType.FLOAT) {
                return false;
            }
        }
        return true;
    }

    private static boolean scalar(Value v) {
        return v != null && v.type() == DataType.FLOAT && v.numel() == 1;
    }

    private static float value(Value v) {
        return v.floatTensor().reshape().item();
    }
}
