package dev.graft.transfer.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.transfer.data.MalformedDataException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV and JSON Lines text data: parsing, class numbering, per-class sampling, and every error message. */
class TextDatasetTest {

    private static TextDataset csv(String s) throws IOException {
        return TextDataset.read(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), "t.csv", true, "text", "label");
    }

    private static TextDataset jsonl(String s) throws IOException {
        return TextDataset.read(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), "t.jsonl", false, "text", "label");
    }

    @Test
    void readsCsvWithQuotesCommasAndLineBreaks() throws IOException {
        TextDataset d = csv("\uFEFFid,text,label\r\n1,\"hello, world\",b\n2,\"two\nlines, \"\"quoted\"\"\",a\n\n3,plain,b\n");
        assertEquals(List.of("hello, world", "two\nlines, \"quoted\"", "plain"), d.texts());
        assertEquals(List.of("a", "b"), d.classes());
        assertArrayEquals(new long[] {1, 0, 1}, d.labels());
    }

    @Test
    void readsJsonLinesWithNumericLabelsInNumericOrder() throws IOException {
        TextDataset d = jsonl("{\"text\": \"x\", \"label\": 10, \"other\": [1]}\n\n{\"label\": 9, \"text\": \"y \\u00e9\"}\n");
        assertEquals(List.of("x", "y é"), d.texts());
        assertEquals(List.of("9", "10"), d.classes());
        assertArrayEquals(new long[] {1, 0}, d.labels());
    }

    @Test
    void loadsByFileNameIncludingGzip(@TempDir Path dir) throws IOException {
        Path gz = dir.resolve("d.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("{\"t\": \"a\", \"y\": \"p\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(List.of("a"), TextDataset.load(gz, "t", "y").texts());
        Path csv = Files.writeString(dir.resolve("d.csv"), "t,y\nb,q\n");
        assertEquals(List.of("q"), TextDataset.load(csv, "t", "y").classes());
        Path other = Files.writeString(dir.resolve("d.txt"), "x");
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> TextDataset.load(other, "t", "y"));
        assertTrue(e.getMessage().contains("expected a .csv or .jsonl file"), e.getMessage());
    }

    private static void refusedCsv(String text, String... fragments) {
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> csv(text));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' lacks '" + f + "'");
        }
    }

    private static void refusedJsonl(String text, String... fragments) {
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> jsonl(text));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' lacks '" + f + "'");
        }
    }

    @Test
    void badCsvIsRefusedWithFileAndLine() {
        refusedCsv("", "t.csv: empty file");
        refusedCsv("text,label\n", "no examples");
        refusedCsv("body,label\nx,a\n", "no text column 'text'", "[body, label]");
        refusedCsv("text,text,label\n", "column name 'text' appears twice");
        refusedCsv("text,label\nx,a\ny\n", "line 3", "1 fields, expected 2");
        refusedCsv("text,label\nx,\n", "line 2", "empty label");
        refusedCsv("text,label\n\"open,a\n", "line 2", "quoted field never closed");
    }

    @Test
    void badJsonLinesAreRefusedWithFileAndLine() {
        refusedJsonl("{\"text\": \"x\", \"label\": \"a\"}\n{\"text\": \"y\"", "t.jsonl: line 2", "invalid JSON");
        refusedJsonl("[1, 2]\n", "line 1", "expected a JSON object, found a list");
        refusedJsonl("{\"label\": \"a\"}\n", "no field \"text\"", "fields are [label]");
        refusedJsonl("{\"text\": 3, \"label\": \"a\"}\n", "field \"text\" holds 3, expected a string");
        refusedJsonl("{\"text\": \"x\", \"label\": 1.5}\n", "field \"label\" holds 1.5, expected a string or a whole number");
        refusedJsonl("{\"text\": \"x\", \"label\": \" \"}\n", "empty label");
    }

    @Test
    void testSetsTakeTheTrainingClassesAndUnknownLabelsAreNamed() throws IOException {
        TextDataset train = jsonl("{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\", \"label\": \"z\"}\n");
        TextDataset test = jsonl("{\"text\": \"c\", \"label\": \"z\"}\n");
        assertArrayEquals(new long[] {1}, test.withClasses(train.classes()).labels());
        TextDataset odd = jsonl("{\"text\": \"c\", \"label\": \"q\"}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> odd.withClasses(train.classes()));
        assertTrue(e.getMessage().contains("label 'q' is not one of the classes [x, z]"), e.getMessage());
    }

    @Test
    void perClassSamplesAreBalancedSeededAndNested() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 90; i++) {
            sb.append("{\"text\": \"t").append(i).append("\", \"label\": \"c").append(i % 3).append("\"}\n");
        }
        TextDataset d = jsonl(sb.toString());
        int[] small = d.samplePerClass(4, 11);
        int[] large = d.samplePerClass(20, 11);
        assertArrayEquals(small, d.samplePerClass(4, 11));
        long[] counts = new long[3];
        for (int i : large) {
            counts[(int) d.labels()[i]]++;
        }
        assertArrayEquals(new long[] {20, 20, 20}, counts);
        for (int i : small) {
            assertTrue(java.util.Arrays.binarySearch(large, i) >= 0, "index " + i + " of the small choice is not in the large one");
        }
        assertTrue(!java.util.Arrays.equals(small, d.samplePerClass(4, 12)), "another seed should choose other texts");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.samplePerClass(31, 1));
        assertTrue(e.getMessage().contains("has 30 texts, fewer than the 31"), e.getMessage());
    }
}
