package dev.graft.engine.kernels;

import java.util.Arrays;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A quick, JMH-free comparison of our exp, log, tanh, sigmoid and pow kernels with the Vector
 * API's own {@code lanewise(EXP/LOG/TANH/POW)} (Intel SVML once C2 has compiled the loop), which
 * they replace to make results repeatable. One thread, 2^20 floats. Not a test (Surefire does not
 * run it) and not a benchmark of record. Run from the repository root after
 * {@code mvn -pl engine test-compile}:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp engine/target/classes:engine/target/test-classes \
 *     dev.graft.engine.kernels.ElementaryTiming
 * </pre>
 *
 * It prints the best and the median time per element of each, measured alternately in rounds so
 * that a noisy neighbour hurts both alike; compare within one run.
 */
public final class ElementaryTiming {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int N = 1 << 20;
    private static final int ROUNDS = 3;
    private static final int WARMUP = 100;
    private static final int REPETITIONS = 40;

    /** One way of filling {@code y} from {@code x}. */
    @FunctionalInterface
    private interface Kernel {
        void run(float[] x, float[] y);
    }

    private ElementaryTiming() {
    }

    /**
     * Times each function both ways and prints ns per element.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        Random random = new Random(1);
        float[] normal = new float[N];
        float[] masked = new float[N];
        float[] positive = new float[N];
        for (int i = 0; i < N; i++) {
            normal[i] = (float) (random.nextGaussian() * 5);
            // A quarter -inf, as in a masked softmax: exp's slow path.
            masked[i] = random.nextInt(4) == 0 ? Float.NEGATIVE_INFINITY : normal[i];
            positive[i] = (float) Math.exp(random.nextGaussian() * 3);
        }
        System.out.println(System.getProperty("java.vm.version") + ", " + S + ", ns per element, best (median)");
        compare("exp", normal, ElementaryTiming::svmlExp, (x, y) -> ours(UnaryKernel.Op.EXP, x, y));
        compare("exp, 1/4 -inf", masked, ElementaryTiming::svmlExp,
                (x, y) -> ours(UnaryKernel.Op.EXP, x, y));
        compare("log", positive, ElementaryTiming::svmlLog, (x, y) -> ours(UnaryKernel.Op.LOG, x, y));
        compare("tanh", normal, ElementaryTiming::svmlTanh, (x, y) -> ours(UnaryKernel.Op.TANH, x, y));
        compare("sigmoid", normal, ElementaryTiming::svmlSigmoid, (x, y) -> ours(UnaryKernel.Op.SIGMOID, x, y));
        compare("pow(x, 1.7)", positive, (x, y) -> svmlPow(1.7f, x, y), (x, y) -> oursPow(1.7f, x, y));
        compare("pow(x, 2)", positive, (x, y) -> svmlPow(2f, x, y), (x, y) -> oursPow(2f, x, y));
    }

    private static void compare(String name, float[] x, Kernel svml, Kernel ours) {
        float[] y = new float[N];
        for (int round = 0; round < ROUNDS; round++) {
            System.out.printf("%-14s lanewise %s   ours %s%n", name, time(svml, x, y), time(ours, x, y));
        }
    }

    private static String time(Kernel k, float[] x, float[] y) {
        for (int w = 0; w < WARMUP; w++) {
            k.run(x, y);
        }
        long[] t = new long[REPETITIONS];
        for (int r = 0; r < t.length; r++) {
            long start = System.nanoTime();
            k.run(x, y);
            t[r] = System.nanoTime() - start;
        }
        Arrays.sort(t);
        return String.format("%.3f (%.3f)", t[0] / (double) N, t[t.length / 2] / (double) N);
    }

    private static void ours(UnaryKernel.Op op, float[] x, float[] y) {
        UnaryKernel.apply(op, x, 0, y, 0, x.length);
    }

    private static void oursPow(float exponent, float[] x, float[] y) {
        BinaryKernel.row(BinaryKernel.Op.POW, x, 0, 1, new float[] {exponent}, 0, 0, y, 0, x.length);
    }

    // One method per operator: lanewise compiles to SVML only with a constant operator, and a
    // method shared by several would be compiled with the others' branches as uncommon traps.
    private static void svmlExp(float[] x, float[] y) {
        for (int i = 0; i < S.loopBound(x.length); i += S.length()) {
            FloatVector.fromArray(S, x, i).lanewise(VectorOperators.EXP).intoArray(y, i);
        }
    }

    private static void svmlLog(float[] x, float[] y) {
        for (int i = 0; i < S.loopBound(x.length); i += S.length()) {
            FloatVector.fromArray(S, x, i).lanewise(VectorOperators.LOG).intoArray(y, i);
        }
    }

    private static void svmlTanh(float[] x, float[] y) {
        for (int i = 0; i < S.loopBound(x.length); i += S.length()) {
            FloatVector.fromArray(S, x, i).lanewise(VectorOperators.TANH).intoArray(y, i);
        }
    }

    private static void svmlSigmoid(float[] x, float[] y) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < S.loopBound(x.length); i += S.length()) {
            one.div(FloatVector.fromArray(S, x, i).neg().lanewise(VectorOperators.EXP).add(one)).intoArray(y, i);
        }
    }

    private static void svmlPow(float exponent, float[] x, float[] y) {
        FloatVector e = FloatVector.broadcast(S, exponent);
        for (int i = 0; i < S.loopBound(x.length); i += S.length()) {
            FloatVector.fromArray(S, x, i).lanewise(VectorOperators.POW, e).intoArray(y, i);
        }
    }
}
