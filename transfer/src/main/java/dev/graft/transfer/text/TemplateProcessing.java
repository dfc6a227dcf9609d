package dev.graft.transfer.text;

import java.util.List;

/**
 * Adds the special tokens around tokenized texts and sets their token type ids, as Hugging Face
 * tokenizers' {@code TemplateProcessing} (BERT: {@code [CLS] A [SEP]} and
 * {@code [CLS] A [SEP] B [SEP]}, B and its {@code [SEP]} with type id 1).
 *
 * @param single the template for one text
 * @param pair the template for two
 */
public record TemplateProcessing(List<Piece> single, List<Piece> pair) {

    /**
     * One element of a template: special token ids, or the slot of text A or B.
     *
     * @param sequence -1 for special tokens, 0 for text A, 1 for text B
     * @param ids the special token's ids (empty for a text slot)
     * @param typeId the token type id given to these positions
     */
    public record Piece(int sequence, int[] ids, int typeId) {

        /** Validates the fields. */
        public Piece {
            if (sequence < -1 || sequence > 1) {
                throw new IllegalArgumentException("TemplateProcessing.Piece: sequence must be -1, 0 or 1, got " + sequence);
            }
            if (typeId < 0) {
                throw new IllegalArgumentException("TemplateProcessing.Piece: typeId must be >= 0, got " + typeId);
            }
            ids = ids.clone();
        }

        /** @return a copy of the special token ids */
        @Override
        public int[] ids() {
            return ids.clone();
        }
    }

    /** Copies the lists and checks that each template names each of its texts once. */
    public TemplateProcessing {
        single = List.copyOf(single);
        pair = List.copyOf(pair);
        check(single, 1, "single");
        check(pair, 2, "pair");
    }

    private static void check(List<Piece> template, int texts, String name) {
        int[] seen = new int[2];
        for (Piece p : template) {
            if (p.sequence() >= 0) {
                seen[p.sequence()]++;
            }
        }
        if (seen[0] != 1 || seen[1] != (texts == 2 ? 1 : 0)) {
            throw new IllegalArgumentException("TemplateProcessing: the " + name + " template must hold "
                    + (texts == 2 ? "A and B once each" : "A once and no B") + ", got " + seen[0] + " A and " + seen[1] + " B");
        }
    }

    /**
     * BERT's processing: {@code [CLS] A [SEP]} and {@code [CLS] A [SEP] B [SEP]}.
     *
     * @param clsId the id of {@code [CLS]}
     * @param sepId the id of {@code [SEP]}
     */
    public static TemplateProcessing bert(int clsId, int sepId) {
        Piece cls = new Piece(-1, new int[] {clsId}, 0);
        Piece sep = new Piece(-1, new int[] {sepId}, 0);
        return new TemplateProcessing(List.of(cls, new Piece(0, new int[0], 0), sep),
                List.of(cls, new Piece(0, new int[0], 0), sep, new Piece(1, new int[0], 1), new Piece(-1, new int[] {sepId}, 1)));
    }

    /** No special tokens: the texts as they are, A with type id 0 and B with 1. */
    public static TemplateProcessing none() {
        return new TemplateProcessing(List.of(new Piece(0, new int[0], 0)),
                List.of(new Piece(0, new int[0], 0), new Piece(1, new int[0], 1)));
    }

    /** @return how many special tokens the template for one text ({@code pair == false}) or two adds */
    public int addedTokens(boolean pair) {
        int n = 0;
        for (Piece p : pair ? this.pair : single) {
            n += p.ids.length;
        }
        return n;
    }

    /**
     * @param a the first text's ids
     * @param b the second text's ids, or null
     * @return the ids with special tokens, their type ids, and an attention mask of ones
     */
    Encoding apply(IntList a, IntList b) {
        List<Piece> template = b == null ? single : pair;
        int n = a.size() + (b == null ? 0 : b.size()) + addedTokens(b != null);
        int[] ids = new int[n];
        int[] types = new int[n];
        int at = 0;
        for (Piece p : template) {
            int start = at;
            if (p.sequence < 0) {
                System.arraycopy(p.ids, 0, ids, at, p.ids.length);
                at += p.ids.length;
            } else {
                IntList seq = p.sequence == 0 ? a : b;
                seq.copyTo(ids, at);
                at += seq.size();
            }
            java.util.Arrays.fill(types, start, at, p.typeId);
        }
        int[] mask = new int[n];
        java.util.Arrays.fill(mask, 1);
        return new Encoding(ids, types, mask);
    }
}
