package dev.graft.transfer.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts a text at the occurrences of a set of added tokens, leftmost first and, among tokens
 * starting at the same place, longest first (Hugging Face tokenizers' rule). The pieces in
 * between are passed on to normalisation and WordPiece; the tokens become their ids directly.
 */
final class AddedTokenMatcher {

    /** Receives the pieces of a text in order. */
    interface Sink {
        /** A stretch of text with no added token in it, not empty. */
        void text(String piece);

        /** An added token. */
        void token(int id);
    }

    /** Tokens by their first character, longest first. */
    private final Map<Character, List<AddedToken>> byFirst = new HashMap<>();

    /**
     * @param tokens the tokens to look for; the text each token is looked for as is its content,
     *     or {@code patterns} of it when given (normalised tokens are matched by their normalised form)
     */
    AddedTokenMatcher(List<AddedToken> tokens, Map<AddedToken, String> patterns) {
        for (AddedToken t : tokens) {
            String p = patterns == null ? t.content() : patterns.get(t);
            if (p == null || p.isEmpty()) {
                continue;
            }
            byFirst.computeIfAbsent(p.charAt(0), c -> new ArrayList<>()).add(new AddedToken(t.id(), p, t.normalized(), t.special()));
        }
        for (List<AddedToken> l : byFirst.values()) {
            l.sort(Comparator.comparingInt((AddedToken t) -> t.content().length()).reversed());
        }
    }

    /** @return whether there is nothing to look for */
    boolean isEmpty() {
        return byFirst.isEmpty();
    }

    /** Sends {@code text}'s pieces to {@code sink}: nothing at all for an empty text. */
    void split(String text, Sink sink) {
        int from = 0;
        int i = 0;
        while (i < text.length()) {
            List<AddedToken> candidates = byFirst.get(text.charAt(i));
            AddedToken match = null;
            if (candidates != null) {
                for (AddedToken t : candidates) {
                    if (text.startsWith(t.content(), i)) {
                        match = t;
                        break;
                    }
                }
            }
            if (match == null) {
                i++;
                continue;
            }
            if (from < i) {
                sink.text(text.substring(from, i));
            }
            sink.token(match.id());
            i += match.content().length();
            from = i;
        }
        if (from < text.length()) {
            sink.text(text.substring(from));
        }
    }
}
