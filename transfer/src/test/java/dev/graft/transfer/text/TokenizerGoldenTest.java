package dev.graft.transfer.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.graft.nn.checkpoint.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * graft's tokenizer against Hugging Face tokenizers on a few thousand texts, pairs and batches
 * (Debian package descriptions, crafted cases with accents, CJK, emoji, control characters, long
 * words and special tokens, random strings from common Unicode blocks) under several truncation
 * and padding settings. The reference's ids, type ids and attention masks were written by
 * scripts/text/make_tokenizer_golden.mjs; every one must be identical.
 */
class TokenizerGoldenTest {

    static final String GOLDEN = "/dev/graft/transfer/text/tokenizer-golden.jsonl.gz";
    private static WordPieceTokenizer shipped;

    @BeforeAll
    static void load() throws IOException {
        shipped = MiniLmFiles.tokenizer();
    }

    @Test
    void shippedSettingsAreRead() {
        assertEquals(Truncation.of(128), shipped.truncation());
        assertEquals(new Padding(128, 1, Side.RIGHT, 0, 0, "[PAD]"), shipped.padding());
        assertEquals(BertNormalizer.uncased(), shipped.normalizer());
        assertEquals(30522, shipped.model().vocabSize());
        assertEquals(5, shipped.addedTokens().size());
        assertEquals(101, shipped.tokenToId("[CLS]"));
        assertEquals("[SEP]", shipped.idToToken(102));
    }

    @Test
    void everyGoldenRecordIsIdentical() throws IOException {
        int records = 0;
        int encodings = 0;
        int errors = 0;
        int added = 0;
        List<String> failures = new ArrayList<>();
        try (InputStream raw = TokenizerGoldenTest.class.getResourceAsStream(GOLDEN)) {
            assertNotNull(raw, GOLDEN + " is missing; run scripts/text/make_tokenizer_golden.mjs");
            BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                records++;
                Map<?, ?> r = (Map<?, ?>) Json.parse(line);
                WordPieceTokenizer t = shipped.withTruncation(truncation((Map<?, ?>) r.get("truncation")))
                        .withPadding(padding((Map<?, ?>) r.get("padding")));
                if (r.get("added_tokens") != null) {
                    added++;
                    t = t.withAddedTokens(addedTokens((List<?>) r.get("added_tokens")));
                }
                List<?> inputs = (List<?>) r.get("inputs");
                List<Encoding> got;
                try {
                    got = encode(t, inputs);
                } catch (IllegalArgumentException e) {
                    if (r.get("error") == null) {
                        failures.add("record " + records + " " + inputs + ": threw " + e.getMessage());
                    } else {
                        errors++;
                    }
                    continue;
                }
                if (r.get("error") != null) {
                    failures.add("record " + records + " " + inputs + ": expected an error (" + r.get("error") + "), got " + got);
                    continue;
                }
                List<?> outputs = (List<?>) r.get("outputs");
                for (int i = 0; i < outputs.size(); i++) {
                    Map<?, ?> o = (Map<?, ?>) outputs.get(i);
                    Encoding expected = new Encoding(ints(o.get("ids")), ints(o.get("type_ids")), ints(o.get("attention_mask")));
                    encodings++;
                    if (!expected.equals(got.get(i))) {
                        failures.add("record " + records + " " + inputs.get(i) + "\n  expected " + shipped.tokens(expected)
                                + "\n       got " + shipped.tokens(got.get(i)) + "\n  " + expected + "\n  " + got.get(i));
                    }
                }
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + records + " records differ from Hugging Face tokenizers; first ones:\n"
                    + String.join("\n", failures.subList(0, Math.min(10, failures.size()))));
        }
        assertTrue(records > 4000 && encodings > 4500 && errors > 10 && added > 50, records + " records, " + encodings
                + " encodings, " + errors + " expected errors, " + added + " with added tokens");
    }

    private static List<Encoding> encode(WordPieceTokenizer t, List<?> inputs) {
        List<?> first = (List<?>) inputs.get(0);
        if (inputs.size() == 1 && first.size() == 2) {
            return List.of(t.encode((String) first.get(0), (String) first.get(1)));
        }
        if (inputs.size() == 1) {
            return List.of(t.encode((String) first.get(0)));
        }
        List<String> texts = new ArrayList<>();
        for (Object o : inputs) {
            texts.add((String) ((List<?>) o).get(0));
        }
        return t.encodeBatch(texts);
    }

    private static List<AddedToken> addedTokens(List<?> list) {
        List<AddedToken> out = new ArrayList<>();
        for (Object o : list) {
            Map<?, ?> m = (Map<?, ?>) o;
            out.add(new AddedToken(((Long) m.get("id")).intValue(), (String) m.get("content"), (Boolean) m.get("normalized"),
                    (Boolean) m.get("special")));
        }
        return out;
    }

    private static Truncation truncation(Map<?, ?> m) {
        if (m == null) {
            return null;
        }
        Truncation.Strategy s = switch ((String) m.get("strategy")) {
            case "LongestFirst" -> Truncation.Strategy.LONGEST_FIRST;
            case "OnlyFirst" -> Truncation.Strategy.ONLY_FIRST;
            default -> Truncation.Strategy.ONLY_SECOND;
        };
        return new Truncation(((Long) m.get("max_length")).intValue(), s, side(m.get("direction")), ((Long) m.get("stride")).intValue());
    }

    private static Padding padding(Map<?, ?> m) {
        if (m == null) {
            return null;
        }
        Object multiple = m.get("pad_to_multiple_of");
        Object length = m.get("length");
        return new Padding(length == null ? 0 : ((Long) length).intValue(), multiple == null ? 1 : ((Long) multiple).intValue(),
                side(m.get("direction")), ((Long) m.get("pad_id")).intValue(), ((Long) m.get("pad_type_id")).intValue(),
                (String) m.get("pad_token"));
    }

    private static Side side(Object s) {
        return "Left".equals(s) ? Side.LEFT : Side.RIGHT;
    }

    private static int[] ints(Object list) {
        List<?> l = (List<?>) list;
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Long) l.get(i)).intValue();
        }
        return out;
    }
}
