package dev.graft.nn.checkpoint;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import dev.graft.nn.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves and restores training state as one safetensors file: the module's parameters and buffers
 * under their dotted names (so other tools read the weights directly) and, optionally, the
 * optimizer's state under {@value #OPTIMIZER_PREFIX}{@code <index>.<slot>}, with each param
 * group's current learning rate and momentum in the metadata (as exact decimal text, so values a
 * scheduler changed survive a restart). Saving is atomic.
 */
public final class Checkpoint {

    /** Prefix of the optimizer-state tensors in the file. */
    public static final String OPTIMIZER_PREFIX = "__optimizer__.";

    /** Metadata key recording the optimizer's class, checked on load. */
    public static final String OPTIMIZER_KEY = "graft.optimizer";

    /** Metadata key prefix of each param group's learning rate: {@code graft.optimizer.lr.<group>}. */
    public static final String GROUP_LR_PREFIX = "graft.optimizer.lr.";

    /** Metadata key prefix of each param group's momentum: {@code graft.optimizer.momentum.<group>}. */
    public static final String GROUP_MOMENTUM_PREFIX = "graft.optimizer.momentum.";

    private Checkpoint() {
    }

    /**
     * @param path the file to write (replaced atomically)
     * @param module whose state dict to save
     * @param optimizer whose state to save, or null
     * @param metadata extra string entries (epoch, notes, ...) stored in {@code __metadata__}
     * @throws IOException if writing fails; an existing file is then unchanged
     */
    public static void save(Path path, Module module, Optimizer optimizer, Map<String, String> metadata)
            throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (var e : module.stateDict().entrySet()) {
            if (e.getKey().startsWith(OPTIMIZER_PREFIX)) {
                throw new IllegalArgumentException("Checkpoint.save: module entry '" + e.getKey()
                        + "' clashes with the reserved prefix " + OPTIMIZER_PREFIX);
            }
            tensors.put(e.getKey(), e.getValue());
        }
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        if (optimizer != null) {
            meta.put(OPTIMIZER_KEY, optimizer.getClass().getSimpleName());
            for (int g = 0; g < optimizer.paramGroups().size(); g++) {
                meta.put(GROUP_LR_PREFIX + g, Double.toString(optimizer.paramGroups().get(g).lr()));
                meta.put(GROUP_MOMENTUM_PREFIX + g, Double.toString(optimizer.paramGroups().get(g).momentum()));
            }
            for (var e : optimizer.stateDict().entrySet()) {
                tensors.put(OPTIMIZER_PREFIX + e.getKey(), e.getValue());
            }
        }
        SafeTensors.write(path, tensors, Map.of(), meta);
    }

    /**
     * Restores a module (and optionally an optimizer) from a checkpoint. Nothing is changed unless
     * everything matches.
     *
     * @param path the file to read
     * @param module the module to load into; every parameter and buffer must be in the file as F32
     *     with the same shape, and the file must hold no other module entries
     * @param optimizer the optimizer to load into, or null to ignore any optimizer state in the file
     * @return the file's metadata
     * @throws SafeTensorsFormatException if the file is not a valid safetensors file
     * @throws IllegalArgumentException listing every missing, unexpected, mistyped or mis-shaped entry
     */
    public static Map<String, String> load(Path path, Module module, Optimizer optimizer) throws IOException {
        TensorFile file = SafeTensors.read(path);
        Map<String, Tensor> expected = module.stateDict();
        Map<String, Tensor> moduleState = new LinkedHashMap<>();
        Map<String, Tensor> optimizerState = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        double[] groupLrs = null;
        double[] groupMomenta = null;
        for (var e : file.longs().entrySet()) {
            String name = e.getKey();
            if (expected.containsKey(name)) {
                problems.add(name + " is I64 in the file, expected F32");
            } else {
                problems.add("unexpected " + name + " (I64)");
            }
        }
        for (var e : file.floats().entrySet()) {
            String name = e.getKey();
            if (name.startsWith(OPTIMIZER_PREFIX)) {
                optimizerState.put(name.substring(OPTIMIZER_PREFIX.length()), e.getValue());
            } else if (!expected.containsKey(name)) {
                problems.add("unexpected " + name);
            } else if (!Arrays.equals(expected.get(name).shape(), e.getValue().shape())) {
                problems.add(name + " has shape " + Arrays.toString(e.getValue().shape()) + " in the file, expected "
                        + Arrays.toString(expected.get(name).shape()));
            } else {
                moduleState.put(name, e.getValue());
            }
        }
        for (String name : expected.keySet()) {
            if (!file.floats().containsKey(name) && !file.longs().containsKey(name)) {
                problems.add("missing " + name);
            }
        }
        if (optimizer != null) {
            String saved = file.metadata().get(OPTIMIZER_KEY);
            String wanted = optimizer.getClass().getSimpleName();
            if (saved == null) {
                problems.add("the file holds no optimizer state, expected state for " + wanted);
            } else if (!saved.equals(wanted)) {
                problems.add("the file holds " + saved + " state, expected " + wanted);
            } else {
                groupLrs = groupValues(file.metadata(), GROUP_LR_PREFIX, optimizer.paramGroups().size(), problems);
                groupMomenta = groupValues(file.metadata(), GROUP_MOMENTUM_PREFIX, optimizer.paramGroups().size(),
                        problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("checkpoint " + path + " does not match " + module + ": "
                    + String.join("; ", problems));
        }
        if (optimizer != null) {
            optimizer.loadStateDict(optimizerState);
            for (int g = 0; g < groupLrs.length; g++) {
                optimizer.paramGroups().get(g).setLr(groupLrs[g]);
                optimizer.paramGroups().get(g).setMomentum(groupMomenta[g]);
            }
        }
        module.loadStateDict(moduleState, true);
        return file.metadata();
    }

    /** Reads one value per group; a different number of groups means a different optimizer setup. */
    private static double[] groupValues(Map<String, String> metadata, String prefix, int groups, List<String> problems) {
        double[] out = new double[groups];
        for (int g = 0; g < groups; g++) {
            String text = metadata.get(prefix + g);
            if (text == null) {
                problems.add("metadata " + prefix + g + " is missing, expected a value for param group " + g);
                continue;
            }
            try {
                out[g] = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                problems.add("metadata " + prefix + g + " is '" + text + "', expected a number");
            }
        }
        if (metadata.containsKey(prefix + groups)) {
            problems.add("the file has more than " + groups + " param groups, expected " + groups);
        }
        return out;
    }
}
