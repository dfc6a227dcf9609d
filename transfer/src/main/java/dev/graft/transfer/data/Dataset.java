package dev.graft.transfer.data;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A finite, indexable set of labelled examples for classification: each example is a float32
 * input of a fixed {@linkplain #sampleShape() shape} ({@code [C, H, W]} for images, {@code [F]}
 * for feature vectors) and a class index in {@code [0, numClasses())}.
 *
 * <p>Examples are produced on demand by {@link #copyInput}, which is handed a random generator so
 * that datasets with random augmentation stay reproducible: the {@link DataLoader} derives that
 * generator from its seed, the epoch and the example's position, never from thread timing.
 * Implementations must allow {@code copyInput} to be called from a thread other than the creator's.
 */
public interface Dataset {

    /** @return the number of examples */
    int size();

    /** @return the shape of one example's input, without the batch dimension (a copy) */
    int[] sampleShape();

    /** @return the class names, in class-index order */
    List<String> classNames();

    /** @return the number of classes */
    default int numClasses() {
        return classNames().size();
    }

    /**
     * @param index an example index in {@code [0, size())}
     * @return the class index of that example
     */
    long label(int index);

    /**
     * Writes one example's input, in row-major order, into {@code dst}.
     *
     * @param index an example index in {@code [0, size())}
     * @param dst the destination array
     * @param offset where in {@code dst} the example starts; {@link #sampleNumel()} values are written
     * @param random the source of randomness for augmentation; deterministic datasets ignore it
     */
    void copyInput(int index, float[] dst, int offset, RandomGenerator random);

    /** @return the number of floats in one example's input */
    default int sampleNumel() {
        int n = 1;
        for (int d : sampleShape()) {
            n *= d;
        }
        return n;
    }

    /**
     * Stacks the given examples into one batch, with a fixed-seed generator for any augmentation.
     * Training loops should go through a {@link DataLoader}, which varies that seed per epoch.
     *
     * @param indices the examples, in batch order
     * @return the batch
     */
    default Batch batch(int... indices) {
        int n = sampleNumel();
        float[] x = new float[Math.multiplyExact(indices.length, n)];
        long[] y = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            checkIndex(indices[i]);
            copyInput(indices[i], x, i * n, DataLoader.exampleRandom(0L, 0, indices[i]));
            y[i] = label(indices[i]);
        }
        int[] shape = sampleShape();
        int[] batchShape = new int[shape.length + 1];
        batchShape[0] = indices.length;
        System.arraycopy(shape, 0, batchShape, 1, shape.length);
        return new Batch(Tensor.of(x, batchShape), LongTensor.of(y, indices.length), indices.clone());
    }

    /**
     * @param indices example indices of this dataset (repeats allowed)
     * @return a view holding only those examples, in that order
     */
    default Dataset subset(int... indices) {
        return new SubsetDataset(this, indices);
    }

    /**
     * Whether {@link #copyInput} draws on its random generator (random crops, flips). A model's
     * frozen part may be run once per example and cached only when this is false.
     *
     * @return true if the same index can give different inputs from call to call
     */
    default boolean augments() {
        return false;
    }

    /**
     * The length of a variable-length example (a text's token count) inside its fixed-size input,
     * or -1 for examples that have none. When examples have lengths, a shuffling
     * {@link DataLoader} puts examples of similar length in the same batch, so that a model that
     * pads each batch to its longest example does little padding.
     *
     * @param index an example index in {@code [0, size())}
     * @return the length, or -1 (the default)
     */
    default int sequenceLength(int index) {
        return -1;
    }

    /** @return every label, in example order */
    default long[] labels() {
        long[] out = new long[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = label(i);
        }
        return out;
    }

    /**
     * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
     */
    default void checkIndex(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException("example index " + index + " is outside [0, " + size() + ")");
        }
    }
}
