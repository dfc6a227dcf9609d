package dev.graft.transfer.text;

/**
 * A {@code tokenizer.json} that is not valid JSON, lacks a field, holds a value of the wrong kind,
 * or asks for a component graft does not implement (a normaliser, pre-tokeniser, model or
 * post-processor other than the BERT / WordPiece ones). The message names the field and what was
 * expected.
 */
public class TokenizerFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what was wrong, where, and what was expected */
    public TokenizerFormatException(String message) {
        super(message);
    }

    /**
     * @param message what was wrong, where, and what was expected
     * @param cause the lower-level failure
     */
    public TokenizerFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
