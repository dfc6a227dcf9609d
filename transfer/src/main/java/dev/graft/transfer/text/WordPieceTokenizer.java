package dev.graft.transfer.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT tokenizer read from a Hugging Face {@code tokenizer.json}: added tokens, the BERT
 * normaliser and pre-tokeniser, WordPiece, the special-token template, truncation and padding,
 * for single texts, pairs and batches. Its output is identical to Hugging Face tokenizers'
 * (checked by {@code TokenizerGoldenTest}). Immutable; {@link #withTruncation} and
 * {@link #withPadding} return changed copies. Safe to share between threads.
 *
 * <pre>{@code
 * WordPieceTokenizer tokenizer = WordPieceTokenizer.load(Path.of("tokenizer.json"));
 * Encoding e = tokenizer.encode("Hello, world!");              // [CLS] hello , world ! [SEP]
 * List<Encoding> batch = tokenizer.withPadding(Padding.batchLongest(0, "[PAD]")).encodeBatch(texts);
 * }</pre>
 */
public final class WordPieceTokenizer {

    private final BertNormalizer normalizer;
    private final boolean preTokenize;
    private final WordPiece model;
    private final List<AddedToken> addedTokens;
    private final AddedTokenMatcher rawMatcher;
    private final AddedTokenMatcher normalizedMatcher;
    private final TemplateProcessing template;
    private final Truncation truncation;
    private final Padding padding;
    private final Map<Integer, String> idToToken;

    /**
     * @param normalizer the normaliser, or null for none
     * @param preTokenize whether to split with {@link BertPreTokenizer} (else each piece between
     *     added tokens is one word)
     * @param model the WordPiece model
     * @param addedTokens tokens matched before WordPiece (special tokens such as {@code [CLS]})
     * @param template the special-token template ({@link TemplateProcessing#none()} for none)
     * @param truncation the truncation, or null for none
     * @param padding the padding, or null for none
     */
    public WordPieceTokenizer(BertNormalizer normalizer, boolean preTokenize, WordPiece model, List<AddedToken> addedTokens,
                              TemplateProcessing template, Truncation truncation, Padding padding) {
        if (model == null || template == null) {
            throw new IllegalArgumentException("WordPieceTokenizer: model and template must not be null");
        }
        this.normalizer = normalizer;
        this.preTokenize = preTokenize;
        this.model = model;
        this.addedTokens = List.copyOf(addedTokens);
        this.template = template;
        this.truncation = truncation;
        this.padding = padding;
        List<AddedToken> raw = new ArrayList<>();
        List<AddedToken> normalized = new ArrayList<>();
        Map<AddedToken, String> patterns = new IdentityHashMap<>();
        for (AddedToken t : this.addedTokens) {
            if (t.normalized()) {
                normalized.add(t);
                patterns.put(t, normalizer == null ? t.content() : normalizer.normalize(t.content()));
            } else {
                raw.add(t);
            }
        }
        this.rawMatcher = new AddedTokenMatcher(raw, null);
        this.normalizedMatcher = new AddedTokenMatcher(normalized, patterns);
        this.idToToken = new HashMap<>();
        model.vocab().forEach((token, id) -> idToToken.put(id, token));
        for (AddedToken t : this.addedTokens) {
            idToToken.put(t.id(), t.content());
        }
    }

    /**
     * Reads a {@code tokenizer.json} file.
     *
     * @throws IOException if it cannot be read
     * @throws TokenizerFormatException if it is not a BERT WordPiece tokenizer graft can run
     */
    public static WordPieceTokenizer load(Path tokenizerJson) throws IOException {
        return TokenizerJson.read(tokenizerJson);
    }

    /** A copy with other truncation and padding that shares everything else (all of it immutable). */
    private WordPieceTokenizer(WordPieceTokenizer base, Truncation truncation, Padding padding) {
        this.normalizer = base.normalizer;
        this.preTokenize = base.preTokenize;
        this.model = base.model;
        this.addedTokens = base.addedTokens;
        this.rawMatcher = base.rawMatcher;
        this.normalizedMatcher = base.normalizedMatcher;
        this.template = base.template;
        this.idToToken = base.idToToken;
        this.truncation = truncation;
        this.padding = padding;
    }

    private WordPieceTokenizer copy(Truncation t, Padding p) {
        return new WordPieceTokenizer(this, t, p);
    }

    /** @return this tokenizer with another truncation, or none when {@code t} is null */
    public WordPieceTokenizer withTruncation(Truncation t) {
        return copy(t, padding);
    }

    /** @return this tokenizer with another padding, or none when {@code p} is null */
    public WordPieceTokenizer withPadding(Padding p) {
        return copy(truncation, p);
    }

    /**
     * Adds tokens matched as a whole before WordPiece runs (Hugging Face's {@code add_tokens}):
     * a normalised one is found in the normalised text, e.g. {@code "new york"} also in
     * {@code "New\tYork"}.
     *
     * @param tokens the tokens to add; their ids may be new or vocabulary ids
     * @return a tokenizer with these tokens added
     * @throws IllegalArgumentException if a token's content is already an added token
     */
    public WordPieceTokenizer withAddedTokens(List<AddedToken> tokens) {
        List<AddedToken> all = new ArrayList<>(addedTokens);
        for (AddedToken t : tokens) {
            for (AddedToken old : all) {
                if (old.content().equals(t.content())) {
                    throw new IllegalArgumentException("withAddedTokens: '" + t.content() + "' is already an added token (id "
                            + old.id() + ")");
                }
            }
            all.add(t);
        }
        return new WordPieceTokenizer(normalizer, preTokenize, model, all, template, truncation, padding);
    }

    /** @return the truncation, or null */
    public Truncation truncation() {
        return truncation;
    }

    /** @return the padding, or null */
    public Padding padding() {
        return padding;
    }

    /** @return the normaliser, or null */
    public BertNormalizer normalizer() {
        return normalizer;
    }

    /** @return the WordPiece model */
    public WordPiece model() {
        return model;
    }

    /** @return the added tokens */
    public List<AddedToken> addedTokens() {
        return addedTokens;
    }

    /** @return the special-token template */
    public TemplateProcessing template() {
        return template;
    }

    /** @return the id of {@code token} (vocabulary or added token), or -1 */
    public int tokenToId(String token) {
        for (AddedToken t : addedTokens) {
            if (t.content().equals(token)) {
                return t.id();
            }
        }
        return model.id(token);
    }

    /** @return the text of token {@code id}, or null if there is none */
    public String idToToken(int id) {
        return idToToken.get(id);
    }

    /** @return the tokens of an encoding, for reading it */
    public List<String> tokens(Encoding e) {
        List<String> out = new ArrayList<>(e.length());
        for (int id : e.ids()) {
            out.add(idToToken(id));
        }
        return out;
    }

    /**
     * Tokenizes one text, with special tokens, truncation and padding.
     *
     * @throws IllegalArgumentException if the truncation cannot be met (see {@link Truncation})
     */
    public Encoding encode(String text) {
        return pad(List.of(postProcess(sequence(text), null))).get(0);
    }

    /**
     * Tokenizes a pair of texts (e.g. question and passage) into one encoding.
     *
     * @throws IllegalArgumentException if the truncation cannot be met (see {@link Truncation})
     */
    public Encoding encode(String a, String b) {
        if (b == null) {
            throw new IllegalArgumentException("encode: the second text of a pair is null");
        }
        return pad(List.of(postProcess(sequence(a), sequence(b)))).get(0);
    }

    /**
     * Tokenizes texts; padding to the longest pads to the longest of this batch.
     *
     * @throws IllegalArgumentException if the truncation cannot be met (see {@link Truncation})
     */
    public List<Encoding> encodeBatch(List<String> texts) {
        List<Encoding> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(postProcess(sequence(t), null));
        }
        return pad(out);
    }

    /**
     * Tokenizes pairs of texts, {@code first.get(i)} with {@code second.get(i)}.
     *
     * @throws IllegalArgumentException if the lists differ in size or the truncation cannot be met
     */
    public List<Encoding> encodeBatch(List<String> first, List<String> second) {
        if (first.size() != second.size()) {
            throw new IllegalArgumentException("encodeBatch: " + first.size() + " first texts but " + second.size() + " second texts");
        }
        List<Encoding> out = new ArrayList<>(first.size());
        for (int i = 0; i < first.size(); i++) {
            out.add(postProcess(sequence(first.get(i)), sequence(second.get(i))));
        }
        return pad(out);
    }

    /** One text's ids before special tokens: added tokens, then normalise, pre-tokenise, WordPiece. */
    private IntList sequence(String text) {
        if (text == null) {
            throw new IllegalArgumentException("encode: text is null");
        }
        IntList ids = new IntList(text.length() / 3 + 4);
        AddedTokenMatcher.Sink words = new AddedTokenMatcher.Sink() {
            @Override
            public void text(String piece) {
                if (preTokenize) {
                    for (String w : BertPreTokenizer.split(piece)) {
                        model.tokenize(w, ids);
                    }
                } else {
                    model.tokenize(piece, ids);
                }
            }

            @Override
            public void token(int id) {
                ids.add(id);
            }
        };
        AddedTokenMatcher.Sink raw = new AddedTokenMatcher.Sink() {
            @Override
            public void text(String piece) {
                String n = normalizer == null ? piece : normalizer.normalize(piece);
                if (normalizedMatcher.isEmpty()) {
                    if (!n.isEmpty()) {
                        words.text(n);
                    }
                } else {
                    normalizedMatcher.split(n, words);
                }
            }

            @Override
            public void token(int id) {
                ids.add(id);
            }
        };
        rawMatcher.split(withoutLoneSurrogates(text), raw);
        return ids;
    }

    /**
     * Lone surrogates cannot be encoded as UTF-8, which Hugging Face tokenizers works in; they
     * become U+FFFD, as a UTF-8 encoder would write them (and the BERT normaliser then drops).
     */
    private static String withoutLoneSurrogates(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
                if (!paired) {
                    StringBuilder sb = new StringBuilder(s);
                    for (int j = i; j < sb.length(); j++) {
                        char d = sb.charAt(j);
                        if (Character.isHighSurrogate(d) && j + 1 < sb.length() && Character.isLowSurrogate(sb.charAt(j + 1))) {
                            j++;
                        } else if (Character.isSurrogate(d)) {
                            sb.setCharAt(j, '\uFFFD');
                        }
                    }
                    return sb.toString();
                }
                i++;
            }
        }
        return s;
    }

    /** Truncation, then the template: Hugging Face tokenizers' post_process without padding. */
    private Encoding postProcess(IntList a, IntList b) {
        if (truncation != null) {
            int added = template.addedTokens(b != null);
            int room = truncation.maxLength() - added;
            if (room < 0) {
                throw new IllegalArgumentException("truncation: max length " + truncation.maxLength()
                        + " leaves no room for the " + added + " special tokens of " + (b == null ? "a single text" : "a pair"));
            }
            truncate(a, b, room);
        }
        return template.apply(a, b);
    }

    private void truncate(IntList a, IntList b, int max) {
        Side side = truncation.side();
        if (max == 0) {
            a.keep(0, side);
            if (b != null) {
                b.keep(0, side);
            }
            return;
        }
        int total = a.size() + (b == null ? 0 : b.size());
        if (total <= max) {
            return;
        }
        int toRemove = total - max;
        switch (truncation.strategy()) {
            case LONGEST_FIRST -> {
                if (b == null) {
                    cut(a, max);
                    return;
                }
                int n1 = a.size();
                int n2 = b.size();
                boolean swap = n1 > n2;
                if (swap) {
                    int t = n1;
                    n1 = n2;
                    n2 = t;
                }
                n2 = n1 > max ? n1 : Math.max(n1, max - n1);
                if (n1 + n2 > max) {
                    n1 = max / 2;
                    n2 = n1 + max % 2;
                }
                cut(a, swap ? n2 : n1);
                cut(b, swap ? n1 : n2);
            }
            case ONLY_FIRST, ONLY_SECOND -> {
                boolean first = truncation.strategy() == Truncation.Strategy.ONLY_FIRST;
                if (!first && b == null) {
                    throw new IllegalArgumentException("truncation: ONLY_SECOND needs a pair of texts; " + total
                            + " tokens of a single text exceed the " + max + " allowed");
                }
                IntList target = first ? a : b;
                if (target.size() <= toRemove) {
                    throw new IllegalArgumentException("truncation: " + truncation.strategy() + " must remove " + toRemove
                            + " tokens to fit " + max + ", but the " + (first ? "first" : "second") + " text has only "
                            + target.size());
                }
                cut(target, target.size() - toRemove);
            }
        }
    }

    /** One sequence cut to {@code n} tokens, as Hugging Face's Encoding.truncate (overflow dropped). */
    private void cut(IntList seq, int n) {
        if (n >= seq.size()) {
            return;
        }
        if (n > 0 && truncation.stride() >= n) {
            throw new IllegalArgumentException("truncation: stride " + truncation.stride()
                    + " must be smaller than the " + n + " tokens a text is cut to");
        }
        seq.keep(n, truncation.side());
    }

    private List<Encoding> pad(List<Encoding> batch) {
        if (padding == null || batch.isEmpty()) {
            return batch;
        }
        int longest = 0;
        for (Encoding e : batch) {
            longest = Math.max(longest, e.length());
        }
        int target = padding.targetLength(longest);
        List<Encoding> out = new ArrayList<>(batch.size());
        for (Encoding e : batch) {
            out.add(padTo(e, target));
        }
        return out;
    }

    private Encoding padTo(Encoding e, int target) {
        int n = e.length();
        if (n >= target) {
            return e;
        }
        int[] ids = new int[target];
        int[] types = new int[target];
        int[] mask = new int[target];
        int at = padding.side() == Side.LEFT ? target - n : 0;
        java.util.Arrays.fill(ids, padding.padId());
        java.util.Arrays.fill(types, padding.padTypeId());
        System.arraycopy(e.ids(), 0, ids, at, n);
        System.arraycopy(e.typeIds(), 0, types, at, n);
        System.arraycopy(e.attentionMask(), 0, mask, at, n);
        return new Encoding(ids, types, mask);
    }
}
