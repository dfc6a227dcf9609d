package dev.graft.transfer.data;

import java.nio.file.Path;
import java.util.List;

/**
 * What loading an image folder found: how many images were loaded, which files looked like
 * images but could not be decoded (and why), and how many other files were passed over.
 *
 * @param split the split folder that was read, such as {@code train}
 * @param loaded the number of images in the dataset
 * @param classes the number of class folders read
 * @param skipped the unreadable image files, in path order
 * @param ignored files without an image extension (png, jpg, jpeg, bmp), not read
 */
public record LoadSummary(String split, int loaded, int classes, List<Skipped> skipped, int ignored) {

    /**
     * One image file that was not loaded.
     *
     * @param file its path
     * @param reason why it could not be decoded
     */
    public record Skipped(Path file, String reason) {
    }

    /** Copies the list so the summary stays immutable. */
    public LoadSummary {
        skipped = List.copyOf(skipped);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(split).append(": loaded ").append(loaded).append(" images in ")
                .append(classes).append(" classes, skipped ").append(skipped.size()).append(" unreadable");
        for (Skipped s : skipped) {
            sb.append("\n  ").append(s.file()).append(": ").append(s.reason());
        }
        if (ignored > 0) {
            sb.append("\n  ").append(ignored).append(" non-image files ignored");
        }
        return sb.toString();
    }
}
