package dev.graft.transfer.text;

import java.util.HashMap;
import java.util.Map;

/**
 * The WordPiece model: splits a word greedily into the longest vocabulary entries, left to
 * right, continuation pieces carrying a prefix ({@code ##}). A word with a part no entry
 * covers, or longer than {@code maxInputCharsPerWord} code points, becomes the unknown token.
 */
public final class WordPiece {

    private final Map<String, Integer> vocab;
    private final String unkToken;
    private final int unkId;
    private final String prefix;
    private final int maxInputCharsPerWord;

    /**
     * @param vocab token to id; copied
     * @param unkToken the unknown token, which must be in the vocabulary
     * @param prefix the continuation prefix, e.g. {@code ##}
     * @param maxInputCharsPerWord longer words become the unknown token
     * @throws IllegalArgumentException if the unknown token is not in the vocabulary
     */
    public WordPiece(Map<String, Integer> vocab, String unkToken, String prefix, int maxInputCharsPerWord) {
        this.vocab = new HashMap<>(vocab);
        Integer unk = vocab.get(unkToken);
        if (unk == null) {
            throw new IllegalArgumentException("WordPiece: the unknown token '" + unkToken + "' is not in the vocabulary");
        }
        if (maxInputCharsPerWord < 1) {
            throw new IllegalArgumentException("WordPiece: maxInputCharsPerWord must be >= 1, got " + maxInputCharsPerWord);
        }
        this.unkToken = unkToken;
        this.unkId = unk;
        this.prefix = prefix;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
    }

    /** @return the number of vocabulary entries */
    public int vocabSize() {
        return vocab.size();
    }

    /** @return the vocabulary id of {@code token}, or -1 */
    public int id(String token) {
        Integer id = vocab.get(token);
        return id == null ? -1 : id;
    }

    /** @return the unknown token */
    public String unkToken() {
        return unkToken;
    }

    /** @return the vocabulary, unmodifiable */
    public Map<String, Integer> vocab() {
        return java.util.Collections.unmodifiableMap(vocab);
    }

    /**
     * Appends the ids of one word's pieces.
     *
     * @param word a pre-tokenised word, not empty
     * @param out receives the ids
     */
    void tokenize(String word, IntList out) {
        if (word.codePointCount(0, word.length()) > maxInputCharsPerWord) {
            out.add(unkId);
            return;
        }
        int mark = out.size();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            int found = -1;
            while (start < end) {
                String piece = start == 0 ? word.substring(0, end) : prefix + word.substring(start, end);
                Integer id = vocab.get(piece);
                if (id != null) {
                    found = id;
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (found < 0) {
                out.keep(mark, Side.RIGHT);
                out.add(unkId);
                return;
            }
            out.add(found);
            start = end;
        }
    }
}
