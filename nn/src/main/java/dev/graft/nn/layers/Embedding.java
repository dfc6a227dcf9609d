package dev.graft.nn.layers;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import dev.graft.nn.Init;
import dev.graft.nn.Module;
import dev.graft.nn.Parameter;
import java.util.Random;

/**
 * A lookup table of learned vectors, as torch.nn.Embedding (weights standard normal). Token ids
 * arrive as a {@link LongTensor}; {@link #forward(Tensor)} accepts float ids for use inside a
 * {@link Sequential}.
 */
public final class Embedding extends Module {

    private final int count;
    private final int dim;
    private final Parameter weight;

    /**
     * @param count number of ids
     * @param dim size of each vector
     * @param random initialisation source
     */
    public Embedding(int count, int dim, Random random) {
        if (count < 1 || dim < 1) {
            throw new IllegalArgumentException("Embedding: count and dim must be >= 1, got " + count + " x " + dim);
        }
        this.count = count;
        this.dim = dim;
        this.weight = registerParameter("weight", Init.normal(random, 1f, count, dim));
    }

    /** @return one vector per id: shape {@code ids.shape + [dim]} */
    public Tensor forward(LongTensor ids) {
        for (long id : ids.toArray()) {
            if (id < 0 || id >= count) {
                throw new IndexOutOfBoundsException(this + ": id " + id + " is outside [0, " + count + ")");
            }
        }
        return weight.value().gather(0, ids);
    }

    @Override
    public Tensor forward(Tensor ids) {
        return forward(ids.toLong());
    }

    /** @return the table, {@code [count, dim]} */
    public Parameter weight() {
        return weight;
    }

    @Override
    public String toString() {
        return "Embedding(" + count + ", " + dim + ")";
    }
}
