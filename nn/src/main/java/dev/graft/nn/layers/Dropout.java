package dev.graft.nn.layers;

import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import java.util.Random;

/**
 * Inverted dropout: in training mode each element is zeroed with probability {@code p} and the
 * rest scaled by {@code 1 / (1 - p)}; in eval mode the identity. Masks come from a seeded source.
 */
public final class Dropout extends Module {

    private final float p;
    private final Random random;

    /**
     * @param p drop probability in {@code [0, 1)}
     * @param seed seed of the mask source, so that a training run can be repeated
     */
    public Dropout(float p, long seed) {
        this(p, new Random(seed));
    }

    /**
     * @param p drop probability in {@code [0, 1)}
     * @param random mask source (shared with other layers when a whole model is built from one source)
     */
    public Dropout(float p, Random random) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        }
        if (random == null) {
            throw new IllegalArgumentException("Dropout: random is null; expected a seeded java.util.Random");
        }
        this.p = p;
        this.random = random;
    }

    /** @return the drop probability */
    public float p() {
        return p;
    }

    @Override
    public Tensor forward(Tensor input) {
        if (!isTraining() || p == 0) {
            return input;
        }
        Tensor keep = Tensor.rand(random.nextLong(), input.shape()).ge(Tensor.scalar(p)).toFloat();
        return input.mul(keep.mul(1f / (1f - p)));
    }

    @Override
    public String toString() {
        return "Dropout(" + p + ")";
    }
}
