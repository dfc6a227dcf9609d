package dev.graft.transfer.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;

/** An off-screen white RGB image with antialiased Java2D drawing, saved as PNG. */
final class Canvas {

    static final Color TEXT = new Color(0x22, 0x22, 0x22);
    static final Color GRID = new Color(0xE4, 0xE4, 0xE4);
    static final Color AXIS = new Color(0x88, 0x88, 0x88);
    static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 14);

    final BufferedImage image;
    final Graphics2D g;

    Canvas(int width, int height) {
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setFont(FONT);
        g.setStroke(new BasicStroke(1f));
    }

    /** Draws {@code text} with its left end at x (or centred on x, or ending at x) and its baseline at y. */
    void text(String text, double x, double y, Align align) {
        int w = g.getFontMetrics().stringWidth(text);
        double left = switch (align) {
            case LEFT -> x;
            case CENTER -> x - w / 2.0;
            case RIGHT -> x - w;
        };
        g.drawString(text, (float) left, (float) y);
    }

    /** @return {@code text}, cut with an ellipsis so that it is at most {@code maxWidth} pixels wide */
    String fit(String text, int maxWidth) {
        if (g.getFontMetrics().stringWidth(text) <= maxWidth) {
            return text;
        }
        String s = text;
        while (!s.isEmpty() && g.getFontMetrics().stringWidth(s + "\u2026") > maxWidth) {
            s = s.substring(0, s.length() - 1);
        }
        return s + "\u2026";
    }

    /** Writes the image as PNG, atomically (a temporary file beside it, renamed over it). */
    void writePng(Path file) throws IOException {
        g.dispose();
        Path target = file.toAbsolutePath();
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        if (!ImageIO.write(image, "png", tmp.toFile())) {
            throw new IOException("no PNG writer in javax.imageio");
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Horizontal anchoring of text. */
    enum Align {
        /** x is the left end. */
        LEFT,
        /** x is the centre. */
        CENTER,
        /** x is the right end. */
        RIGHT
    }
}
