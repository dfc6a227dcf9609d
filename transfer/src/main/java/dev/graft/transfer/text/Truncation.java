package dev.graft.transfer.text;

/**
 * How encodings longer than a maximum are cut, as Hugging Face tokenizers' {@code truncation}.
 * The maximum counts the special tokens the post-processor adds ({@code [CLS]}, {@code [SEP]}).
 *
 * @param maxLength the longest encoding kept, special tokens included
 * @param strategy which text of a pair loses tokens
 * @param side which end is cut
 * @param stride tokens an overflowing window would share with the previous one; graft returns no
 *     overflowing windows, so it only has to be smaller than the room left for the text
 */
public record Truncation(int maxLength, Strategy strategy, Side side, int stride) {

    /** Which text of a pair is cut. */
    public enum Strategy {
        /** Cut the longer text first, one token at a time, until both fit. */
        LONGEST_FIRST,
        /** Cut only the first text; an error if it is too short to make room. */
        ONLY_FIRST,
        /** Cut only the second text; an error if there is none or it is too short. */
        ONLY_SECOND
    }

    /** Validates the fields. */
    public Truncation {
        if (maxLength < 0) {
            throw new IllegalArgumentException("Truncation: maxLength must be >= 0, got " + maxLength);
        }
        if (stride < 0) {
            throw new IllegalArgumentException("Truncation: stride must be >= 0, got " + stride);
        }
        if (strategy == null || side == null) {
            throw new IllegalArgumentException("Truncation: strategy and side must not be null");
        }
    }

    /**
     * @param maxLength the longest encoding kept, special tokens included
     * @return longest-first truncation from the right without stride, the usual BERT setting
     */
    public static Truncation of(int maxLength) {
        return new Truncation(maxLength, Strategy.LONGEST_FIRST, Side.RIGHT, 0);
    }
}
