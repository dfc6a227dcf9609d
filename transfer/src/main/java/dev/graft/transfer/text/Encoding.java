package dev.graft.transfer.text;

import java.util.Arrays;

/**
 * One tokenized text (or pair of texts), ready for a BERT-style model: token ids, token type ids
 * (0 for the first text, 1 for the second) and the attention mask (1 for real tokens, 0 for
 * padding). The three arrays have the same length. Equality compares their contents.
 *
 * @param ids vocabulary ids, special tokens and padding included
 * @param typeIds the segment of each position
 * @param attentionMask 1 where the model should attend, 0 at padding
 */
public record Encoding(int[] ids, int[] typeIds, int[] attentionMask) {

    /** Checks that the arrays line up. */
    public Encoding {
        if (ids == null || typeIds == null || attentionMask == null) {
            throw new IllegalArgumentException("Encoding: ids, typeIds and attentionMask must not be null");
        }
        if (typeIds.length != ids.length || attentionMask.length != ids.length) {
            throw new IllegalArgumentException("Encoding: ids, typeIds and attentionMask must have one length, got "
                    + ids.length + ", " + typeIds.length + " and " + attentionMask.length);
        }
    }

    /** @return the number of positions, padding included */
    public int length() {
        return ids.length;
    }

    /** @return the number of positions the attention mask keeps (the length without padding) */
    public int tokenCount() {
        int n = 0;
        for (int m : attentionMask) {
            n += m;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e && Arrays.equals(ids, e.ids) && Arrays.equals(typeIds, e.typeIds)
                && Arrays.equals(attentionMask, e.attentionMask);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(ids) + Arrays.hashCode(typeIds)) + Arrays.hashCode(attentionMask);
    }

    @Override
    public String toString() {
        return "Encoding[ids=" + Arrays.toString(ids) + ", typeIds=" + Arrays.toString(typeIds)
                + ", attentionMask=" + Arrays.toString(attentionMask) + "]";
    }
}
