package dev.graft.transfer.text;

import dev.graft.nn.checkpoint.Json;
import dev.graft.transfer.data.CsvDataset;
import dev.graft.transfer.data.MalformedDataException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Labelled texts for classification, read from a CSV file with a header line or a JSON Lines file
 * (one object per line), each holding a text column and a label column; other columns are
 * ignored. Classes are the distinct labels, sorted numerically when every label is an integer and
 * alphabetically otherwise (as {@link dev.graft.transfer.data.CsvDataset}), numbered in that order.
 * Errors name the file, the line and what was expected.
 *
 * @param texts the texts, in file order
 * @param labels the class index of each text
 * @param classes the class names, in class-index order
 */
public record TextDataset(List<String> texts, long[] labels, List<String> classes) {

    /** Checks that texts and labels line up and every label names a class. */
    public TextDataset {
        texts = List.copyOf(texts);
        classes = List.copyOf(classes);
        labels = labels.clone();
        if (labels.length != texts.size()) {
            throw new IllegalArgumentException("TextDataset: " + texts.size() + " texts but " + labels.length + " labels");
        }
        for (long l : labels) {
            if (l < 0 || l >= classes.size()) {
                throw new IllegalArgumentException("TextDataset: label " + l + " is outside the " + classes.size() + " classes");
            }
        }
    }

    /** @return a copy of the labels */
    @Override
    public long[] labels() {
        return labels.clone();
    }

    /** @return the number of texts */
    public int size() {
        return texts.size();
    }

    /**
     * Reads a {@code .csv} or {@code .jsonl} file, optionally gzipped ({@code .csv.gz},
     * {@code .jsonl.gz}); the format follows the name.
     *
     * @throws MalformedDataException naming the file and line of the first problem
     * @throws IOException if the file cannot be read
     */
    public static TextDataset load(Path file, String textColumn, String labelColumn) throws IOException {
        boolean csv = isCsv(file);
        try (InputStream in = open(file)) {
            return read(in, file.toString(), csv, textColumn, labelColumn);
        }
    }

    /**
     * @return whether {@code file} is CSV (else JSON Lines), by its name
     * @throws MalformedDataException if the name is neither {@code .csv} nor {@code .jsonl}, optionally {@code .gz}
     */
    private static boolean isCsv(Path file) throws MalformedDataException {
        String name = file.getFileName().toString();
        String base = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
        if (!base.endsWith(".csv") && !base.endsWith(".jsonl")) {
            throw new MalformedDataException(file + ": expected a .csv or .jsonl file (optionally .gz), got '" + name + "'");
        }
        return base.endsWith(".csv");
    }

    /** The file's bytes, decompressed when its name ends in {@code .gz}. */
    private static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (!file.getFileName().toString().endsWith(".gz")) {
            return in;
        }
        try {
            return new GZIPInputStream(in);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Reads CSV ({@code csv == true}) or JSON Lines from a UTF-8 stream, which is not closed.
     *
     * @param source a name for the data, used in error messages
     * @throws MalformedDataException naming the source and line of the first problem
     * @throws IOException if the stream cannot be read
     */
    public static TextDataset read(InputStream in, String source, boolean csv, String textColumn, String labelColumn)
            throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        List<String[]> rows = csv ? csv(reader, source, textColumn, labelColumn, false)
                : jsonl(reader, source, textColumn, labelColumn, false);
        if (rows.isEmpty()) {
            throw new MalformedDataException(source + ": no examples, expected at least one " + (csv ? "row after the header" : "line"));
        }
        List<String> texts = new ArrayList<>(rows.size());
        List<String> labelNames = new ArrayList<>(rows.size());
        for (String[] r : rows) {
            texts.add(r[0]);
            labelNames.add(r[1]);
        }
        List<String> classes = CsvDataset.classOrder(labelNames);
        return new TextDataset(texts, indices(labelNames, classes, source), classes);
    }

    /**
     * Reads texts to classify, with their labels where the file has them: the label column may be
     * missing from a CSV header or from a JSON Lines object. Same formats as {@link #load}.
     *
     * @return one {@code {text, label}} pair per example, in file order; the label is null where absent
     * @throws MalformedDataException naming the file and line of the first problem (no text column...)
     * @throws IOException if the file cannot be read
     */
    public static List<String[]> readTexts(Path file, String textColumn, String labelColumn) throws IOException {
        boolean csv = isCsv(file);
        try (InputStream in = open(file)) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            return csv ? csv(reader, file.toString(), textColumn, labelColumn, true)
                    : jsonl(reader, file.toString(), textColumn, labelColumn, true);
        }
    }

    /**
     * The same texts with labels numbered by another class list, e.g. a test set numbered like
     * its training set.
     *
     * @throws IllegalArgumentException naming a label that is not in {@code classList}
     */
    public TextDataset withClasses(List<String> classList) {
        List<String> names = new ArrayList<>(labels.length);
        for (long l : labels) {
            names.add(classes.get((int) l));
        }
        try {
            return new TextDataset(texts, indices(names, classList, "withClasses"), classList);
        } catch (MalformedDataException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** @return the texts at {@code indices}, in that order, with the same classes */
    public TextDataset subset(int[] indices) {
        List<String> t = new ArrayList<>(indices.length);
        long[] l = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            t.add(texts.get(indices[i]));
            l[i] = labels[indices[i]];
        }
        return new TextDataset(t, l, classes);
    }

    /**
     * Chooses {@code perClass} texts of every class at random. The choice for a seed is nested:
     * the texts chosen for a smaller count are among those chosen for a larger one.
     *
     * @return indices into this dataset, ascending
     * @throws IllegalArgumentException if a class has fewer than {@code perClass} texts
     */
    public int[] samplePerClass(int perClass, long seed) {
        if (perClass < 1) {
            throw new IllegalArgumentException("samplePerClass: perClass must be >= 1, got " + perClass);
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byClass.get((int) labels[i]).add(i);
        }
        java.util.SplittableRandom base = new java.util.SplittableRandom(seed);
        int[] out = new int[perClass * classes.size()];
        int n = 0;
        for (int c = 0; c < classes.size(); c++) {
            // one generator per class, split off the base: a class's picks do not depend on how many
            // numbers the classes before it drew
            java.util.SplittableRandom random = base.split();
            List<Integer> members = byClass.get(c);
            if (members.size() < perClass) {
                throw new IllegalArgumentException("samplePerClass: class '" + classes.get(c) + "' has " + members.size()
                        + " texts, fewer than the " + perClass + " asked for");
            }
            // a partial Fisher-Yates shuffle: the first k picks do not depend on how many follow
            for (int i = 0; i < perClass; i++) {
                int j = i + random.nextInt(members.size() - i);
                Integer t = members.get(i);
                members.set(i, members.get(j));
                members.set(j, t);
                out[n++] = members.get(i);
            }
        }
        Arrays.sort(out);
        return out;
    }

    private static long[] indices(List<String> names, List<String> classList, String source) throws MalformedDataException {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < classList.size(); i++) {
            index.put(classList.get(i), i);
        }
        long[] out = new long[names.size()];
        for (int i = 0; i < out.length; i++) {
            Integer c = index.get(names.get(i));
            if (c == null) {
                throw new MalformedDataException(source + ": label '" + names.get(i) + "' is not one of the classes " + classList);
            }
            out[i] = c;
        }
        return out;
    }

    private static List<String[]> jsonl(BufferedReader in, String source, String textColumn, String labelColumn,
                                        boolean labelOptional) throws IOException {
        List<String[]> rows = new ArrayList<>();
        String line;
        int lineNo = 0;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isBlank()) {
                continue;
            }
            Object v;
            try {
                v = Json.parse(line);
            } catch (IllegalArgumentException e) {
                throw new MalformedDataException(source + ": line " + lineNo + ": " + e.getMessage(), e);
            }
            if (!(v instanceof Map<?, ?> m)) {
                throw new MalformedDataException(source + ": line " + lineNo + ": expected a JSON object, found "
                        + (v instanceof List ? "a list" : String.valueOf(v)));
            }
            String text = field(m, textColumn, source, lineNo, false);
            String label = labelOptional && !m.containsKey(labelColumn) ? null
                    : field(m, labelColumn, source, lineNo, true);
            rows.add(new String[] {text, label});
        }
        return rows;
    }

    private static String field(Map<?, ?> m, String column, String source, int lineNo, boolean label)
            throws MalformedDataException {
        if (!m.containsKey(column)) {
            throw new MalformedDataException(source + ": line " + lineNo + ": no field \"" + column + "\"; fields are " + m.keySet());
        }
        Object v = m.get(column);
        String s;
        if (v instanceof String str) {
            s = str;
        } else if (label && v instanceof Long l) {
            s = Long.toString(l);
        } else {
            throw new MalformedDataException(source + ": line " + lineNo + ": field \"" + column + "\" holds " + v
                    + ", expected a string" + (label ? " or a whole number" : ""));
        }
        if (label && s.isBlank()) {
            throw new MalformedDataException(source + ": line " + lineNo + ": empty label in field \"" + column + "\"");
        }
        return label ? s.strip() : s;
    }

    /**
     * RFC 4180 CSV: fields separated by commas, optionally quoted with {@code "} (a doubled quote
     * inside stands for one); quoted fields may hold commas and line breaks.
     */
    private static List<String[]> csv(Reader in, String source, String textColumn, String labelColumn,
                                      boolean labelOptional) throws IOException {
        CsvReader r = new CsvReader(in, source);
        List<String> header = r.next();
        while (header != null && header.size() == 1 && header.get(0).isBlank()) {
            header = r.next();
        }
        if (header == null) {
            throw new MalformedDataException(source + ": empty file, expected a header line naming the columns");
        }
        if (!header.isEmpty() && header.get(0).startsWith("\uFEFF")) {
            header.set(0, header.get(0).substring(1));
        }
        Map<String, Integer> columns = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            if (columns.putIfAbsent(header.get(i).strip(), i) != null) {
                throw new MalformedDataException(source + ": line " + r.recordLine + ": column name '" + header.get(i).strip()
                        + "' appears twice");
            }
        }
        Integer text = columns.get(textColumn);
        Integer label = columns.get(labelColumn);
        if (text == null || (label == null && !labelOptional)) {
            throw new MalformedDataException(source + ": no " + (text == null ? "text" : "label") + " column '"
                    + (text == null ? textColumn : labelColumn) + "'; columns are " + columns.keySet());
        }
        List<String[]> rows = new ArrayList<>();
        List<String> fields;
        while ((fields = r.next()) != null) {
            if (fields.size() == 1 && fields.get(0).isBlank() && header.size() > 1) {
                continue;
            }
            if (fields.size() != header.size()) {
                throw new MalformedDataException(source + ": line " + r.recordLine + ": " + fields.size() + " fields, expected "
                        + header.size() + " as in the header");
            }
            String l = label == null ? null : fields.get(label).strip();
            if (l != null && l.isEmpty()) {
                throw new MalformedDataException(source + ": line " + r.recordLine + ": empty label in column '" + labelColumn + "'");
            }
            rows.add(new String[] {fields.get(text), l});
        }
        return rows;
    }

    /** Reads CSV records one at a time, tracking the line each record starts on. */
    private static final class CsvReader {
        private final Reader in;
        private final String source;
        private int line = 1;
        private int recordLine;
        private int pending = -2;

        CsvReader(Reader in, String source) {
            this.in = in;
            this.source = source;
        }

        private int read() throws IOException {
            if (pending != -2) {
                int c = pending;
                pending = -2;
                return c;
            }
            return in.read();
        }

        /** @return the next record's fields, or null at the end */
        List<String> next() throws IOException {
            int c = read();
            if (c < 0) {
                return null;
            }
            recordLine = line;
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            int quoteLine = 0;
            while (true) {
                if (c < 0) {
                    if (quoted) {
                        throw new MalformedDataException(source + ": line " + quoteLine + ": quoted field never closed");
                    }
                    fields.add(field.toString());
                    return fields;
                }
                if (quoted) {
                    if (c == '"') {
                        int d = read();
                        if (d == '"') {
                            field.append('"');
                        } else {
                            quoted = false;
                            c = d;
                            continue;
                        }
                    } else {
                        if (c == '\n') {
                            line++;
                        }
                        field.append((char) c);
                    }
                } else if (c == '"' && field.length() == 0) {
                    quoted = true;
                    quoteLine = line;
                } else if (c == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                } else if (c == '\r' || c == '\n') {
                    if (c == '\r') {
                        int d = read();
                        if (d != '\n') {
                            pending = d;
                        }
                    }
                    line++;
                    fields.add(field.toString());
                    return fields;
                } else {
                    field.append((char) c);
                }
                c = read();
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TextDataset d && texts.equals(d.texts) && Arrays.equals(labels, d.labels) && classes.equals(d.classes);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * texts.hashCode() + Arrays.hashCode(labels)) + classes.hashCode();
    }

    @Override
    public String toString() {
        return "TextDataset[" + texts.size() + " texts, classes " + classes + "]";
    }
}
