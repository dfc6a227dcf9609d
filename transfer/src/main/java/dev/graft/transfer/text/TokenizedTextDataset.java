package dev.graft.transfer.text;

import dev.graft.transfer.data.Dataset;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Tokenized labelled texts as a {@link Dataset} for a {@link TextBackbone}: each example is its
 * token ids as floats, followed by {@code -1} up to {@code maxTokens}. Its
 * {@linkplain #sequenceLength sequence lengths} let the data loader put texts of similar length in
 * the same training batch, which the backbone then pads only to that batch's longest.
 */
public final class TokenizedTextDataset implements Dataset {

    private final int[][] ids;
    private final long[] labels;
    private final List<String> classes;
    private final int maxTokens;

    /**
     * @param encodings one unpadded encoding per text, each at most {@code maxTokens} long
     * @param labels the class of each text
     * @param classes the class names
     * @param maxTokens the width of every example
     * @throws IllegalArgumentException if the counts differ, an encoding is too long, or a label is out of range
     */
    public TokenizedTextDataset(List<Encoding> encodings, long[] labels, List<String> classes, int maxTokens) {
        if (encodings.size() != labels.length) {
            throw new IllegalArgumentException("TokenizedTextDataset: " + encodings.size() + " texts but "
                    + labels.length + " labels");
        }
        this.ids = new int[encodings.size()][];
        for (int i = 0; i < ids.length; i++) {
            Encoding e = encodings.get(i);
            if (e.length() > maxTokens) {
                throw new IllegalArgumentException("TokenizedTextDataset: text " + i + " has " + e.length()
                        + " tokens, more than the " + maxTokens + " the model takes (truncate it)");
            }
            ids[i] = e.ids().clone();
        }
        for (long l : labels) {
            if (l < 0 || l >= classes.size()) {
                throw new IllegalArgumentException("TokenizedTextDataset: label " + l + " is outside the "
                        + classes.size() + " classes");
            }
        }
        this.labels = labels.clone();
        this.classes = List.copyOf(classes);
        this.maxTokens = maxTokens;
    }

    @Override
    public int size() {
        return ids.length;
    }

    @Override
    public int[] sampleShape() {
        return new int[] {maxTokens};
    }

    @Override
    public List<String> classNames() {
        return classes;
    }

    @Override
    public long label(int index) {
        checkIndex(index);
        return labels[index];
    }

    @Override
    public void copyInput(int index, float[] dst, int offset, RandomGenerator random) {
        checkIndex(index);
        int[] t = ids[index];
        for (int i = 0; i < t.length; i++) {
            dst[offset + i] = t[i];
        }
        java.util.Arrays.fill(dst, offset + t.length, offset + maxTokens, -1f);
    }

    @Override
    public int sequenceLength(int index) {
        checkIndex(index);
        return ids[index].length;
    }
}
