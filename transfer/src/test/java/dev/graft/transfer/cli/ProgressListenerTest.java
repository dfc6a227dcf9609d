package dev.graft.transfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.transfer.train.EpochRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressListenerTest {

    private static String drive(boolean terminal) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            ProgressListener p = new ProgressListener(out, terminal);
            for (int epoch = 1; epoch <= 2; epoch++) {
                p.phaseStarted("head " + epoch + "/2", 4);
                for (int step = 1; step <= 4; step++) {
                    p.step(step, 1.0 / step, 0.25 * step);
                }
                p.epochEnded(new EpochRecord("head", epoch, 0.5, 0.75, Double.NaN, Double.NaN, 1e-3, 0.01));
            }
            p.note("restored the weights of epoch 1");
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aTerminalGetsABarWithEtaLossAndAccuracyRedrawnInPlace() {
        String s = drive(true);
        assertTrue(s.contains("\rhead 1/2 ["), s);
        assertTrue(s.contains("########################] 100%"), s);
        assertTrue(s.contains("ETA "), s);
        assertTrue(s.contains("loss 0.2500  acc 100.0%"), s);
        // Each epoch line replaces the cleared bar and ends with a newline; so does a note after it.
        assertEquals(2, java.util.regex.Pattern.compile(" \r(epoch)[^\r]*\n").matcher(s).results().count(), s);
        assertTrue(s.endsWith("\nrestored the weights of epoch 1" + System.lineSeparator()), s);
    }

    @Test
    void elsewhereOnlyPlainLines() {
        String s = drive(false);
        assertFalse(s.contains("\r"), s);
        assertEquals(3, s.lines().count(), s);
        assertTrue(s.lines().findFirst().orElseThrow().matches("epoch +1 +head +loss 0\\.5000 +acc +75\\.0%.*"), s);
    }

    @Test
    void clockFormatsMinutesAndHours() {
        assertEquals("0:07", ProgressListener.clock(7.2));
        assertEquals("2:05", ProgressListener.clock(125));
        assertEquals("1:00:01", ProgressListener.clock(3601));
    }
}
