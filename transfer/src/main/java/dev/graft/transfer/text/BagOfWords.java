package dev.graft.transfer.text;

import dev.graft.engine.Tensor;
import dev.graft.transfer.data.TensorDataset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The from-scratch text features: a bag of words. The vocabulary is every lowercased word (a run
 * of letters or digits) of the training texts; a text becomes the vector of its word counts over
 * that vocabulary, scaled to unit length. Words outside the vocabulary are ignored.
 */
public final class BagOfWords {

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

    private final Map<String, Integer> vocabulary;

    private BagOfWords(Map<String, Integer> vocabulary) {
        this.vocabulary = vocabulary;
    }

    /**
     * @param texts the training texts
     * @return the bag of their words
     */
    public static BagOfWords fit(List<String> texts) {
        Map<String, Integer> vocabulary = new LinkedHashMap<>();
        for (String t : texts) {
            for (String w : words(t)) {
                vocabulary.putIfAbsent(w, vocabulary.size());
            }
        }
        return new BagOfWords(vocabulary);
    }

    /** @return the number of features: the vocabulary size */
    public int size() {
        return vocabulary.size();
    }

    /**
     * @param texts any texts
     * @return their unit-length count vectors {@code [texts, size()]} (all zeros for a text with no known word)
     */
    public Tensor transform(List<String> texts) {
        int f = vocabulary.size();
        float[] x = new float[texts.size() * f];
        for (int i = 0; i < texts.size(); i++) {
            for (String w : words(texts.get(i))) {
                Integer j = vocabulary.get(w);
                if (j != null) {
                    x[i * f + j] += 1;
                }
            }
            double norm = 0;
            for (int j = 0; j < f; j++) {
                norm += x[i * f + j] * x[i * f + j];
            }
            if (norm > 0) {
                float scale = (float) (1 / Math.sqrt(norm));
                for (int j = 0; j < f; j++) {
                    x[i * f + j] *= scale;
                }
            }
        }
        return Tensor.of(x, texts.size(), f);
    }

    /** @return the bags of {@code data}'s texts with its labels, for training a head on them */
    public TensorDataset dataset(TextDataset data) {
        Tensor x = transform(data.texts());
        return new TensorDataset(x.toArray(), new int[] {vocabulary.size()}, data.labels(), data.classes());
    }

    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
