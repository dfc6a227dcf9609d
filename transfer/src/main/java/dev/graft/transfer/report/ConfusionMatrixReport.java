package dev.graft.transfer.report;

import dev.graft.transfer.train.Evaluation;
import java.awt.Color;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * An {@link Evaluation}'s confusion matrix as a CSV table and as a PNG heat map: rows are the
 * true classes, columns the predicted ones, each cell shaded by its share of the row (so a class's
 * recall is its diagonal cell) and labelled with its count when there is room.
 */
public final class ConfusionMatrixReport {

    private static final int MAX_MATRIX_SIDE = 640;
    private static final int MAX_LABEL_WIDTH = 170;
    private static final Color FULL = new Color(0x08, 0x30, 0x6B);

    private ConfusionMatrixReport() {
    }

    /**
     * Writes {@code truth \ predicted,<class>...} then one row per true class with its counts.
     * Class names that need it are quoted as RFC 4180 says.
     *
     * @param evaluation the results
     * @param file the CSV file, replaced atomically
     * @throws IOException if it cannot be written
     */
    public static void writeCsv(Evaluation evaluation, Path file) throws IOException {
        List<String> names = evaluation.classNames();
        long[][] m = evaluation.confusion();
        StringBuilder sb = new StringBuilder(quote("truth \\ predicted"));
        for (String n : names) {
            sb.append(',').append(quote(n));
        }
        sb.append('\n');
        for (int t = 0; t < m.length; t++) {
            sb.append(quote(names.get(t)));
            for (long count : m[t]) {
                sb.append(',').append(count);
            }
            sb.append('\n');
        }
        Path target = file.toAbsolutePath();
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Draws and writes the heat map.
     *
     * @param evaluation the results
     * @param title a line above the matrix, e.g. which split was evaluated
     * @param file the PNG file, replaced atomically
     * @throws IOException if it cannot be written
     */
    public static void writePng(Evaluation evaluation, String title, Path file) throws IOException {
        List<String> names = evaluation.classNames();
        long[][] m = evaluation.confusion();
        int k = names.size();
        int cell = Math.max(4, Math.min(64, MAX_MATRIX_SIDE / Math.max(1, k)));
        Canvas probe = new Canvas(1, 1);
        int labelWidth = 0;
        for (String n : names) {
            labelWidth = Math.max(labelWidth, probe.g.getFontMetrics().stringWidth(n));
        }
        labelWidth = Math.min(MAX_LABEL_WIDTH, labelWidth) + 10;
        boolean labels = cell >= 12;
        int left = 30 + (labels ? labelWidth : 0);
        int top = 60;
        int side = cell * k;
        String subtitle = String.format(Locale.ROOT, "accuracy %.1f%% of %d; shade = share of the true class's examples",
                100 * evaluation.accuracy(), evaluation.count());
        int width = Math.max(left + side + 30, probe.g.getFontMetrics().stringWidth(subtitle) + 30);
        width = Math.max(width, Math.min(900, probe.g.getFontMetrics(Canvas.TITLE_FONT).stringWidth(title) + 30));
        probe.g.dispose();
        left += Math.max(0, width - (left + side + 30)) / 2;
        int height = top + side + (labels ? labelWidth : 0) + 40;

        Canvas c = new Canvas(width, height);
        c.g.setColor(Canvas.TEXT);
        c.g.setFont(Canvas.TITLE_FONT);
        c.text(c.fit(title, width - 20), width / 2.0, 22, Canvas.Align.CENTER);
        c.g.setFont(Canvas.FONT);
        c.text(subtitle, width / 2.0, 42, Canvas.Align.CENTER);
        for (int t = 0; t < k; t++) {
            long rowTotal = 0;
            for (long v : m[t]) {
                rowTotal += v;
            }
            for (int p = 0; p < k; p++) {
                double share = rowTotal == 0 ? 0 : (double) m[t][p] / rowTotal;
                c.g.setColor(blend(share));
                Rectangle2D.Double r = new Rectangle2D.Double(left + p * cell, top + t * cell, cell, cell);
                c.g.fill(r);
                if (cell >= 22) {
                    c.g.setColor(share > 0.5 ? Color.WHITE : Canvas.TEXT);
                    c.text(Long.toString(m[t][p]), r.getCenterX(), r.getCenterY() + 4, Canvas.Align.CENTER);
                }
            }
        }
        c.g.setColor(Canvas.AXIS);
        c.g.draw(new Rectangle2D.Double(left, top, side, side));
        c.g.setColor(Canvas.TEXT);
        if (labels) {
            for (int i = 0; i < k; i++) {
                String name = c.fit(names.get(i), labelWidth - 10);
                c.text(name, left - 6, top + i * cell + cell / 2.0 + 4, Canvas.Align.RIGHT);
                AffineTransform saved = c.g.getTransform();
                c.g.translate(left + i * cell + cell / 2.0 + 4, top + side + 6);
                c.g.rotate(Math.PI / 2);
                c.text(name, 0, 0, Canvas.Align.LEFT);
                c.g.setTransform(saved);
            }
        }
        AffineTransform saved = c.g.getTransform();
        c.g.translate(16, top + side / 2.0);
        c.g.rotate(-Math.PI / 2);
        c.text("true class", 0, 0, Canvas.Align.CENTER);
        c.g.setTransform(saved);
        c.text("predicted class", left + side / 2.0, height - 12, Canvas.Align.CENTER);
        c.writePng(file);
    }

    /** White at 0, {@link #FULL} at 1. */
    private static Color blend(double share) {
        double s = Math.max(0, Math.min(1, share));
        return new Color((int) Math.round(255 + (FULL.getRed() - 255) * s),
                (int) Math.round(255 + (FULL.getGreen() - 255) * s), (int) Math.round(255 + (FULL.getBlue() - 255) * s));
    }

    private static String quote(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
