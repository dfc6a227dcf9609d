package dev.graft.transfer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.transfer.train.EpochRecord;
import dev.graft.transfer.train.Evaluation;
import dev.graft.transfer.train.TrainingHistory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void fonts() {
        FontCheck.require();
    }

    @Test
    void confusionCsvQuotesNamesAndListsRowsByTrueClass() throws IOException {
        Evaluation e = new Evaluation(List.of("a,b", "say \"c\""), 0.1, new long[][] {{3, 1}, {0, 4}});
        Path csv = dir.resolve("m.csv");
        ConfusionMatrixReport.writeCsv(e, csv);
        assertEquals(List.of("truth \\ predicted,\"a,b\",\"say \"\"c\"\"\"", "\"a,b\",3,1", "\"say \"\"c\"\"\",0,4"),
                Files.readAllLines(csv));
    }

    @Test
    void confusionPngShadesTheDiagonal() throws IOException {
        Evaluation e = new Evaluation(List.of("x", "y", "z"), 0.1, new long[][] {{9, 1, 0}, {0, 10, 0}, {5, 0, 5}});
        Path png = dir.resolve("m.png");
        ConfusionMatrixReport.writePng(e, "test", png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotEquals(null, img);
        // Somewhere in the picture is the darkest shade (a full row on the diagonal), and white.
        boolean dark = false;
        boolean white = false;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                dark |= rgb == 0x08306B;
                white |= rgb == 0xFFFFFF;
            }
        }
        assertEquals(true, dark && white);
    }

    @Test
    void curvesArePlottedForEveryEpochAndRefuseAnEmptyHistory() throws IOException {
        List<EpochRecord> epochs = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            epochs.add(new EpochRecord(i <= 5 ? "head" : "fine-tune all", i, 1.0 / i, 0.1 * i, 1.2 / i, 0.09 * i, 1e-3,
                    0.1));
        }
        Path png = dir.resolve("c.png");
        TrainingCurves.writePng(new TrainingHistory(epochs, 7, true), "run", png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(TrainingCurves.WIDTH, img.getWidth());
        assertEquals(TrainingCurves.HEIGHT, img.getHeight());
        int trainPixels = 0;
        int validationPixels = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                trainPixels += rgb == (TrainingCurves.TRAIN.getRGB() & 0xFFFFFF) ? 1 : 0;
                validationPixels += rgb == (TrainingCurves.VALIDATION.getRGB() & 0xFFFFFF) ? 1 : 0;
            }
        }
        assertEquals(true, trainPixels > 500 && validationPixels > 500, trainPixels + " " + validationPixels);
        assertThrows(IllegalArgumentException.class,
                () -> TrainingCurves.writePng(TrainingHistory.empty(), "none", dir.resolve("e.png")));
    }

    @Test
    void niceCeilingRoundsUpToOneTwoOrFive() {
        assertEquals(2.5, TrainingCurves.niceCeiling(2.3), 1e-12);
        assertEquals(1, TrainingCurves.niceCeiling(0.97), 1e-12);
        assertEquals(0.05, TrainingCurves.niceCeiling(0.042), 1e-12);
        assertEquals(1, TrainingCurves.niceCeiling(0), 1e-12);
    }
}
