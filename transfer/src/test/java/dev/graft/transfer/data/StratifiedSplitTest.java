package dev.graft.transfer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StratifiedSplitTest {

    /** 100 examples of class 0, 30 of class 1, 10 of class 2, interleaved; input = own index. */
    private static TensorDataset unbalanced() {
        int[] counts = {100, 30, 10};
        long[] labels = new long[140];
        int[] left = counts.clone();
        for (int i = 0, c = 0; i < labels.length; c = (c + 1) % 3) {
            if (left[c] > 0) {
                left[c]--;
                labels[i++] = c;
            }
        }
        float[] x = new float[140];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        return new TensorDataset(x, new int[] {1}, labels, List.of("a", "b", "c"));
    }

    private static int[] sources(SubsetDataset s) {
        return IntStream.range(0, s.size()).map(s::sourceIndex).toArray();
    }

    private static int[] classCounts(Dataset d) {
        int[] c = new int[d.numClasses()];
        for (long l : d.labels()) {
            c[(int) l]++;
        }
        return c;
    }

    @Test
    void keepsEachClassShareAndPartitionsTheData() {
        TensorDataset d = unbalanced();
        StratifiedSplit.Result r = StratifiedSplit.split(d, 0.2, 7);
        assertArrayEquals(new int[] {20, 6, 2}, classCounts(r.validation()));
        assertArrayEquals(new int[] {80, 24, 8}, classCounts(r.train()));
        int[] all = IntStream.concat(Arrays.stream(sources(r.train())), Arrays.stream(sources(r.validation())))
                .sorted().toArray();
        assertArrayEquals(IntStream.range(0, 140).toArray(), all);
        int[] t = sources(r.train());
        assertArrayEquals(Arrays.stream(t).sorted().toArray(), t, "halves keep dataset order");
    }

    @Test
    void sameSeedSameSplitOtherSeedOtherSplit() {
        TensorDataset d = unbalanced();
        assertArrayEquals(sources(StratifiedSplit.split(d, 0.3, 1).validation()),
                sources(StratifiedSplit.split(d, 0.3, 1).validation()));
        assertFalse(Arrays.equals(sources(StratifiedSplit.split(d, 0.3, 1).validation()),
                sources(StratifiedSplit.split(d, 0.3, 2).validation())));
    }

    @Test
    void tinyClassesKeepOneExampleOnEachSide() {
        TensorDataset d = new TensorDataset(new float[4], new int[] {1}, new long[] {0, 0, 1, 1}, List.of("a", "b"));
        StratifiedSplit.Result r = StratifiedSplit.split(d, 0.01, 3);
        assertArrayEquals(new int[] {1, 1}, classCounts(r.validation()));
        assertArrayEquals(new int[] {1, 1}, classCounts(r.train()));
    }

    @Test
    void perClassPicksExactlyThatManyAndIsNestedAcrossSizesOfTheSameSeed() {
        TensorDataset d = unbalanced();
        StratifiedSplit.Result ten = StratifiedSplit.perClass(d, 10, 5);
        assertArrayEquals(new int[] {10, 10, 10}, classCounts(ten.train()));
        assertArrayEquals(new int[] {90, 20, 0}, classCounts(ten.validation()));
        assertArrayEquals(sources(ten.train()), sources(StratifiedSplit.perClass(d, 10, 5).train()));
        // A per-class shuffle makes the 5-shot pick a subset of the 10-shot pick: fair few-shot comparisons.
        int[] five = sources(StratifiedSplit.perClass(d, 5, 5).train());
        List<Integer> tenList = Arrays.stream(sources(ten.train())).boxed().toList();
        assertTrue(Arrays.stream(five).allMatch(tenList::contains));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StratifiedSplit.perClass(d, 11, 5));
        assertTrue(e.getMessage().contains("class 2 (c) has 10 examples, 11 requested"), e.getMessage());
    }

    @Test
    void badFractionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> StratifiedSplit.split(unbalanced(), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> StratifiedSplit.split(unbalanced(), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> StratifiedSplit.split(unbalanced(), Double.NaN, 1));
    }
}
