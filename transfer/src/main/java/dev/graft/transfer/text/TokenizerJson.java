package dev.graft.transfer.text;

import dev.graft.nn.checkpoint.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Hugging Face {@code tokenizer.json} into a {@link WordPieceTokenizer}. Supported: the
 * {@code BertNormalizer} normaliser, the {@code BertPreTokenizer} pre-tokeniser (or none of
 * either), the {@code WordPiece} model, {@code TemplateProcessing} or {@code BertProcessing}
 * post-processing (or none), added tokens without the single-word and strip options, and the
 * truncation and padding settings. Anything else is a {@link TokenizerFormatException} naming the
 * field and what was expected; the decoder is not needed and is ignored.
 */
public final class TokenizerJson {

    private TokenizerJson() {
    }

    /**
     * @throws IOException if the file cannot be read
     * @throws TokenizerFormatException if it is not a tokenizer graft can run
     */
    public static WordPieceTokenizer read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * @param in the JSON, UTF-8; read to its end, not closed
     * @param source a name for it in error messages
     * @throws IOException if it cannot be read
     * @throws TokenizerFormatException if it is not a tokenizer graft can run
     */
    public static WordPieceTokenizer read(InputStream in, String source) throws IOException {
        return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), source);
    }

    /**
     * @param json the text of a tokenizer.json
     * @param source a name for it in error messages
     * @throws TokenizerFormatException if it is not a tokenizer graft can run
     */
    public static WordPieceTokenizer parse(String json, String source) {
        Object root;
        try {
            root = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new TokenizerFormatException(source + ": " + e.getMessage(), e);
        }
        Node top = new Node(source, "", root).object();
        WordPiece model = wordPiece(top.field("model").object());
        BertNormalizer normalizer = normalizer(top.optional("normalizer"));
        boolean preTokenize = preTokenizer(top.optional("pre_tokenizer"));
        List<AddedToken> added = addedTokens(top.optional("added_tokens"));
        TemplateProcessing template = postProcessor(top.optional("post_processor"));
        return new WordPieceTokenizer(normalizer, preTokenize, model, added, template,
                truncation(top.optional("truncation")), padding(top.optional("padding")));
    }

    private static WordPiece wordPiece(Node m) {
        String type = m.field("type").string();
        if (!type.equals("WordPiece")) {
            throw m.field("type").error("model type '" + type + "' is not supported; expected WordPiece");
        }
        Node vocabNode = m.field("vocab").object();
        Map<String, Integer> vocab = new HashMap<>();
        for (Map.Entry<String, Object> e : vocabNode.map().entrySet()) {
            vocab.put(e.getKey(), new Node(vocabNode.source, vocabNode.path + "." + e.getKey(), e.getValue()).id());
        }
        String unk = m.field("unk_token").string();
        if (!vocab.containsKey(unk)) {
            throw m.field("unk_token").error("unknown token '" + unk + "' is not in model.vocab");
        }
        Node max = m.optional("max_input_chars_per_word");
        Node prefix = m.optional("continuing_subword_prefix");
        return new WordPiece(vocab, unk, prefix == null ? "##" : prefix.string(), max == null ? 100 : max.positiveInt());
    }

    private static BertNormalizer normalizer(Node n) {
        if (n == null) {
            return null;
        }
        n.object();
        String type = n.field("type").string();
        if (!type.equals("BertNormalizer")) {
            throw n.field("type").error("normalizer type '" + type + "' is not supported; expected BertNormalizer or null");
        }
        boolean lowercase = n.field("lowercase").bool();
        Node strip = n.optional("strip_accents");
        return new BertNormalizer(n.field("clean_text").bool(), n.field("handle_chinese_chars").bool(),
                strip == null ? lowercase : strip.bool(), lowercase);
    }

    private static boolean preTokenizer(Node n) {
        if (n == null) {
            return false;
        }
        n.object();
        String type = n.field("type").string();
        if (!type.equals("BertPreTokenizer")) {
            throw n.field("type").error("pre_tokenizer type '" + type + "' is not supported; expected BertPreTokenizer or null");
        }
        return true;
    }

    private static List<AddedToken> addedTokens(Node n) {
        List<AddedToken> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        List<Node> items = n.list();
        for (Node t : items) {
            t.object();
            for (String flag : new String[] {"single_word", "lstrip", "rstrip"}) {
                Node f = t.optional(flag);
                if (f != null && f.bool()) {
                    throw f.error("added tokens with " + flag + " = true are not supported; expected false");
                }
            }
            String content = t.field("content").string();
            if (content.isEmpty()) {
                throw t.field("content").error("an added token's content must not be empty");
            }
            Node normalized = t.optional("normalized");
            Node special = t.optional("special");
            boolean isSpecial = special != null && special.bool();
            out.add(new AddedToken(t.field("id").id(), content, normalized == null ? !isSpecial : normalized.bool(), isSpecial));
        }
        return out;
    }

    private static TemplateProcessing postProcessor(Node n) {
        if (n == null) {
            return TemplateProcessing.none();
        }
        n.object();
        String type = n.field("type").string();
        switch (type) {
            case "BertProcessing": {
                return TemplateProcessing.bert(specialPair(n.field("cls")), specialPair(n.field("sep")));
            }
            case "TemplateProcessing": {
                Map<String, int[]> specials = new HashMap<>();
                Node st = n.field("special_tokens").object();
                for (String key : st.map().keySet()) {
                    Node s = st.field(key).object();
                    List<Node> idNodes = s.field("ids").list();
                    int[] v = new int[idNodes.size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = idNodes.get(i).id();
                    }
                    specials.put(key, v);
                }
                try {
                    return new TemplateProcessing(template(n.field("single"), specials, false),
                            template(n.field("pair"), specials, true));
                } catch (IllegalArgumentException e) {
                    throw n.error(e.getMessage());
                }
            }
            default:
                throw n.field("type").error("post_processor type '" + type
                        + "' is not supported; expected TemplateProcessing, BertProcessing or null");
        }
    }

    /** BertProcessing's {@code ["[CLS]", 101]}. */
    private static int specialPair(Node n) {
        List<Node> l = n.list();
        if (l.size() != 2) {
            throw n.error("expected [token, id], got " + l.size() + " elements");
        }
        return l.get(1).id();
    }

    private static List<TemplateProcessing.Piece> template(Node n, Map<String, int[]> specials, boolean pair) {
        List<TemplateProcessing.Piece> out = new ArrayList<>();
        for (Node item : n.list()) {
            item.object();
            Node seq = item.optional("Sequence");
            Node sp = item.optional("SpecialToken");
            if ((seq == null) == (sp == null)) {
                throw item.error("expected an object with exactly one of Sequence or SpecialToken");
            }
            if (seq != null) {
                seq.object();
                String id = seq.field("id").string();
                int which = switch (id) {
                    case "A" -> 0;
                    case "B" -> 1;
                    default -> throw seq.field("id").error("sequence id '" + id + "' is not A or B");
                };
                if (which == 1 && !pair) {
                    throw seq.field("id").error("the single template cannot use sequence B");
                }
                out.add(new TemplateProcessing.Piece(which, new int[0], seq.field("type_id").nonNegativeInt()));
            } else {
                sp.object();
                String id = sp.field("id").string();
                int[] tokenIds = specials.get(id);
                if (tokenIds == null) {
                    throw sp.field("id").error("special token '" + id + "' is not in post_processor.special_tokens");
                }
                out.add(new TemplateProcessing.Piece(-1, tokenIds, sp.field("type_id").nonNegativeInt()));
            }
        }
        return out;
    }

    private static Truncation truncation(Node n) {
        if (n == null) {
            return null;
        }
        n.object();
        String strategy = n.field("strategy").string();
        Truncation.Strategy s = switch (strategy) {
            case "LongestFirst" -> Truncation.Strategy.LONGEST_FIRST;
            case "OnlyFirst" -> Truncation.Strategy.ONLY_FIRST;
            case "OnlySecond" -> Truncation.Strategy.ONLY_SECOND;
            default -> throw n.field("strategy").error("'" + strategy + "' is not LongestFirst, OnlyFirst or OnlySecond");
        };
        Node stride = n.optional("stride");
        Node direction = n.optional("direction");
        return new Truncation(n.field("max_length").nonNegativeInt(), s, direction == null ? Side.RIGHT : side(direction),
                stride == null ? 0 : stride.nonNegativeInt());
    }

    private static Padding padding(Node n) {
        if (n == null) {
            return null;
        }
        n.object();
        Node strategy = n.field("strategy");
        int fixed;
        if (strategy.value instanceof String s && s.equals("BatchLongest")) {
            fixed = 0;
        } else if (strategy.value instanceof Map<?, ?> m && m.size() == 1 && m.containsKey("Fixed")) {
            fixed = strategy.field("Fixed").positiveInt();
        } else {
            throw strategy.error("expected \"BatchLongest\" or {\"Fixed\": length}");
        }
        Node multiple = n.optional("pad_to_multiple_of");
        Node direction = n.optional("direction");
        return new Padding(fixed, multiple == null ? 1 : multiple.positiveInt(), direction == null ? Side.RIGHT : side(direction),
                n.field("pad_id").id(), n.field("pad_type_id").nonNegativeInt(), n.field("pad_token").string());
    }

    private static Side side(Node n) {
        String s = n.string();
        return switch (s) {
            case "Left" -> Side.LEFT;
            case "Right" -> Side.RIGHT;
            default -> throw n.error("'" + s + "' is not Left or Right");
        };
    }

    /** A parsed JSON value and where it sits, for error messages that name the field. */
    private static final class Node {
        final String source;
        final String path;
        final Object value;

        Node(String source, String path, Object value) {
            this.source = source;
            this.path = path;
            this.value = value;
        }

        TokenizerFormatException error(String message) {
            return new TokenizerFormatException(source + ": " + (path.isEmpty() ? "top level" : path.substring(1)) + ": " + message);
        }

        private String kind() {
            if (value == null) {
                return "null";
            }
            if (value instanceof Map) {
                return "an object";
            }
            if (value instanceof List) {
                return "a list";
            }
            if (value instanceof String) {
                return "a string";
            }
            if (value instanceof Boolean) {
                return "a boolean";
            }
            return "the number " + value;
        }

        Node object() {
            if (!(value instanceof Map)) {
                throw error("expected an object, found " + kind());
            }
            return this;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> map() {
            object();
            return (Map<String, Object>) value;
        }

        /** A required member. */
        Node field(String name) {
            Map<String, Object> m = map();
            if (!m.containsKey(name)) {
                throw error("missing field '" + name + "'");
            }
            return new Node(source, path + "." + name, m.get(name));
        }

        /** A member that may be absent or null. */
        Node optional(String name) {
            Object v = map().get(name);
            return v == null ? null : new Node(source, path + "." + name, v);
        }

        List<Node> list() {
            if (!(value instanceof List<?> l)) {
                throw error("expected a list, found " + kind());
            }
            List<Node> out = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) {
                out.add(new Node(source, path + "[" + i + "]", l.get(i)));
            }
            return out;
        }

        String string() {
            if (!(value instanceof String s)) {
                throw error("expected a string, found " + kind());
            }
            return s;
        }

        boolean bool() {
            if (!(value instanceof Boolean b)) {
                throw error("expected true or false, found " + kind());
            }
            return b;
        }

        int nonNegativeInt() {
            if (!(value instanceof Long l) || l < 0 || l > Integer.MAX_VALUE) {
                throw error("expected a whole number >= 0, found " + kind());
            }
            return (int) (long) l;
        }

        int positiveInt() {
            int v = nonNegativeInt();
            if (v == 0) {
                throw error("expected a whole number >= 1, found 0");
            }
            return v;
        }

        /** A token id. */
        int id() {
            return nonNegativeInt();
        }
    }
}
