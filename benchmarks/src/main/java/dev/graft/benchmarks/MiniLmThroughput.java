package dev.graft.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * The throughput run behind {@code benchmarks/compare-minilm}: the workload of
 * {@link MiniLmBenchmark} (all-MiniLM-L6-v2, 32 sentences of 128 tokens) for graft, ONNX Runtime,
 * or both taking turns batch by batch in one JVM. The script runs each engine alone in its own
 * JVMs, alternating: in one JVM, ONNX Runtime's native threads and allocations disturbed graft's
 * batches (some runs halved graft's throughput). Threads come from {@code -Dgraft.threads}.
 * Prints one JSON line: sentences per second of every measured batch, per engine.
 */
public final class MiniLmThroughput {

    private MiniLmThroughput() {
    }

    /**
     * @param args measured rounds (default 10), warm-up rounds (default 3), then which engine:
     *     {@code graft}, {@code ort} or {@code both} (default, taking turns)
     * @throws Exception if the model cannot be loaded or a run fails
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String engines = args.length > 2 ? args[2] : "both";
        if (!engines.equals("graft") && !engines.equals("ort") && !engines.equals("both")) {
            throw new IllegalArgumentException("engine must be graft, ort or both, got '" + engines + "'");
        }
        boolean graftOn = !engines.equals("ort");
        boolean ortOn = !engines.equals("graft");
        MiniLmBenchmark b = new MiniLmBenchmark();
        b.setUp();
        try {
            for (int i = 0; i < warmup; i++) {
                if (graftOn) {
                    b.graft();
                }
                if (ortOn) {
                    b.onnxRuntime();
                }
            }
            double[] graft = new double[rounds];
            double[] ort = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                if (graftOn) {
                    long t0 = System.nanoTime();
                    b.graft();
                    graft[r] = MiniLmBenchmark.BATCH / ((System.nanoTime() - t0) / 1e9);
                }
                if (ortOn) {
                    long t0 = System.nanoTime();
                    b.onnxRuntime();
                    ort[r] = MiniLmBenchmark.BATCH / ((System.nanoTime() - t0) / 1e9);
                }
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "{\"threads\": %d",
                    dev.graft.engine.Parallel.threads()));
            if (graftOn) {
                line.append(", \"graft\": ").append(json(graft));
            }
            if (ortOn) {
                line.append(", \"onnxRuntime\": ").append(json(ort));
            }
            System.out.println(line.append('}'));
        } finally {
            b.tearDown();
        }
    }

    private static String json(double[] v) {
        return Arrays.toString(Arrays.stream(v).map(x -> Math.round(x * 1000) / 1000.0).toArray());
    }
}
