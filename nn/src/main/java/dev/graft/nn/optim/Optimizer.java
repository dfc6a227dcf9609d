package dev.graft.nn.optim;

import dev.graft.engine.GradMode;
import dev.graft.engine.Tensor;
import dev.graft.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Updates parameters from their gradients, as a {@code torch.optim.Optimizer}.
 *
 * <p>{@link #step()} visits every parameter of every group in order and skips frozen parameters
 * and parameters without a gradient (they took no part in the last backward pass), so their
 * state does not advance either. Each parameter is numbered by its position across all groups;
 * its state (momentum buffers, moments, step count) lives in named slots, exposed by
 * {@link #stateDict()} under keys {@code "<index>.<slot>"} for checkpoints.
 */
public abstract class Optimizer {

    private final List<ParamGroup> groups;
    private final List<Parameter> params = new ArrayList<>();
    private final List<Map<String, Tensor>> state = new ArrayList<>();

    /**
     * @param groups the parameter groups; each may belong to one optimizer only
     * @param defaultLr the learning rate of groups that set none
     * @param defaultWeightDecay the weight decay of groups that set none
     * @param defaultMomentum the momentum (or Adam's beta1) of groups that set none
     */
    protected Optimizer(List<ParamGroup> groups, double defaultLr, double defaultWeightDecay, double defaultMomentum) {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameter groups given");
        }
        ParamGroup.checkNonNegative("learning rate", defaultLr);
        ParamGroup.checkNonNegative("weight decay", defaultWeightDecay);
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (ParamGroup g : groups) {
            for (Parameter p : g.params()) {
                if (!seen.add(p)) {
                    throw new IllegalArgumentException(getClass().getSimpleName()
                            + ": a parameter appears in more than one place in the parameter groups (" + p + ")");
                }
                params.add(p);
                state.add(new LinkedHashMap<>());
            }
        }
        for (ParamGroup g : groups) {
            g.attach(defaultLr, defaultWeightDecay, defaultMomentum);
        }
        this.groups = List.copyOf(groups);
    }

    /** @return the parameter groups, in order */
    public final List<ParamGroup> paramGroups() {
        return groups;
    }

    /** @return every parameter across all groups, in index order */
    public final List<Parameter> parameters() {
        return Collections.unmodifiableList(params);
    }

    /** Drops the gradients of every parameter. */
    public final void zeroGrad() {
        for (Parameter p : params) {
            p.zeroGrad();
        }
    }

    /** Applies one update to every trainable parameter that has a gradient. */
    public final void step() {
        try (var ignored = GradMode.noGrad()) {
            int index = 0;
            for (ParamGroup g : groups) {
                for (Parameter p : g.params()) {
                    Map<String, Tensor> slots = state.get(index++);
                    if (!p.trainable() || p.grad() == null) {
                        continue;
                    }
                    p.set(update(p.value().detach(), p.grad(), g, slots));
                }
            }
        }
    }

    /**
     * Computes one parameter's new value. Runs with gradient recording off.
     *
     * @param value the current value
     * @param grad its gradient
     * @param group the group it belongs to (learning rate, weight decay, momentum)
     * @param slots this parameter's state, which the method reads and replaces entries of
     * @return the new value
     */
    protected abstract Tensor update(Tensor value, Tensor grad, ParamGroup group, Map<String, Tensor> slots);

    /** @return the slot names this optimizer may keep for a parameter */
    protected abstract List<String> slotNames();

    /** @return every state tensor, keyed {@code "<parameter index>.<slot>"}; parameters never updated have none */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < state.size(); i++) {
            for (var e : state.get(i).entrySet()) {
                out.put(i + "." + e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /**
     * Replaces the whole state with {@code dict} (as produced by {@link #stateDict()}).
     *
     * @throws IllegalArgumentException listing every key that names no parameter or slot, and every
     *     tensor whose shape does not fit its parameter; nothing is changed then
     */
    public final void loadStateDict(Map<String, Tensor> dict) {
        List<String> problems = new ArrayList<>();
        List<Map<String, Tensor>> fresh = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            fresh.add(new LinkedHashMap<>());
        }
        for (var e : dict.entrySet()) {
            String key = e.getKey();
            int dot = key.indexOf('.');
            int index = -1;
            if (dot > 0) {
                try {
                    index = Integer.parseInt(key.substring(0, dot));
                } catch (NumberFormatException ex) {
                    index = -1;
                }
            }
            if (index < 0 || index >= params.size()) {
                problems.add("key '" + key + "' does not start with a parameter index in [0, " + params.size() + ")");
                continue;
            }
            String slot = key.substring(dot + 1);
            if (!slotNames().contains(slot)) {
                problems.add("key '" + key + "': " + getClass().getSimpleName() + " has no slot '" + slot
                        + "' (slots: " + slotNames() + ")");
                continue;
            }
            int[] expected = slot.equals("step") ? new int[0] : params.get(index).shape();
            int[] actual = e.getValue().shape();
            if (!Arrays.equals(expected, actual)) {
                problems.add("'" + key + "' has shape " + Arrays.toString(actual) + ", expected "
                        + Arrays.toString(expected));
                continue;
            }
            fresh.get(index).put(slot, e.getValue().detach());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".loadStateDict: " + String.join("; ", problems));
        }
        for (int i = 0; i < state.size(); i++) {
            state.get(i).clear();
            state.get(i).putAll(fresh.get(i));
        }
    }

    /** @return the incremented step count kept in the {@code "step"} slot (a float scalar, as in PyTorch) */
    protected static int nextStep(Map<String, Tensor> slots) {
        Tensor previous = slots.get("step");
        int step = previous == null ? 1 : Math.round(previous.item()) + 1;
        slots.put("step", Tensor.scalar(step));
        return step;
    }
}
