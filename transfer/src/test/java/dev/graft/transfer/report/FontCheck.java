package dev.graft.transfer.report;

import java.awt.image.BufferedImage;

/**
 * Fails, naming the Debian packages, when Java2D cannot draw text (no fonts installed): the plots
 * would then be missing, and tests that look for them would complain less clearly.
 */
public final class FontCheck {

    private FontCheck() {
    }

    /** @throws AssertionError naming fontconfig and fonts-dejavu-core if text cannot be drawn */
    public static void require() {
        try {
            BufferedImage img = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
            var g = img.createGraphics();
            g.drawString("font", 2, 15);
            g.dispose();
        } catch (RuntimeException | Error e) {
            throw new AssertionError("Java2D cannot draw text (" + e + "); install the Debian packages fontconfig and "
                    + "fonts-dejavu-core (./run-tests does)", e);
        }
    }
}
