package dev.graft.transfer.cli;

import dev.graft.engine.Tensor;
import java.util.Random;

/**
 * A synthetic classification problem: {@code classes} interleaved spiral arms in the plane. Not
 * linearly separable, so a classifier has to learn a curved boundary; reproducible from a seed.
 *
 * @param points the coordinates, shape {@code [n, 2]}
 * @param labels the class of each point, {@code 0 .. classes-1}
 * @param classes the number of arms
 */
record Spirals(Tensor points, int[] labels, int classes) {

    /** How far each arm winds from the centre to the rim: one full turn. */
    private static final double TURN = 2 * Math.PI;

    /**
     * Draws {@code perClass} points on each arm: radius uniform in [0, 1), angle along the arm plus
     * Gaussian noise.
     *
     * @param classes the number of arms, at least 2
     * @param perClass points per arm
     * @param noise standard deviation of the angle noise, in radians
     * @param seed the random seed
     * @return the points, class by class
     */
    static Spirals generate(int classes, int perClass, double noise, long seed) {
        Random random = new Random(seed);
        int n = classes * perClass;
        float[] xy = new float[2 * n];
        int[] labels = new int[n];
        for (int k = 0; k < classes; k++) {
            for (int i = 0; i < perClass; i++) {
                int p = k * perClass + i;
                double r = random.nextDouble();
                double angle = 2 * Math.PI * k / classes + TURN * r + noise * random.nextGaussian();
                xy[2 * p] = (float) (r * Math.cos(angle));
                xy[2 * p + 1] = (float) (r * Math.sin(angle));
                labels[p] = k;
            }
        }
        return new Spirals(Tensor.of(xy, n, 2), labels, classes);
    }

    /** @return the number of points */
    int size() {
        return labels.length;
    }

    /** @return the labels as one-hot rows, shape {@code [n, classes]} */
    Tensor oneHot() {
        float[] d = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            d[i * classes + labels[i]] = 1f;
        }
        return Tensor.of(d, labels.length, classes);
    }
}
