package dev.graft.transfer.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading small hand-made tokenizer.json files, and every way a bad one is refused. */
class TokenizerJsonTest {

    private static final String VOCAB = "{\"[PAD]\": 0, \"[UNK]\": 1, \"[CLS]\": 2, \"[SEP]\": 3, \"un\": 4, \"##aff\": 5,"
            + " \"##able\": 6, \"aff\": 7, \"!\": 8}";

    private static String json(String normalizer, String postProcessor, String addedTokens, String extra) {
        return "{\"version\": \"1.0\", " + extra + "\"added_tokens\": " + addedTokens + ", \"normalizer\": " + normalizer
                + ", \"pre_tokenizer\": {\"type\": \"BertPreTokenizer\"}, \"post_processor\": " + postProcessor
                + ", \"decoder\": null, \"model\": {\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\","
                + " \"continuing_subword_prefix\": \"##\", \"max_input_chars_per_word\": 9, \"vocab\": " + VOCAB + "}}";
    }

    private static final String BERT_NORMALIZER = "{\"type\": \"BertNormalizer\", \"clean_text\": true,"
            + " \"handle_chinese_chars\": true, \"strip_accents\": null, \"lowercase\": true}";
    private static final String BERT_PROCESSING = "{\"type\": \"BertProcessing\", \"sep\": [\"[SEP]\", 3], \"cls\": [\"[CLS]\", 2]}";
    private static final String SPECIALS = "[{\"id\": 2, \"content\": \"[CLS]\", \"single_word\": false, \"lstrip\": false,"
            + " \"rstrip\": false, \"normalized\": false, \"special\": true}]";

    @Test
    void readsAMinimalBertTokenizer() {
        WordPieceTokenizer t = TokenizerJson.parse(json(BERT_NORMALIZER, BERT_PROCESSING, SPECIALS, ""), "mini");
        Encoding e = t.encode("UNAFFABLE! Unaffable[CLS]toolongword");
        assertEquals(List.of("[CLS]", "un", "##aff", "##able", "!", "un", "##aff", "##able", "[CLS]", "[UNK]", "[SEP]"), t.tokens(e));
        Encoding pair = t.encode("un", "aff");
        assertEquals(List.of("[CLS]", "un", "[SEP]", "aff", "[SEP]"), t.tokens(pair));
        assertEquals(List.of(0, 0, 0, 1, 1), java.util.Arrays.stream(pair.typeIds()).boxed().toList());
        assertEquals(null, t.truncation());
        assertEquals(null, t.padding());
    }

    @Test
    void withoutNormalizerOrPostProcessor() {
        WordPieceTokenizer t = TokenizerJson.parse(json("null", "null", "[]", ""), "bare");
        assertEquals(List.of("[UNK]", "aff"), t.tokens(t.encode("Aff aff")));
        Encoding pair = t.encode("un", "aff");
        assertEquals(List.of("un", "aff"), t.tokens(pair));
        assertEquals(1, pair.typeIds()[1]);
    }

    private static void refused(String json, String... fragments) {
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> TokenizerJson.parse(json, "bad.json"));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
        assertTrue(e.getMessage().startsWith("bad.json: "), e.getMessage());
    }

    @Test
    void badFilesAreRefusedWithTheFieldNamed() {
        refused("{\"model\": ", "invalid JSON");
        refused("[]", "top level", "expected an object, found a list");
        refused("{}", "missing field 'model'");
        refused(json(BERT_NORMALIZER, BERT_PROCESSING, SPECIALS, "").replace("\"WordPiece\"", "\"BPE\""),
                "model.type", "'BPE' is not supported; expected WordPiece");
        refused(json("{\"type\": \"NFKC\"}", BERT_PROCESSING, SPECIALS, ""), "normalizer.type", "'NFKC'");
        refused(json(BERT_NORMALIZER.replace("\"lowercase\": true", "\"lowercase\": 1"), BERT_PROCESSING, SPECIALS, ""),
                "normalizer.lowercase", "expected true or false, found the number 1");
        refused(json(BERT_NORMALIZER, "{\"type\": \"RobertaProcessing\"}", SPECIALS, ""), "post_processor.type",
                "TemplateProcessing, BertProcessing or null");
        refused(json(BERT_NORMALIZER, BERT_PROCESSING, SPECIALS.replace("\"lstrip\": false", "\"lstrip\": true"), ""),
                "added_tokens[0].lstrip", "not supported");
        refused(json(BERT_NORMALIZER, BERT_PROCESSING, SPECIALS.replace("\"id\": 2", "\"id\": -2"), ""),
                "added_tokens[0].id", "whole number >= 0");
        refused(json(BERT_NORMALIZER, BERT_PROCESSING, SPECIALS, "\"padding\": {\"strategy\": \"Longest\", \"pad_id\": 0,"
                + " \"pad_type_id\": 0, \"pad_token\": \"[PAD]\"}, "), "padding.strategy", "BatchLongest");
        refused(json(BERT_NORMALIZER, BERT_PROCESSING, SPECIALS, "\"truncation\": {\"strategy\": \"LongestFirst\","
                + " \"max_length\": 8, \"direction\": \"Up\"}, "), "truncation.direction", "'Up' is not Left or Right");
        refused(json(BERT_NORMALIZER, BERT_PROCESSING, SPECIALS, "").replace("\"unk_token\": \"[UNK]\"", "\"unk_token\": \"<unk>\""),
                "model.unk_token", "'<unk>' is not in model.vocab");
        String template = "{\"type\": \"TemplateProcessing\", \"single\": [{\"SpecialToken\": {\"id\": \"[CLS]\", \"type_id\": 0}}],"
                + " \"pair\": [], \"special_tokens\": {\"[CLS]\": {\"id\": \"[CLS]\", \"ids\": [2], \"tokens\": [\"[CLS]\"]}}}";
        refused(json(BERT_NORMALIZER, template, SPECIALS, ""), "post_processor", "single template must hold A once");
    }

    @Test
    void truncationThatCannotBeMetIsAnError() {
        WordPieceTokenizer t = TokenizerJson.parse(json(BERT_NORMALIZER, BERT_PROCESSING, SPECIALS, ""), "mini");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.withTruncation(Truncation.of(1)).encode("un"));
        assertTrue(e.getMessage().contains("no room for the 2 special tokens"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> t.withTruncation(new Truncation(4, Truncation.Strategy.ONLY_SECOND,
                Side.RIGHT, 0)).encode("un un un"));
        assertTrue(e.getMessage().contains("ONLY_SECOND needs a pair"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> t.withTruncation(new Truncation(5, Truncation.Strategy.LONGEST_FIRST,
                Side.RIGHT, 3)).encode("un un un un"));
        assertTrue(e.getMessage().contains("stride 3 must be smaller than the 3 tokens"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.encodeBatch(List.of("a"), List.of()));
    }
}
