package dev.graft.transfer.cli;

import dev.graft.transfer.data.ImageTransform;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How raw examples become a model's input: what {@code fine-tune} did to its training data, kept
 * in the {@link Sidecar} so that {@code predict} does the same to new examples.
 */
sealed interface Preprocessing permits Preprocessing.Image, Preprocessing.Features, Preprocessing.Text {

    /** @return the JSON object form, with a {@code "kind"} entry */
    Map<String, Object> toJson();

    /**
     * Images: resize the shorter side, centre crop a square, scale to [0, 1], then
     * {@code (x - mean[c]) / std[c]} per channel (IDX images, already square, go the same way).
     *
     * @param channels 1 (grey) or 3 (RGB)
     * @param resize the shorter side after resizing
     * @param crop the side of the square the model sees
     * @param mean one mean per channel
     * @param std one standard deviation per channel
     */
    record Image(int channels, int resize, int crop, float[] mean, float[] std) implements Preprocessing {

        /** Copies the arrays. */
        public Image {
            mean = mean.clone();
            std = std.clone();
        }

        /**
         * @return the evaluation transform
         * @throws IllegalArgumentException if the numbers do not make a valid transform
         */
        ImageTransform transform() {
            return ImageTransform.eval(channels, resize, crop, mean, std);
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", "image");
            m.put("channels", channels);
            m.put("resize", resize);
            m.put("crop", crop);
            m.put("mean", floatList(mean));
            m.put("std", floatList(std));
            return m;
        }

        @Override
        public String toString() {
            return channels + "-channel images, shorter side " + resize + ", centre crop " + crop + "x" + crop
                    + ", mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std);
        }
    }

    /**
     * Numeric feature columns of a CSV table, fed as they are.
     *
     * @param columns the feature columns, in input order
     * @param labelColumn the column that held the class in the training data
     */
    record Features(List<String> columns, String labelColumn) implements Preprocessing {

        /** Copies the list. */
        public Features {
            columns = List.copyOf(columns);
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", "features");
            m.put("columns", columns);
            m.put("labelColumn", labelColumn);
            return m;
        }

        @Override
        public String toString() {
            return columns.size() + " numeric columns, label column '" + labelColumn + "'";
        }
    }

    /**
     * Texts of a CSV or JSON Lines table, tokenized by the tokenizer written beside the model
     * ({@code NAME.tokenizer.json}) and truncated to {@code maxTokens}.
     *
     * @param textColumn the column (or JSON field) holding the text
     * @param labelColumn the column that held the class in the training data
     * @param maxTokens the longest input in tokens
     */
    record Text(String textColumn, String labelColumn, int maxTokens) implements Preprocessing {

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", "text");
            m.put("textColumn", textColumn);
            m.put("labelColumn", labelColumn);
            m.put("maxTokens", maxTokens);
            return m;
        }

        @Override
        public String toString() {
            return "texts of column '" + textColumn + "', label column '" + labelColumn + "', WordPiece tokens, at most "
                    + maxTokens;
        }
    }

    /**
     * Reads the JSON object form.
     *
     * @param json a parsed JSON object
     * @param source where it came from, for error messages
     * @throws IllegalArgumentException naming the missing or malformed entry
     */
    static Preprocessing fromJson(Object json, String source) {
        Map<?, ?> m = JsonFields.object(json, source, "preprocessing");
        String kind = JsonFields.string(m, "kind", source);
        return switch (kind) {
            case "image" -> new Image(JsonFields.integer(m, "channels", source), JsonFields.integer(m, "resize", source),
                    JsonFields.integer(m, "crop", source), JsonFields.floats(m, "mean", source),
                    JsonFields.floats(m, "std", source));
            case "features" -> new Features(JsonFields.strings(m, "columns", source),
                    JsonFields.string(m, "labelColumn", source));
            case "text" -> new Text(JsonFields.string(m, "textColumn", source), JsonFields.string(m, "labelColumn", source),
                    JsonFields.integer(m, "maxTokens", source));
            default -> throw new IllegalArgumentException(source + ": preprocessing kind '" + kind
                    + "', expected 'image', 'features' or 'text'");
        };
    }

    private static List<Object> floatList(float[] values) {
        List<Object> out = new ArrayList<>();
        for (float v : values) {
            // The shortest decimal that reads back as the same float, not the double's longer expansion.
            out.add(Double.parseDouble(Float.toString(v)));
        }
        return out;
    }
}
