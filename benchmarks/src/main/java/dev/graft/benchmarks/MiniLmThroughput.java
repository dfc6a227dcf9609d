package dev.graft.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * The throughput run behind {@code benchmarks/compare-minilm}: the workload of
 * {@link MiniLmBenchmark} (all-MiniLM-L6-v2, 32 sentences of 128 tokens) for one engine, graft or
 * ONNX Runtime. The script runs each engine alone in its own JVMs, alternating: when the two took
 * turns in one JVM, ONNX Runtime's native threads and allocations disturbed graft's batches (some
 * runs halved graft's throughput). Threads come from {@code -Dgraft.threads}. Prints one JSON
 * line: sentences per second of every measured batch.
 */
public final class MiniLmThroughput {

    private MiniLmThroughput() {
    }

    /**
     * @param args measured rounds, warm-up rounds, then the engine: {@code graft} or {@code ort}
     * @throws Exception if the model cannot be loaded or a run fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !(args[2].equals("graft") || args[2].equals("ort"))) {
            throw new IllegalArgumentException("usage: MiniLmThroughput ROUNDS WARMUP graft|ort, got " + Arrays.toString(args));
        }
        int rounds = Integer.parseInt(args[0]);
        int warmup = Integer.parseInt(args[1]);
        boolean graft = args[2].equals("graft");
        MiniLmBenchmark b = new MiniLmBenchmark();
        b.setUp();
        try {
            double[] perSecond = new double[rounds];
            for (int r = -warmup; r < rounds; r++) {
                long t0 = System.nanoTime();
                if (graft) {
                    b.graft();
                } else {
                    b.onnxRuntime();
                }
                if (r >= 0) {
                    perSecond[r] = MiniLmBenchmark.BATCH / ((System.nanoTime() - t0) / 1e9);
                }
            }
            System.out.println(String.format(Locale.ROOT, "{\"threads\": %d, \"%s\": %s}",
                    dev.graft.engine.Parallel.threads(), graft ? "graft" : "onnxRuntime", json(perSecond)));
        } finally {
            b.tearDown();
        }
    }

    private static String json(double[] v) {
        return Arrays.toString(Arrays.stream(v).map(x -> Math.round(x * 1000) / 1000.0).toArray());
    }
}
