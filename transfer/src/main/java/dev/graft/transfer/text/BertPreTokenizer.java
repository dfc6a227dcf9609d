package dev.graft.transfer.text;

import java.util.ArrayList;
import java.util.List;

/**
 * BERT's pre-tokeniser, as Hugging Face tokenizers' {@code BertPreTokenizer}: splits on
 * whitespace (dropped), then makes every punctuation character a word of its own. ASCII
 * symbols such as {@code $ + < = >} count as punctuation.
 */
public final class BertPreTokenizer {

    private BertPreTokenizer() {
    }

    /**
     * @param text normalised text
     * @return its words, in order, none empty
     */
    public static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (BertCharacters.isWhitespace(cp)) {
                if (start >= 0) {
                    words.add(text.substring(start, i));
                    start = -1;
                }
            } else if (BertCharacters.isPunctuation(cp)) {
                if (start >= 0) {
                    words.add(text.substring(start, i));
                    start = -1;
                }
                words.add(text.substring(i, next));
            } else if (start < 0) {
                start = i;
            }
            i = next;
        }
        if (start >= 0) {
            words.add(text.substring(start));
        }
        return words;
    }
}
