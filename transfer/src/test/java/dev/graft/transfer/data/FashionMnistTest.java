package dev.graft.transfer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    @TempDir
    Path dir;

    /** Ten 1x2 images, image i with pixels (i, 2i) and label 9 - i, under the Debian file names. */
    private void writeTrainingFiles() throws IOException {
        byte[] pixels = new byte[20];
        byte[] labels = new byte[10];
        for (int i = 0; i < 10; i++) {
            pixels[2 * i] = (byte) i;
            pixels[2 * i + 1] = (byte) (2 * i);
            labels[i] = (byte) (9 - i);
        }
        Idx.write(dir.resolve("train-images-idx3-ubyte.gz"), IdxArray.unsignedBytes(pixels, 10, 1, 2), true);
        Idx.write(dir.resolve("train-labels-idx1-ubyte.gz"), IdxArray.unsignedBytes(labels, 10), true);
    }

    @Test
    void selectedClassesAreRenumberedInTheOrderGiven() throws IOException {
        writeTrainingFiles();
        TensorDataset d = FashionMnist.load(dir, FashionMnist.Split.TRAIN, 7, 5);
        assertEquals(List.of("Sneaker", "Sandal"), d.classNames());
        assertEquals(2, d.size());
        Batch b = d.batch(0, 1);
        // Label 7 is image 2, label 5 is image 4; they keep file order.
        assertArrayEquals(new long[] {0, 1}, b.labels().toArray());
        assertArrayEquals(new float[] {2 / 255f, 4 / 255f, 4 / 255f, 8 / 255f}, b.inputs().toArray(), 1e-7f);
        assertEquals(10, FashionMnist.load(dir, FashionMnist.Split.TRAIN).size());
    }

    @Test
    void badClassSelectionsAndMissingFilesAreReported() throws IOException {
        writeTrainingFiles();
        assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TRAIN, 5, 5));
        assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TRAIN, 10));
        assertThrows(NoSuchFileException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TEST));
    }
}
