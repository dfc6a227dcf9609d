package dev.graft.nn.layers;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import java.util.ArrayList;
import java.util.List;

/** Modules applied one after the other; children are named "0", "1", ... as in PyTorch. */
public final class Sequential extends Module {

    private final List<Module> layers = new ArrayList<>();

    /** @param layers the modules, in order */
    public Sequential(Module... layers) {
        for (Module m : layers) {
            add(m);
        }
    }

    /** Appends a module; returns this. */
    public Sequential add(Module m) {
        layers.add(registerModule(Integer.toString(layers.size()), m));
        return this;
    }

    /** @return the i-th module */
    public Module get(int i) {
        if (i < 0 || i >= layers.size()) {
            throw new IndexOutOfBoundsException("Sequential: index " + i + " for " + layers.size() + " layers");
        }
        return layers.get(i);
    }

    /** @return the number of modules */
    public int size() {
        return layers.size();
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (Module m : layers) {
            x = m.forward(x);
        }
        return x;
    }

    @Override
    public String toString() {
        return "Sequential" + layers;
    }
}
