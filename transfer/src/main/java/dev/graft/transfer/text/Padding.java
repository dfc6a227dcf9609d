package dev.graft.transfer.text;

/**
 * How encodings are padded, as Hugging Face tokenizers' {@code padding}: to a fixed length, or to
 * the longest encoding of the batch, then up to a multiple. Pad positions get {@code padId}, type
 * id {@code padTypeId} and attention mask 0. Encodings already longer are left as they are.
 *
 * @param fixedLength the length to pad to, or 0 to pad to the longest encoding of each batch
 * @param multipleOf round the padded length up to a multiple of this (1 for no rounding)
 * @param side where the padding goes
 * @param padId the id of the padding token
 * @param padTypeId the token type id of padding positions
 * @param padToken the padding token's text
 */
public record Padding(int fixedLength, int multipleOf, Side side, int padId, int padTypeId, String padToken) {

    /** Validates the fields. */
    public Padding {
        if (fixedLength < 0) {
            throw new IllegalArgumentException("Padding: fixedLength must be >= 0 (0 = longest of the batch), got " + fixedLength);
        }
        if (multipleOf < 1) {
            throw new IllegalArgumentException("Padding: multipleOf must be >= 1, got " + multipleOf);
        }
        if (side == null || padToken == null) {
            throw new IllegalArgumentException("Padding: side and padToken must not be null");
        }
        if (padId < 0 || padTypeId < 0) {
            throw new IllegalArgumentException("Padding: padId and padTypeId must be >= 0, got " + padId + " and " + padTypeId);
        }
    }

    /**
     * @param padId the id of the padding token
     * @param padToken its text
     * @return right padding to the longest encoding of each batch
     */
    public static Padding batchLongest(int padId, String padToken) {
        return new Padding(0, 1, Side.RIGHT, padId, 0, padToken);
    }

    /** @return whether this pads to the longest encoding of the batch rather than a fixed length */
    public boolean toLongest() {
        return fixedLength == 0;
    }

    /** @return this padding, rounding lengths up to a multiple of {@code multiple} */
    public Padding withMultipleOf(int multiple) {
        return new Padding(fixedLength, multiple, side, padId, padTypeId, padToken);
    }

    /** @return this padding to the fixed length {@code length} (0: the longest of the batch) */
    public Padding withFixedLength(int length) {
        return new Padding(length, multipleOf, side, padId, padTypeId, padToken);
    }

    /** @return this padding on the given side */
    public Padding withSide(Side s) {
        return new Padding(fixedLength, multipleOf, s, padId, padTypeId, padToken);
    }

    /**
     * @param longest the longest encoding of the batch
     * @return the length every encoding of the batch is padded to
     */
    int targetLength(int longest) {
        int n = toLongest() ? longest : fixedLength;
        int rest = n % multipleOf;
        return rest == 0 ? n : n + multipleOf - rest;
    }
}
