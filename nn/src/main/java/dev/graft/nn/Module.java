package dev.graft.nn;

import dev.graft.engine.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A building block of a network, as in PyTorch's {@code torch.nn.Module}: it owns named
 * parameters, named buffers (state that is saved but not learned, such as running statistics)
 * and named submodules, in registration order. Dotted names ({@code "features.0.weight"})
 * address anything in the tree.
 */
public abstract class Module {

    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /**
     * Computes the module's output.
     *
     * @param input the input tensor
     * @return the output tensor
     */
    public abstract Tensor forward(Tensor input);

    // ---------------------------------------------------------------- registration

    /** Registers a parameter initialised from {@code initial}; returns it. */
    protected final Parameter registerParameter(String name, Tensor initial) {
        checkName(name);
        Parameter p = new Parameter(initial);
        parameters.put(name, p);
        return p;
    }

    /** Registers a buffer; returns its initial value. */
    protected final Tensor registerBuffer(String name, Tensor initial) {
        checkName(name);
        buffers.put(name, initial.detach());
        return initial;
    }

    /** Registers a submodule; returns it. */
    protected final <M extends Module> M registerModule(String name, M child) {
        checkName(name);
        if (child == this) {
            throw new IllegalArgumentException("a module cannot contain itself (name '" + name + "')");
        }
        children.put(name, child);
        return child;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("invalid name '" + name + "': names must be non-empty and contain no '.'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("name '" + name + "' is already used in " + getClass().getSimpleName());
        }
    }

    /** @return the current value of one of this module's own buffers */
    protected final Tensor buffer(String name) {
        Tensor t = buffers.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no buffer '" + name + "' in " + getClass().getSimpleName());
        }
        return t;
    }

    /** Replaces the value of one of this module's own buffers (shape must not change). */
    protected final void setBuffer(String name, Tensor value) {
        Tensor old = buffer(name);
        if (!Arrays.equals(old.shape(), value.shape())) {
            throw new IllegalArgumentException("buffer '" + name + "' has shape " + Arrays.toString(old.shape())
                    + ", got " + Arrays.toString(value.shape()));
        }
        buffers.put(name, value.detach());
    }

    // ---------------------------------------------------------------- traversal

    /** @return this module's direct submodules by name, in registration order */
    public final Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /** @return this module and every descendant, keyed by dotted path ("" for this one), depth first */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", this, out);
        return out;
    }

    private static void collectModules(String prefix, Module m, Map<String, Module> out) {
        out.put(prefix, m);
        for (var e : m.children.entrySet()) {
            collectModules(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
        }
    }

    /** @return every parameter in the tree keyed by dotted name, in registration order */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (var m : namedModules().entrySet()) {
            for (var p : m.getValue().parameters.entrySet()) {
                out.putIfAbsent(join(m.getKey(), p.getKey()), p.getValue());
            }
        }
        return out;
    }

    /** @return every parameter in the tree, each once */
    public final List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : namedParameters().values()) {
            if (!out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** @return every buffer in the tree keyed by dotted name */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var m : namedModules().entrySet()) {
            for (var b : m.getValue().buffers.entrySet()) {
                out.put(join(m.getKey(), b.getKey()), b.getValue());
            }
        }
        return out;
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    // ---------------------------------------------------------------- modes and state

    /** Puts this module and all descendants in training mode; returns this. */
    public Module train() {
        return setTraining(true);
    }

    /** Puts this module and all descendants in inference mode; returns this. */
    public Module eval() {
        return setTraining(false);
    }

    private Module setTraining(boolean on) {
        for (Module m : namedModules().values()) {
            m.training = on;
        }
        return this;
    }

    /** @return whether this module is in training mode */
    public final boolean isTraining() {
        return training;
    }

    /** Drops the gradients of every parameter. */
    public final void zeroGrad() {
        for (Parameter p : parameters()) {
            p.zeroGrad();
        }
    }

    /** @return parameters then buffers, keyed by dotted name: what a checkpoint saves */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var p : namedParameters().entrySet()) {
            out.put(p.getKey(), p.getValue().value().detach());
        }
        out.putAll(namedBuffers());
        return out;
    }

    /**
     * Loads values by dotted name.
     *
     * @param state values to load
     * @param strict when true, a missing or unexpected name is an error
     * @throws IllegalArgumentException listing every missing, unexpected and mis-shaped entry
     */
    public final void loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Parameter> params = namedParameters();
        Map<String, Module> modules = namedModules();
        Map<String, Tensor> buffs = namedBuffers();
        List<String> problems = new ArrayList<>();
        List<String> expectedNames = new ArrayList<>(params.keySet());
        expectedNames.addAll(buffs.keySet());
        for (String name : expectedNames) {
            if (strict && !state.containsKey(name)) {
                problems.add("missing " + name);
            }
        }
        for (var e : state.entrySet()) {
            Tensor expected = params.containsKey(e.getKey()) ? params.get(e.getKey()).value() : buffs.get(e.getKey());
            if (expected == null) {
                if (strict) {
                    problems.add("unexpected " + e.getKey());
                }
            } else if (!Arrays.equals(expected.shape(), e.getValue().shape())) {
                problems.add(e.getKey() + " has shape " + Arrays.toString(e.getValue().shape()) + ", expected "
                        + Arrays.toString(expected.shape()));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("loadStateDict: " + String.join("; ", problems));
        }
        for (var e : state.entrySet()) {
            if (params.containsKey(e.getKey())) {
                params.get(e.getKey()).set(e.getValue());
            } else if (buffs.containsKey(e.getKey())) {
                int dot = e.getKey().lastIndexOf('.');
                Module owner = modules.get(dot < 0 ? "" : e.getKey().substring(0, dot));
                owner.setBuffer(e.getKey().substring(dot + 1), e.getValue());
            }
        }
    }

    // ---------------------------------------------------------------- freezing

    /** Freezes every parameter in the tree; returns this. */
    public Module freeze() {
        for (Parameter p : parameters()) {
            p.setTrainable(false);
        }
        return this;
    }

    /** Unfreezes every parameter in the tree; returns this. */
    public Module unfreeze() {
        for (Parameter p : parameters()) {
            p.setTrainable(true);
        }
        return this;
    }

    /**
     * Freezes the parameters whose dotted name matches {@code glob}, or that sit inside a
     * submodule whose path matches it. In the glob, {@code *} matches within one name segment
     * (no dots) and {@code **} matches across segments: {@code "layer4"}, {@code "layer4.*.weight"},
     * {@code "**.bias"}.
     *
     * @return this
     * @throws IllegalArgumentException if nothing matches (a typo should not silently freeze nothing)
     */
    public Module freeze(String glob) {
        return setTrainable(globToRegex(glob), glob, false);
    }

    /** Unfreezes by glob, as {@link #freeze(String)}; returns this. */
    public Module unfreeze(String glob) {
        return setTrainable(globToRegex(glob), glob, true);
    }

    /** Freezes the parameters whose dotted name (or enclosing module path) fully matches {@code regex}. */
    public Module freezeRegex(java.util.regex.Pattern regex) {
        return setTrainable(regex, regex.pattern(), false);
    }

    /** Unfreezes by regular expression, as {@link #freezeRegex}. */
    public Module unfreezeRegex(java.util.regex.Pattern regex) {
        return setTrainable(regex, regex.pattern(), true);
    }

    /**
     * Freezes everything except the last {@code n} direct submodules (the usual "train only the
     * last N blocks"), and unfreezes those.
     *
     * @throws IllegalArgumentException if {@code n} is negative or exceeds the number of submodules
     */
    public Module freezeAllButLast(int n) {
        List<Module> kids = new ArrayList<>(children.values());
        if (n < 0 || n > kids.size()) {
            throw new IllegalArgumentException("freezeAllButLast: " + n + " blocks requested, " + getClass().getSimpleName()
                    + " has " + kids.size() + " submodules");
        }
        freeze();
        for (Module m : kids.subList(kids.size() - n, kids.size())) {
            m.unfreeze();
        }
        return this;
    }

    private Module setTrainable(java.util.regex.Pattern pattern, String shown, boolean on) {
        int hits = 0;
        for (var e : namedParameters().entrySet()) {
            if (matches(pattern, e.getKey())) {
                e.getValue().setTrainable(on);
                hits++;
            }
        }
        if (hits == 0) {
            throw new IllegalArgumentException("no parameter matches '" + shown + "'; names are " + namedParameters().keySet());
        }
        return this;
    }

    /** A name matches when the pattern covers it whole, or covers one of its enclosing module paths. */
    private static boolean matches(java.util.regex.Pattern pattern, String name) {
        if (pattern.matcher(name).matches()) {
            return true;
        }
        for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
            if (pattern.matcher(name.substring(0, dot)).matches()) {
                return true;
            }
        }
        return false;
    }

    private static java.util.regex.Pattern globToRegex(String glob) {
        if (glob == null || glob.isEmpty()) {
            throw new IllegalArgumentException("empty name pattern");
        }
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                re.append(".*");
                i++;
            } else if (c == '*') {
                re.append("[^.]*");
            } else if (c == '?') {
                re.append("[^.]");
            } else {
                re.append(java.util.regex.Pattern.quote(String.valueOf(c)));
            }
        }
        return java.util.regex.Pattern.compile(re.toString());
    }

    /** @return one line per parameter (name, shape, trainable or frozen) and the two totals */
    public final String parameterSummary() {
        StringBuilder sb = new StringBuilder();
        for (var e : namedParameters().entrySet()) {
            sb.append(String.format("%-40s %-20s %s%n", e.getKey(), Arrays.toString(e.getValue().shape()),
                    e.getValue().trainable() ? "trainable" : "frozen"));
        }
        sb.append(String.format("trainable %d, frozen %d%n", trainableParameterCount(), frozenParameterCount()));
        return sb.toString();
    }

    /** @return the number of scalars in trainable parameters */
    public final long trainableParameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.trainable() ? p.numel() : 0;
        }
        return n;
    }

    /** @return the number of scalars in frozen parameters */
    public final long frozenParameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.trainable() ? 0 : p.numel();
        }
        return n;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName();
    }
}
