package dev.graft.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Seeded training must repeat bit for bit: the same forward and backward pass gives the same bits
 * whether its kernels run in the interpreter, in C1 or in C2, and whether a value falls in a vector
 * loop or a scalar tail. Each check runs {@link DeterminismProbe} in a fresh JVM, because in this
 * one earlier tests may already have compiled the kernels, and the change of compilation state
 * during the run is exactly what is under test.
 */
class DeterminismTest {

    private static final int RUNS = 500;

    /** The fingerprints of {@link #RUNS} runs in one default (tiered, ending in C2) JVM, shared by both tests. */
    private static List<String> tiered;

    private static synchronized List<String> tieredRuns() throws IOException, InterruptedException {
        if (tiered == null) {
            tiered = probe(RUNS);
        }
        return tiered;
    }

    /** Starts {@link DeterminismProbe} with {@code runs} runs and the given JVM options; returns its lines. */
    private static List<String> probe(int runs, String... jvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-modules=jdk.incubator.vector");
        command.add("-Dgraft.threads=2");
        command.addAll(List.of(jvmOptions));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(DeterminismProbe.class.getName());
        command.add(Integer.toString(runs));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "probe did not finish");
        assertEquals(0, p.exitValue(), "probe failed:\n" + out);
        List<String> lines = out.lines().filter(l -> !l.startsWith("WARNING")).toList();
        assertEquals(runs, lines.size(), "one fingerprint per run expected, got:\n" + out);
        return lines;
    }

    @Test
    void everyRunInOneJvmIsBitIdenticalToTheFirst() throws Exception {
        List<String> runs = tieredRuns();
        for (int i = 1; i < runs.size(); i++) {
            assertEquals(runs.get(0), runs.get(i), "run " + i + " differs from run 0");
        }
    }

    @Test
    void interpreterC1AndC2AgreeBitForBit() throws Exception {
        String c2 = tieredRuns().get(RUNS - 1);
        assertEquals(c2, probe(1, "-Xint").get(0), "interpreter vs C2");
        assertEquals(c2, probe(50, "-XX:TieredStopAtLevel=1").get(49), "C1 vs C2");
    }
}
