package dev.graft.nn.layers;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;

/** {@code body(x) + shortcut(x)}, the shortcut being the identity or a projection (a ResNet block). */
public final class Residual extends Module {

    private final Module body;
    private final Module shortcut;

    /** @param body the residual branch; the shortcut is the identity */
    public Residual(Module body) {
        this(body, null);
    }

    /**
     * @param body the residual branch
     * @param shortcut a projection applied to the input (e.g. a strided 1x1 conv), or null for identity
     */
    public Residual(Module body, Module shortcut) {
        this.body = registerModule("body", body);
        this.shortcut = shortcut == null ? null : registerModule("shortcut", shortcut);
    }

    /** @return the residual branch */
    public Module body() {
        return body;
    }

    /** @return the shortcut projection, or null for the identity */
    public Module shortcut() {
        return shortcut;
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor skip = shortcut == null ? input : shortcut.forward(input);
        return body.forward(input).add(skip);
    }
}
