package dev.graft.transfer.cli;

import static dev.graft.transfer.cli.CliFixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void unknownCommandExitsTwoWithUsageOnStderr() {
        CliFixtures.Result r = run("frobnicate");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown command 'frobnicate'"), r.err());
        assertTrue(r.err().contains("usage: graft <command>"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void noArgumentsExitsTwoWithUsage() {
        CliFixtures.Result r = run();
        assertEquals(2, r.status());
        assertTrue(r.err().contains("usage: graft <command>"), r.err());
    }

    @Test
    void helpListsEveryCommand() {
        for (String help : new String[] {"help", "--help", "-h"}) {
            CliFixtures.Result r = run(help);
            assertEquals(0, r.status(), help);
            assertTrue(r.out().contains("demo"), r.out());
            assertTrue(r.out().contains("text-demo"), r.out());
            assertTrue(r.out().contains("help"), r.out());
        }
    }

    @Test
    void helpForOneCommandShowsItsOptions() {
        CliFixtures.Result viaHelp = run("help", "engine-demo");
        assertEquals(0, viaHelp.status());
        assertTrue(viaHelp.out().contains("--epochs N"), viaHelp.out());
        assertEquals(viaHelp.out(), run("engine-demo", "--help").out());
        assertTrue(run("help", "demo").out().contains("--sample-only"));
        assertTrue(run("help", "text-demo").out().contains("--model PATH"));
        assertEquals(2, run("help", "nope").status());
    }

    @Test
    void badOptionsExitTwoNamingTheProblem() {
        String[][] cases = {
            {"engine-demo", "--epochs", "many"}, {"engine-demo", "--epochs"}, {"engine-demo", "--epochs", "0"},
            {"engine-demo", "--colour", "red"}, {"engine-demo", "extra"}, {"engine-demo", "--lr", "-1"},
            {"engine-demo", "--seed", "1", "--seed", "2"}, {"engine-demo", "--skip-conv=yes"},
            {"demo", "--seed", "x"}, {"demo", "--sample-only=yes"}, {"demo", "extra"},
            {"text-demo", "--seed", "x"}, {"text-demo", "--model"}, {"text-demo", "--model="}, {"text-demo", "extra"},
        };
        for (String[] args : cases) {
            CliFixtures.Result r = run(args);
            assertEquals(2, r.status(), String.join(" ", args));
            assertTrue(r.err().startsWith("graft: "), r.err());
            assertTrue(r.err().contains("usage: graft " + args[0]), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
    }

    @Test
    void demoLearnsTheSpirals() {
        CliFixtures.Result r = run("engine-demo", "--epochs=120", "--skip-conv", "--seed", "7");
        assertEquals(0, r.status(), r.err());
        Matcher m = Pattern.compile("test accuracy ([0-9.]+)%").matcher(r.out());
        assertTrue(m.find(), r.out());
        double testAccuracy = Double.parseDouble(m.group(1));
        // Three interleaved arms, each winding a full turn: chance is 33%.
        assertTrue(testAccuracy > 90, r.out());
        assertFalse(r.out().contains("conv2d"), r.out());
    }
}
