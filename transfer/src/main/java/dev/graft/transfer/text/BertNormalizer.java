package dev.graft.transfer.text;

import java.text.Normalizer;

/**
 * BERT's text normaliser, step for step as Hugging Face tokenizers' {@code BertNormalizer}:
 * <ol>
 *   <li>clean text: drop NUL, U+FFFD and control characters, turn every whitespace into a space;</li>
 *   <li>CJK ideographs: put a space on each side, so each becomes a word of its own;</li>
 *   <li>strip accents: canonical decomposition (NFD), then drop non-spacing marks;</li>
 *   <li>lowercase: each code point's full lowercase mapping (İ becomes i + U+0307, Σ always σ).</li>
 * </ol>
 *
 * @param cleanText step 1
 * @param handleChineseChars step 2
 * @param stripAccents step 3 (tokenizer.json's {@code null} means: same as {@code lowercase})
 * @param lowercase step 4
 */
public record BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {

    /** The settings of uncased BERT models: every step on. */
    public static BertNormalizer uncased() {
        return new BertNormalizer(true, true, true, true);
    }

    /**
     * @param text the text, without lone surrogates
     * @return the normalised text
     */
    public String normalize(String text) {
        String s = text;
        if (cleanText || handleChineseChars) {
            StringBuilder sb = new StringBuilder(s.length() + 8);
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                i += Character.charCount(cp);
                if (cleanText) {
                    if (cp == 0 || cp == 0xFFFD || BertCharacters.isControl(cp)) {
                        continue;
                    }
                    if (BertCharacters.isWhitespace(cp)) {
                        cp = ' ';
                    }
                }
                if (handleChineseChars && BertCharacters.isChinese(cp)) {
                    sb.append(' ').appendCodePoint(cp).append(' ');
                } else {
                    sb.appendCodePoint(cp);
                }
            }
            s = sb.toString();
        }
        if (stripAccents) {
            s = Normalizer.normalize(s, Normalizer.Form.NFD);
            StringBuilder sb = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                i += Character.charCount(cp);
                if (Character.getType(cp) != Character.NON_SPACING_MARK) {
                    sb.appendCodePoint(cp);
                }
            }
            s = sb.toString();
        }
        if (lowercase) {
            StringBuilder sb = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                i += Character.charCount(cp);
                // The one unconditional multi-character lowercase mapping in Unicode's SpecialCasing;
                // Character.toLowerCase only knows the single-character ones.
                if (cp == 0x130) {
                    sb.append("i\u0307");
                } else {
                    sb.appendCodePoint(Character.toLowerCase(cp));
                }
            }
            s = sb.toString();
        }
        return s;
    }
}
