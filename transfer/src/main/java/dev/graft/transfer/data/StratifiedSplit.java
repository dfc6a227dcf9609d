package dev.graft.transfer.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded splits that keep every class's share: a train/validation split by fraction, and a
 * fixed number of examples per class (the "10 labels per class" of few-shot fine-tuning).
 * The same dataset, arguments and seed always give the same indices.
 */
public final class StratifiedSplit {

    /**
     * The two halves of a split, each a view of the original dataset.
     *
     * @param train the examples to train on
     * @param validation the held-out examples
     */
    public record Result(SubsetDataset train, SubsetDataset validation) {
    }

    private StratifiedSplit() {
    }

    /**
     * Holds out {@code round(validationFraction * n_c)} examples of each class {@code c} for
     * validation, chosen at random, and keeps the rest for training; a class with at least two
     * examples keeps at least one on each side. Both halves list examples in dataset order.
     *
     * @param validationFraction in (0, 1)
     * @param seed the seed of the choice
     * @throws IllegalArgumentException if the fraction is outside (0, 1)
     */
    public static Result split(Dataset dataset, double validationFraction, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("StratifiedSplit.split: validation fraction " + validationFraction
                    + " is outside (0, 1)");
        }
        List<int[]> byClass = shuffledByClass(dataset, seed);
        boolean[] held = new boolean[dataset.size()];
        int heldCount = 0;
        for (int[] members : byClass) {
            int k = (int) Math.round(validationFraction * members.length);
            if (members.length >= 2) {
                k = Math.max(1, Math.min(members.length - 1, k));
            }
            for (int i = 0; i < k; i++) {
                held[members[i]] = true;
            }
            heldCount += k;
        }
        int[] train = new int[dataset.size() - heldCount];
        int[] validation = new int[heldCount];
        for (int i = 0, t = 0, v = 0; i < held.length; i++) {
            if (held[i]) {
                validation[v++] = i;
            } else {
                train[t++] = i;
            }
        }
        return new Result(new SubsetDataset(dataset, train), new SubsetDataset(dataset, validation));
    }

    /**
     * Picks {@code perClass} random examples of every class for training; the rest become the
     * validation half. Both halves list examples in dataset order.
     *
     * @param perClass how many examples of each class to pick, at least 1
     * @param seed the seed of the choice
     * @throws IllegalArgumentException naming the first class with fewer than {@code perClass} examples
     */
    public static Result perClass(Dataset dataset, int perClass, long seed) {
        if (perClass < 1) {
            throw new IllegalArgumentException("StratifiedSplit.perClass: " + perClass + " examples per class, expected at least 1");
        }
        List<int[]> byClass = shuffledByClass(dataset, seed);
        boolean[] picked = new boolean[dataset.size()];
        for (int c = 0; c < byClass.size(); c++) {
            int[] members = byClass.get(c);
            if (members.length < perClass) {
                throw new IllegalArgumentException("StratifiedSplit.perClass: class " + c + " (" + dataset.classNames().get(c)
                        + ") has " + members.length + " examples, " + perClass + " requested");
            }
            for (int i = 0; i < perClass; i++) {
                picked[members[i]] = true;
            }
        }
        int[] train = new int[perClass * byClass.size()];
        int[] rest = new int[dataset.size() - train.length];
        for (int i = 0, t = 0, r = 0; i < picked.length; i++) {
            if (picked[i]) {
                train[t++] = i;
            } else {
                rest[r++] = i;
            }
        }
        return new Result(new SubsetDataset(dataset, train), new SubsetDataset(dataset, rest));
    }

    /** Each class's example indices in a seeded random order; one generator per class so classes do not disturb each other. */
    private static List<int[]> shuffledByClass(Dataset dataset, long seed) {
        int classes = dataset.numClasses();
        int[] counts = new int[classes];
        long[] labels = dataset.labels();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("StratifiedSplit: example " + i + " has label " + labels[i]
                        + ", expected a class index in [0, " + classes + ")");
            }
            counts[(int) labels[i]]++;
        }
        List<int[]> byClass = new ArrayList<>(classes);
        for (int c = 0; c < classes; c++) {
            byClass.add(new int[counts[c]]);
        }
        int[] fill = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            int c = (int) labels[i];
            byClass.get(c)[fill[c]++] = i;
        }
        for (int c = 0; c < classes; c++) {
            shuffle(byClass.get(c), new SplittableRandom(DataLoader.mix(seed, c)));
        }
        return byClass;
    }

    /** Fisher-Yates, in place. */
    static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
