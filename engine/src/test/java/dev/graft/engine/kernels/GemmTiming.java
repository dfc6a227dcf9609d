package dev.graft.engine.kernels;

import dev.graft.engine.Parallel;
import java.util.Arrays;
import java.util.Random;

/**
 * A quick, JMH-free throughput check of {@link Gemm#sgemm} on square matrices, for comparing JDKs
 * and thread counts while working on the kernel. Not a test (Surefire does not run it) and not a
 * benchmark of record (those live in the benchmarks module). Run from the repository root after
 * {@code mvn -pl engine test-compile}:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp engine/target/classes:engine/target/test-classes \
 *     dev.graft.engine.kernels.GemmTiming [size=1024] [threads=1] [repetitions=30] [NN|NT|TN|TT]
 * </pre>
 *
 * It prints the best and the median GFLOP/s over the repetitions; the first third of them only
 * warm up the JIT. The machine is shared, so prefer the best figure and compare within one run.
 */
public final class GemmTiming {

    private GemmTiming() {
    }

    /**
     * Times repeated products and prints GFLOP/s.
     *
     * @param args size, threads, repetitions and transposes, all optional
     */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        String trans = args.length > 3 ? args[3] : "NN";
        Parallel.setThreads(threads);
        Random random = new Random(1);
        float[] a = new float[n * n];
        float[] b = new float[n * n];
        float[] c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat();
            b[i] = random.nextFloat();
        }
        int warmup = reps / 3;
        double[] rates = new double[reps - warmup];
        for (int r = 0; r < reps; r++) {
            long start = System.nanoTime();
            Gemm.sgemm(trans.charAt(0) == 'T', trans.charAt(1) == 'T', n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
            long elapsed = System.nanoTime() - start;
            if (r >= warmup) {
                rates[r - warmup] = 2.0 * n * n * n / elapsed;
            }
        }
        Arrays.sort(rates);
        System.out.printf("sgemm %s %d^3, %d thread(s), %s: best %.1f GFLOP/s, median %.1f%n",
                trans, n, threads, System.getProperty("java.vm.version"), rates[rates.length - 1],
                rates[rates.length / 2]);
    }
}
