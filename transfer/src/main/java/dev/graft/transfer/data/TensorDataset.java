package dev.graft.transfer.data;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A dataset held in memory as one row-major float array of {@code size() * sampleNumel()} values
 * and one label per example. IDX and CSV data end up here; so can any caller's own arrays.
 */
public final class TensorDataset implements Dataset {

    private final float[] inputs;
    private final int[] sampleShape;
    private final int sampleNumel;
    private final long[] labels;
    private final List<String> classNames;

    /**
     * @param inputs every example's input, concatenated; kept, not copied
     * @param sampleShape the shape of one example
     * @param labels one class index per example, each in {@code [0, classNames.size())}; kept, not copied
     * @param classNames the class names in index order
     * @throws IllegalArgumentException if the sizes disagree or a label is out of range
     */
    public TensorDataset(float[] inputs, int[] sampleShape, long[] labels, List<String> classNames) {
        long numel = 1;
        for (int d : sampleShape) {
            if (d <= 0) {
                throw new IllegalArgumentException("TensorDataset: sample shape " + Arrays.toString(sampleShape)
                        + " has a non-positive dimension");
            }
            numel *= d;
        }
        if (numel * labels.length != inputs.length) {
            throw new IllegalArgumentException("TensorDataset: " + inputs.length + " input values for " + labels.length
                    + " examples of shape " + Arrays.toString(sampleShape) + " (" + numel * labels.length + " expected)");
        }
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("TensorDataset: no class names");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("TensorDataset: example " + i + " has label " + labels[i]
                        + ", expected a class index in [0, " + classNames.size() + ")");
            }
        }
        this.inputs = inputs;
        this.sampleShape = sampleShape.clone();
        this.sampleNumel = (int) numel;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
    }

    /**
     * Standardises per channel, {@code (x - mean[c]) / std[c]}, where the channel is the first
     * dimension of the sample shape; one mean/std pair applies to every value.
     *
     * @return a new dataset with normalised inputs
     * @throws IllegalArgumentException if the lengths fit neither rule or a std is not positive
     */
    public TensorDataset normalize(float[] mean, float[] std) {
        int channels = sampleShape.length == 0 ? 1 : sampleShape[0];
        if (mean.length != std.length || (mean.length != 1 && mean.length != channels)) {
            throw new IllegalArgumentException("normalize: " + mean.length + " means and " + std.length
                    + " stds for samples of shape " + Arrays.toString(sampleShape) + ", expected 1 or " + channels + " of each");
        }
        for (float s : std) {
            if (!(s > 0f)) {
                throw new IllegalArgumentException("normalize: std " + s + " is not positive");
            }
        }
        int plane = mean.length == 1 ? sampleNumel : sampleNumel / channels;
        float[] out = new float[inputs.length];
        for (int i = 0; i < out.length; i++) {
            int c = (i % sampleNumel) / plane;
            out[i] = (inputs[i] - mean[c]) / std[c];
        }
        return new TensorDataset(out, sampleShape, labels, classNames);
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    @Override
    public int sampleNumel() {
        return sampleNumel;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public long label(int index) {
        checkIndex(index);
        return labels[index];
    }

    @Override
    public void copyInput(int index, float[] dst, int offset, RandomGenerator random) {
        checkIndex(index);
        System.arraycopy(inputs, index * sampleNumel, dst, offset, sampleNumel);
    }
}
