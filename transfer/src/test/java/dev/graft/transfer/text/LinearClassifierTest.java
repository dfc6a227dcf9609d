package dev.graft.transfer.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.engine.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bag-of-words features and the linear head on small cases whose answers are known. */
class LinearClassifierTest {

    @Test
    void bagOfWordsCountsKnownWordsAndScalesToUnitLength() {
        BagOfWords bag = BagOfWords.fit(List.of("The cat, the HAT.", "a dog"));
        assertEquals(5, bag.size());
        float[] x = bag.transform(List.of("the the cat unknown", "nothing known here", "")).toArray();
        // vocabulary order: the, cat, hat, a, dog; "the the cat" -> (2, 1) / sqrt(5)
        assertEquals(2 / Math.sqrt(5), x[0], 1e-6);
        assertEquals(1 / Math.sqrt(5), x[1], 1e-6);
        assertEquals(0, x[2], 0);
        for (int j = 5; j < 15; j++) {
            assertEquals(0, x[j], 0, "a text without known words is all zeros");
        }
    }

    @Test
    void learnsSeparableClassesDeterministically() {
        float[] x = {1, 0, 0.9f, 0.1f, 0, 1, 0.1f, 0.9f, -1, -1, -0.9f, -1.1f};
        long[] y = {0, 0, 1, 1, 2, 2};
        Tensor features = Tensor.of(x, 6, 2);
        LinearClassifier.Options options = new LinearClassifier.Options(200, 0.1, 0);
        LinearClassifier c = LinearClassifier.fit(features, y, 3, options, 5);
        assertArrayEquals(y, c.predict(features));
        assertEquals(1.0, c.accuracy(features, y));
        assertArrayEquals(c.head().weight().value().toArray(),
                LinearClassifier.fit(features, y, 3, options, 5).head().weight().value().toArray(), 0f);
    }

    @Test
    void badArgumentsAreRefused() {
        Tensor f = Tensor.zeros(2, 3);
        LinearClassifier.Options o = new LinearClassifier.Options(1, 0.1, 0);
        assertThrows(IllegalArgumentException.class, () -> LinearClassifier.fit(f, new long[] {0}, 2, o, 1));
        assertThrows(IllegalArgumentException.class, () -> LinearClassifier.fit(f, new long[] {0, 2}, 2, o, 1));
        assertThrows(IllegalArgumentException.class, () -> new LinearClassifier.Options(0, 0.1, 0));
    }
}
