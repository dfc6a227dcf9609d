package dev.graft.transfer.report;

import dev.graft.transfer.train.EpochRecord;
import dev.graft.transfer.train.TrainingHistory;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Stroke;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The training-curve plot: loss and accuracy per epoch, training and validation, side by side,
 * with the boundaries between phases (head only, fine-tuning) and the epoch whose weights were
 * kept marked. Drawn with Java2D and written as PNG; needs no display.
 */
public final class TrainingCurves {

    /** Width of the image in pixels. */
    public static final int WIDTH = 1000;
    /** Height of the image in pixels. */
    public static final int HEIGHT = 420;

    static final Color TRAIN = new Color(0x1F, 0x77, 0xB4);
    static final Color VALIDATION = new Color(0xFF, 0x7F, 0x0E);
    private static final Color KEPT = new Color(0x2C, 0xA0, 0x2C);
    private static final int MARGIN_LEFT = 62;
    private static final int MARGIN_RIGHT = 20;
    private static final int MARGIN_TOP = 72;
    private static final int MARGIN_BOTTOM = 50;
    private static final int GAP = 70;

    private TrainingCurves() {
    }

    /**
     * Draws and writes the plot.
     *
     * @param history the epochs to plot, at least one
     * @param title a line above the plots, e.g. the model and data
     * @param file the PNG to write, replaced atomically
     * @throws IllegalArgumentException if the history has no epoch
     * @throws IOException if the file cannot be written
     */
    public static void writePng(TrainingHistory history, String title, Path file) throws IOException {
        List<EpochRecord> epochs = history.epochs();
        if (epochs.isEmpty()) {
            throw new IllegalArgumentException("TrainingCurves: the history has no epoch to plot");
        }
        Canvas c = new Canvas(WIDTH, HEIGHT);
        c.g.setFont(Canvas.TITLE_FONT);
        c.g.setColor(Canvas.TEXT);
        c.text(c.fit(title, WIDTH - 20), WIDTH / 2.0, 22, Canvas.Align.CENTER);
        c.g.setFont(Canvas.FONT);
        int panelWidth = (WIDTH - MARGIN_LEFT - MARGIN_RIGHT - GAP) / 2;
        double maxLoss = 0;
        for (EpochRecord r : epochs) {
            maxLoss = Math.max(maxLoss, finite(r.trainLoss()));
            maxLoss = Math.max(maxLoss, finite(r.validationLoss()));
        }
        Panel loss = new Panel(c, MARGIN_LEFT, panelWidth, epochs, 0, niceCeiling(maxLoss), "loss", false);
        Panel accuracy = new Panel(c, MARGIN_LEFT + panelWidth + GAP, panelWidth, epochs, 0, 1, "accuracy", true);
        for (Panel p : List.of(loss, accuracy)) {
            p.frame(history);
        }
        loss.series(EpochRecord::trainLoss, TRAIN);
        loss.series(EpochRecord::validationLoss, VALIDATION);
        accuracy.series(EpochRecord::trainAccuracy, TRAIN);
        accuracy.series(EpochRecord::validationAccuracy, VALIDATION);
        legend(c, epochs.stream().anyMatch(EpochRecord::validated), history.bestEpoch() > 0);
        c.writePng(file);
    }

    private static void legend(Canvas c, boolean validated, boolean kept) {
        double x = MARGIN_LEFT;
        double y = 44;
        x = legendEntry(c, x, y, TRAIN, null, "train");
        if (validated) {
            x = legendEntry(c, x, y, VALIDATION, null, "validation");
        }
        if (kept) {
            legendEntry(c, x, y, KEPT, dashed(), "kept weights");
        }
    }

    private static double legendEntry(Canvas c, double x, double y, Color color, Stroke stroke, String label) {
        c.g.setColor(color);
        c.g.setStroke(stroke != null ? stroke : new BasicStroke(2f));
        c.g.draw(new Line2D.Double(x, y - 4, x + 22, y - 4));
        c.g.setStroke(new BasicStroke(1f));
        c.g.setColor(Canvas.TEXT);
        c.text(label, x + 28, y, Canvas.Align.LEFT);
        return x + 28 + c.g.getFontMetrics().stringWidth(label) + 24;
    }

    private static Stroke dashed() {
        return new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f);
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    /** The smallest of 1, 2, 2.5, 5 times a power of ten at or above {@code v} (1 for v <= 0). */
    static double niceCeiling(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v * 0.999999) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** One plot area: epochs along x from the first to the last, a value range along y. */
    private static final class Panel {
        private final Canvas c;
        private final int left;
        private final int width;
        private final int top = MARGIN_TOP;
        private final int height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM;
        private final List<EpochRecord> epochs;
        private final double yMin;
        private final double yMax;
        private final String name;
        private final boolean percent;

        Panel(Canvas c, int left, int width, List<EpochRecord> epochs, double yMin, double yMax, String name,
              boolean percent) {
            this.c = c;
            this.left = left;
            this.width = width;
            this.epochs = epochs;
            this.yMin = yMin;
            this.yMax = yMax;
            this.name = name;
            this.percent = percent;
        }

        double x(int epoch) {
            int first = epochs.get(0).epoch();
            int last = epochs.get(epochs.size() - 1).epoch();
            return last == first ? left + width / 2.0 : left + (double) (epoch - first) / (last - first) * width;
        }

        double y(double v) {
            return top + height - (v - yMin) / (yMax - yMin) * height;
        }

        void frame(TrainingHistory history) {
            c.g.setColor(Canvas.GRID);
            for (int i = 0; i <= 5; i++) {
                double v = yMin + (yMax - yMin) * i / 5;
                c.g.draw(new Line2D.Double(left, y(v), left + width, y(v)));
                c.g.setColor(Canvas.TEXT);
                String label = percent ? String.format(Locale.ROOT, "%.0f%%", 100 * v) : trim(v);
                c.text(label, left - 6, y(v) + 4, Canvas.Align.RIGHT);
                c.g.setColor(Canvas.GRID);
            }
            int first = epochs.get(0).epoch();
            int last = epochs.get(epochs.size() - 1).epoch();
            int step = Math.max(1, (int) Math.ceil((last - first + 1) / 10.0));
            c.g.setColor(Canvas.TEXT);
            for (int e = first; e <= last; e += step) {
                c.text(Integer.toString(e), x(e), top + height + 16, Canvas.Align.CENTER);
            }
            c.text("epoch", left + width / 2.0, top + height + 36, Canvas.Align.CENTER);
            c.g.setFont(Canvas.TITLE_FONT);
            c.text(name, left, top - 8, Canvas.Align.LEFT);
            c.g.setFont(Canvas.FONT);
            c.g.setColor(Canvas.AXIS);
            c.g.draw(new Line2D.Double(left, top + height, left + width, top + height));
            c.g.draw(new Line2D.Double(left, top, left, top + height));
            phases();
            if (history.bestEpoch() > 0) {
                c.g.setColor(KEPT);
                c.g.setStroke(dashed());
                c.g.draw(new Line2D.Double(x(history.bestEpoch()), top, x(history.bestEpoch()), top + height));
                c.g.setStroke(new BasicStroke(1f));
            }
        }

        /** Each phase's name at its start, with a dotted line where one phase gives way to the next. */
        private void phases() {
            for (int i = 0; i < epochs.size(); i++) {
                if (i > 0 && epochs.get(i).phase().equals(epochs.get(i - 1).phase())) {
                    continue;
                }
                double x = left;
                if (i > 0) {
                    x = (x(epochs.get(i).epoch()) + x(epochs.get(i - 1).epoch())) / 2;
                    c.g.setColor(Canvas.AXIS);
                    c.g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                            new float[] {2f, 3f}, 0f));
                    c.g.draw(new Line2D.Double(x, top, x, top + height));
                    c.g.setStroke(new BasicStroke(1f));
                }
                c.g.setColor(Canvas.AXIS);
                String label = epochs.get(i).phase();
                int room = (int) (left + width - x) - 8;
                if (c.g.getFontMetrics().stringWidth(label) <= room || x - left < room) {
                    c.text(c.fit(label, room), x + 4, top + 14, Canvas.Align.LEFT);
                } else {
                    c.text(c.fit(label, (int) (x - left) - 8), x - 4, top + 14, Canvas.Align.RIGHT);
                }
            }
        }

        void series(ToDoubleFunction<EpochRecord> value, Color color) {
            Path2D.Double line = new Path2D.Double();
            boolean open = false;
            c.g.setColor(color);
            for (EpochRecord r : epochs) {
                double v = value.applyAsDouble(r);
                if (!Double.isFinite(v)) {
                    open = false;
                    continue;
                }
                double px = x(r.epoch());
                double py = y(Math.max(yMin, Math.min(yMax, v)));
                if (open) {
                    line.lineTo(px, py);
                } else {
                    line.moveTo(px, py);
                    open = true;
                }
                if (epochs.size() <= 60) {
                    c.g.fill(new java.awt.geom.Ellipse2D.Double(px - 2.5, py - 2.5, 5, 5));
                }
            }
            c.g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            c.g.draw(line);
            c.g.setStroke(new BasicStroke(1f));
        }

        private static String trim(double v) {
            String s = String.format(Locale.ROOT, "%.3f", v);
            s = s.replaceAll("0+$", "");
            return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        }
    }
}
