package dev.graft.transfer.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Single image files read with {@code javax.imageio}: which names count as images, and decoding that reports why a file could not be read. */
public final class ImageFiles {

    /** The file name extensions read as images (compared without case). */
    public static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "bmp");

    private ImageFiles() {
    }

    /** @return whether the file's name has an image extension and is not hidden (a leading dot) */
    public static boolean isImageName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return !name.startsWith(".") && dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Decodes one file.
     *
     * @param file the image file
     * @param skipped receives the file and the reason when it cannot be decoded
     * @return the image, or null when it was added to {@code skipped}
     */
    public static BufferedImage read(Path file, List<LoadSummary.Skipped> skipped) {
        String problem;
        try {
            BufferedImage img = ImageIO.read(file.toFile());
            if (img == null) {
                problem = "no javax.imageio reader recognises its contents";
            } else if (img.getWidth() < 1 || img.getHeight() < 1) {
                problem = "decodes to an empty " + img.getWidth() + "x" + img.getHeight() + " image";
            } else {
                return img;
            }
        } catch (IOException | RuntimeException e) {
            // ImageIO reports corrupt data through IOException, but some decoders throw unchecked exceptions.
            problem = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        skipped.add(new LoadSummary.Skipped(file, problem));
        return null;
    }
}
