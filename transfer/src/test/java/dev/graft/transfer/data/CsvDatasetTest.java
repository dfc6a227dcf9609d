package dev.graft.transfer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDatasetTest {

    private static TensorDataset load(String csv, String label) throws IOException {
        return CsvDataset.load(new StringReader(csv), "t.csv", label, null);
    }

    private static String error(String csv, String label) {
        return assertThrows(MalformedDataException.class, () -> load(csv, label)).getMessage();
    }

    @Test
    void readsFeaturesAndNamedLabels(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("d.csv"), "\uFEFFx, species ,y\n1.5,setosa,2\n\n-3,\"versicolor\",4e1\r\n0,setosa,0\n");
        TensorDataset d = CsvDataset.load(f, "species");
        assertEquals(List.of("setosa", "versicolor"), d.classNames());
        assertArrayEquals(new int[] {2}, d.sampleShape());
        Batch b = d.batch(0, 1, 2);
        assertArrayEquals(new float[] {1.5f, 2f, -3f, 40f, 0f, 0f}, b.inputs().toArray());
        assertArrayEquals(new long[] {0, 1, 0}, b.labels().toArray());
    }

    @Test
    void integerLabelsSortNumericallyAndFeatureColumnsCanBeChosen() throws IOException {
        TensorDataset d = CsvDataset.load(new StringReader("a,b,c,label\n1,2,3,10\n4,5,6,9\n7,8,9,2\n"), "t", "label",
                List.of("c", "a"));
        assertEquals(List.of("2", "9", "10"), d.classNames());
        assertArrayEquals(new long[] {2, 1, 0}, d.labels());
        assertArrayEquals(new float[] {3, 1, 6, 4, 9, 7}, d.batch(0, 1, 2).inputs().toArray());
    }

    @Test
    void quotedFieldsMayHoldCommasAndQuotes() throws IOException {
        TensorDataset d = load("v,name\n1,\"a, \"\"b\"\"\"\n", "name");
        assertEquals(List.of("a, \"b\""), d.classNames());
    }

    @Test
    void errorsNameLineAndColumn() {
        assertTrue(error("x,y\n1,a\n2\n", "y").contains("t.csv: line 3: 1 fields, expected 2"));
        assertTrue(error("x,y\n1,a\nfoo,b\n", "y").contains("line 3: column 'x' holds 'foo', expected a finite number"));
        assertTrue(error("x,y\nNaN,a\n", "y").contains("line 2: column 'x' holds 'NaN'"));
        assertTrue(error("x,y\n1, \n", "y").contains("line 2: empty label in column 'y'"));
        assertTrue(error("x,y\n1,\"a\n", "y").contains("line 2: unterminated quoted field"));
        assertTrue(error("x,y\n1,a\n", "label").contains("no label column 'label'; columns are [x, y]"));
        assertTrue(error("x,x,y\n1,2,a\n", "y").contains("column name 'x' appears twice"));
        assertTrue(error("y\na\n", "y").contains("no feature columns"));
        assertTrue(error("x,y\n", "y").contains("header but no data lines"));
        assertTrue(error("", "y").contains("empty file"));
        assertThrows(MalformedDataException.class,
                () -> CsvDataset.load(new StringReader("x,y\n1,a\n"), "t", "y", List.of("z")));
    }

    @Test
    void columnsAndUnlabelledRowsForPrediction(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("new.csv"), "\uFEFFb,\"a\",c\n1,2,3\n\n4,5,6\n");
        assertEquals(List.of("b", "a", "c"), CsvDataset.columns(f));
        float[][] rows = CsvDataset.loadFeatures(f, List.of("c", "a"));
        assertEquals(2, rows.length);
        assertArrayEquals(new float[] {3, 2}, rows[0]);
        assertArrayEquals(new float[] {6, 5}, rows[1]);
        Files.writeString(f, "a,c\n1,2\nx,3\n");
        String bad = assertThrows(MalformedDataException.class, () -> CsvDataset.loadFeatures(f, List.of("a")))
                .getMessage();
        assertTrue(bad.contains("line 3: column 'a' holds 'x'"), bad);
        String missing = assertThrows(MalformedDataException.class, () -> CsvDataset.loadFeatures(f, List.of("z")))
                .getMessage();
        assertTrue(missing.contains("no feature column 'z'; columns are [a, c]"), missing);
    }
}
