package dev.graft.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * The side-by-side throughput run behind {@code benchmarks/compare-minilm}: the workload of
 * {@link MiniLmBenchmark} (all-MiniLM-L6-v2, 32 sentences of 128 tokens), graft and ONNX Runtime
 * taking turns batch by batch in one JVM, so that both see the same machine load, which on a
 * shared machine drifts more between two JMH forks than between two batches. Threads come from
 * {@code -Dgraft.threads}. Prints one JSON line: sentences per second of every measured batch.
 */
public final class MiniLmThroughput {

    private MiniLmThroughput() {
    }

    /**
     * @param args measured rounds (default 10), then warm-up rounds (default 3)
     * @throws Exception if the model cannot be loaded or a run fails
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        MiniLmBenchmark b = new MiniLmBenchmark();
        b.setUp();
        try {
            for (int i = 0; i < warmup; i++) {
                b.graft();
                b.onnxRuntime();
            }
            double[] graft = new double[rounds];
            double[] ort = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                b.graft();
                long t1 = System.nanoTime();
                b.onnxRuntime();
                long t2 = System.nanoTime();
                graft[r] = MiniLmBenchmark.BATCH / ((t1 - t0) / 1e9);
                ort[r] = MiniLmBenchmark.BATCH / ((t2 - t1) / 1e9);
            }
            System.out.println(String.format(Locale.ROOT, "{\"threads\": %d, \"graft\": %s, \"onnxRuntime\": %s}",
                    dev.graft.engine.Parallel.threads(), json(graft), json(ort)));
        } finally {
            b.tearDown();
        }
    }

    private static String json(double[] v) {
        return Arrays.toString(Arrays.stream(v).map(x -> Math.round(x * 1000) / 1000.0).toArray());
    }
}
