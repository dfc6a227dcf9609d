package dev.graft.transfer.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The bag-of-words features on a case whose answer is known. */
class BagOfWordsTest {

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
}
