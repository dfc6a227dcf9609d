package dev.graft.transfer.text;

/**
 * A token matched in the text as a whole before WordPiece runs, such as {@code [CLS]} or
 * {@code [MASK]}: tokenizer.json's {@code added_tokens}. Tokens with {@code normalized == false}
 * are found in the raw text (case-sensitively); the others in the normalised text.
 *
 * @param id its id
 * @param content its text
 * @param normalized whether it is matched after normalisation
 * @param special whether it is a special token (kept in the output like any other)
 */
public record AddedToken(int id, String content, boolean normalized, boolean special) {

    /** Validates the fields. */
    public AddedToken {
        if (id < 0) {
            throw new IllegalArgumentException("AddedToken: id must be >= 0, got " + id);
        }
        if (content == null || content.isEmpty()) {
            throw new IllegalArgumentException("AddedToken " + id + ": content must not be empty");
        }
    }
}
