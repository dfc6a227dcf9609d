package dev.graft.transfer.data;

import java.util.List;
import java.util.random.RandomGenerator;

/** A view of selected examples of another dataset, in a given order; copies no example data. */
public final class SubsetDataset implements Dataset {

    private final Dataset source;
    private final int[] indices;

    /**
     * @param source the dataset to select from
     * @param indices indices into {@code source}, each in {@code [0, source.size())}
     * @throws IndexOutOfBoundsException naming the first index out of range
     */
    public SubsetDataset(Dataset source, int[] indices) {
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= source.size()) {
                throw new IndexOutOfBoundsException("subset: position " + i + " selects example " + indices[i]
                        + ", outside [0, " + source.size() + ")");
            }
        }
        this.source = source;
        this.indices = indices.clone();
    }

    /** @return the index in the source dataset of this subset's example {@code index} */
    public int sourceIndex(int index) {
        checkIndex(index);
        return indices[index];
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int[] sampleShape() {
        return source.sampleShape();
    }

    @Override
    public List<String> classNames() {
        return source.classNames();
    }

    @Override
    public long label(int index) {
        checkIndex(index);
        return source.label(indices[index]);
    }

    @Override
    public void copyInput(int index, float[] dst, int offset, RandomGenerator random) {
        checkIndex(index);
        source.copyInput(indices[index], dst, offset, random);
    }

    @Override
    public int sequenceLength(int index) {
        checkIndex(index);
        return source.sequenceLength(indices[index]);
    }

    @Override
    public boolean augments() {
        return source.augments();
    }
}
