package dev.graft.transfer.text;

/**
 * The character classes of BERT's normaliser and pre-tokeniser, as Hugging Face tokenizers
 * defines them. General categories come from the JDK's Unicode tables; tokenizers uses Unicode
 * 8.0 tables for control, non-spacing-mark and punctuation tests, so code points first assigned
 * (or recategorised) after Unicode 8.0 can be classified differently.
 */
final class BertCharacters {

    private BertCharacters() {
    }

    /**
     * Unicode's White_Space property (Rust's {@code char::is_whitespace}); unlike
     * {@link Character#isWhitespace(int)} it includes the no-break spaces and excludes the
     * information separators U+001C..U+001F.
     */
    static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    /** Control, format and private-use characters (Cc, Cf, Co), except tab, line feed and carriage return. */
    static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE;
    }

    /** The CJK ideograph blocks that BERT surrounds with spaces, so each ideograph is a word. */
    static boolean isChinese(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B920 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    /**
     * ASCII punctuation (which includes symbols such as {@code $ + < = > ^ ` |}) or any Unicode
     * punctuation category (Pc, Pd, Ps, Pe, Pi, Pf, Po).
     */
    static boolean isPunctuation(int cp) {
        if (cp < 0x80) {
            return (cp >= 0x21 && cp <= 0x2F) || (cp >= 0x3A && cp <= 0x40) || (cp >= 0x5B && cp <= 0x60)
                    || (cp >= 0x7B && cp <= 0x7E);
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }
}
