package dev.graft.transfer.cli;

import dev.graft.transfer.train.EpochRecord;
import dev.graft.transfer.train.TrainingListener;
import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.Locale;

/**
 * Shows training progress. On a terminal, one line redrawn in place: the phase, a bar, the
 * phase's remaining time and the running loss and accuracy, then a line per finished epoch.
 * Elsewhere (a pipe, a log file) only the per-epoch lines and notes, so logs stay readable.
 */
final class ProgressListener implements TrainingListener {

    private static final int BAR_WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private String phase = "";
    private String phaseKind = "";
    private int totalSteps;
    private int epochIndex;
    private int epochCount;
    private long kindStart;
    private long kindSteps;
    private long lastDraw;
    private int drawnWidth;

    /**
     * @param out where progress goes
     * @param terminal whether {@code out} is a terminal that understands carriage returns
     */
    ProgressListener(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * @param out the stream progress would go to
     * @return whether it is this process's standard output and that is an interactive terminal
     */
    static boolean isTerminal(PrintStream out) {
        Console console = System.console();
        if (out != System.out || console == null) {
            return false;
        }
        // From JDK 22 System.console() is non-null even when redirected; Console.isTerminal() tells.
        try {
            Method m = Console.class.getMethod("isTerminal");
            return (Boolean) m.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    @Override
    public void phaseStarted(String label, int steps) {
        this.phase = label;
        this.totalSteps = steps;
        // Trainer labels epochs "head 3/30"; the part before the counter names the phase.
        int space = label.lastIndexOf(' ');
        String kind = label;
        epochIndex = 1;
        epochCount = 1;
        if (space > 0 && label.substring(space + 1).matches("\\d+/\\d+")) {
            kind = label.substring(0, space);
            String[] kn = label.substring(space + 1).split("/");
            epochIndex = Integer.parseInt(kn[0]);
            epochCount = Integer.parseInt(kn[1]);
        }
        // The remaining time extrapolates from the steps of the phase's epochs so far.
        if (!kind.equals(phaseKind) || epochIndex == 1) {
            phaseKind = kind;
            kindStart = System.nanoTime();
            kindSteps = 0;
        }
        if (terminal) {
            draw(0, Double.NaN, Double.NaN);
        }
    }

    @Override
    public void step(int done, double loss, double accuracy) {
        kindSteps++;
        if (!terminal) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw >= REDRAW_NANOS || done == totalSteps) {
            draw(done, loss, accuracy);
        }
    }

    @Override
    public void epochEnded(EpochRecord r) {
        clear();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "epoch %3d  %-14s loss %.4f  acc %5.1f%%", r.epoch(), r.phase(),
                r.trainLoss(), 100 * r.trainAccuracy()));
        if (r.validated()) {
            sb.append(String.format(Locale.ROOT, "  val loss %.4f  val acc %5.1f%%", r.validationLoss(),
                    100 * r.validationAccuracy()));
        }
        sb.append(String.format(Locale.ROOT, "  lr %.2e  %.2f s", r.learningRate(), r.seconds()));
        out.println(sb);
    }

    @Override
    public void note(String message) {
        clear();
        out.println(message);
    }

    /** Removes the progress line, if one is drawn, so that a full line can take its place. */
    void clear() {
        if (terminal && drawnWidth > 0) {
            out.print("\r" + " ".repeat(drawnWidth) + "\r");
            out.flush();
            drawnWidth = 0;
        }
    }

    private void draw(int done, double loss, double accuracy) {
        lastDraw = System.nanoTime();
        int filled = totalSteps == 0 ? BAR_WIDTH : (int) ((long) BAR_WIDTH * done / totalSteps);
        StringBuilder sb = new StringBuilder("\r");
        sb.append(phase).append(" [").append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ");
        sb.append(String.format(Locale.ROOT, "%3d%%", totalSteps == 0 ? 100 : 100 * done / totalSteps));
        if (kindSteps > 0) {
            double perStep = (lastDraw - kindStart) / 1e9 / kindSteps;
            long remaining = (long) (totalSteps - done) + (long) (epochCount - epochIndex) * totalSteps;
            sb.append("  ETA ").append(clock(perStep * remaining));
        }
        if (!Double.isNaN(loss)) {
            sb.append(String.format(Locale.ROOT, "  loss %.4f", loss));
        }
        if (!Double.isNaN(accuracy)) {
            sb.append(String.format(Locale.ROOT, "  acc %5.1f%%", 100 * accuracy));
        }
        int width = sb.length() - 1;
        if (width < drawnWidth) {
            sb.append(" ".repeat(drawnWidth - width));
        }
        drawnWidth = Math.max(width, drawnWidth);
        out.print(sb);
        out.flush();
    }

    /** @return seconds as m:ss, or h:mm:ss beyond an hour */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
