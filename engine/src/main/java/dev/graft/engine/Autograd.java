package dev.graft.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Records ops on the tape and walks it backwards. */
final class Autograd {

    private Autograd() {
    }

    /**
     * Attaches {@code backward} to {@code out} when recording is on and some input needs a gradient.
     * Otherwise records nothing, so frozen or inference work costs no backward pass.
     */
    static Tensor record(Tensor out, String op, Node.Backward backward, Tensor... inputs) {
        if (!GradMode.isEnabled()) {
            return out;
        }
        for (Tensor in : inputs) {
            if (in != null && in.requiresGrad()) {
                out.attach(new Node(op, inputs, backward));
                return out;
            }
        }
        return out;
    }

    /**
     * Back-propagates {@code seed} from {@code root}. Leaves that require grad accumulate into
     * {@link Tensor#grad()}; intermediate gradients are dropped as soon as they are consumed.
     */
    static void backward(Tensor root, Tensor seed) {
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> pending = new IdentityHashMap<>();
        pending.put(root, seed);
        try (var ignored = GradMode.noGrad()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = pending.remove(t);
                if (g == null) {
                    continue;
                }
                Node node = t.node();
                if (node == null || t.retainsGrad()) {
                    t.accumulateGrad(g);
                }
                if (node == null) {
                    continue;
                }
                Tensor[] grads = node.backward().apply(g);
                for (int k = 0; k < node.inputs().length; k++) {
                    Tensor in = node.inputs()[k];
                    if (in == null || !in.requiresGrad() || grads[k] == null) {
                        continue;
                    }
                    if (!java.util.Arrays.equals(grads[k].shape(), in.shape())) {
                        throw new IllegalStateException(node.op() + " backward produced a gradient of shape "
                                + Shape.str(grads[k].shape()) + " for an input of shape " + Shape.str(in.shape()));
                    }
                    pending.merge(in, grads[k], Tensor::add);
                }
            }
        }
    }

    /** Post-order of the graph below {@code root}, iterative so deep graphs cannot overflow the stack. */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> visited = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        visited.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            Tensor[] inputs = t.node() == null ? new Tensor[0] : t.node().inputs();
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                if (in != null && in.requiresGrad() && visited.put(in, Boolean.TRUE) == null) {
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
