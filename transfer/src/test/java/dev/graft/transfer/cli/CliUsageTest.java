package dev.graft.transfer.cli;

import static dev.graft.transfer.cli.CliFixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Wrong command lines of the transfer-learning commands: a reason, the usage, exit status 2. */
class CliUsageTest {

    @Test
    void wrongCommandLinesExitTwoWithTheCommandsUsage() {
        String[][] cases = {
            {"fine-tune"},
            {"fine-tune", "--data", "d", "--out", "o.onnx"},
            {"fine-tune", "--model", "m", "--data", "d", "--out", "o.onnx", "--head", "cnn"},
            {"fine-tune", "--model", "m", "--data", "d", "--out", "o.onnx", "--head", "mlp:x"},
            {"fine-tune", "--model", "m", "--data", "d", "--out", "o.onnx", "--size", "28x30"},
            {"fine-tune", "--model", "m", "--data", "d", "--out", "o.onnx", "--size", "big"},
            {"fine-tune", "--model", "m", "--data", "d", "--out", "o.onnx", "--val-fraction", "1"},
            {"fine-tune", "--model", "m", "--data", "d", "--out", "o.onnx", "--unfreeze", "2"},
            {"fine-tune", "--model", "m", "--data", "d", "--out", "o.onnx", "--fine-tune-epochs", "3", "--gradual"},
            {"fine-tune", "--model", "m", "--data", "d", "--out", "o.onnx", "--train-batch-norm"},
            {"fine-tune", "--model", "m", "--data", "d", "--out", "o.onnx", "--fine-tune-epochs", "3", "--unfreeze",
                "2", "--unfreeze", "conv*"},
            {"fine-tune", "--model", "m", "--data", "d", "--out", "o.onnx", "--mean", "0.5"},
            {"fine-tune", "--model", "m", "--data", "d", "--out", "o.onnx", "--mean", "0.5", "--std", "0"},
            {"fine-tune", "--model", "m", "--data", "d", "--out", "o.onnx", "--epochs", "0"},
            {"fine-tune", "--model", "m", "--data", "d", "--out", "o.onnx", "--lr", "fast"},
            {"fine-tune", "--model", "m", "--data", "d", "--out", "o.onnx", "extra"},
            {"predict", "--model", "m"},
            {"predict", "--model", "m", "--input", "x", "--top", "0"},
            {"inspect"},
            {"inspect", "--model", "m", "positional"},
            {"export", "--model", "m"},
            {"export", "--model", "m", "--out", "f.onnx", "--output-name", " "},
        };
        for (String[] args : cases) {
            CliFixtures.Result r = run(args);
            String line = String.join(" ", args);
            assertEquals(2, r.status(), line + "\n" + r.err());
            assertTrue(r.err().startsWith("graft: "), line + "\n" + r.err());
            assertTrue(r.err().contains("usage: graft " + args[0]), line + "\n" + r.err());
            assertFalse(r.err().contains("Exception"), line + "\n" + r.err());
            assertEquals("", r.out(), line);
        }
    }

    @Test
    void helpDocumentsEveryTransferCommand() {
        CliFixtures.Result all = run("help").ok();
        for (String c : new String[] {"fine-tune", "predict", "inspect", "export"}) {
            assertTrue(all.out().contains("  " + c + " "), all.out());
            CliFixtures.Result one = run("help", c).ok();
            assertTrue(one.out().startsWith("usage: graft " + c), one.out());
            assertEquals(one.out(), run(c, "--help").ok().out());
        }
        assertTrue(run("help", "fine-tune").out().contains("--unfreeze LAST_N|GLOB"));
    }
}
