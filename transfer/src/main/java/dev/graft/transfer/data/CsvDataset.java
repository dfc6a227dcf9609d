package dev.graft.transfer.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Loads a comma-separated table with a header line into a {@link TensorDataset}: one column
 * holds the class label, the chosen (by default all other) columns hold numeric features, and
 * each example is a feature vector of shape {@code [F]}.
 *
 * <p>Labels are class names: the classes are the distinct label values, sorted numerically when
 * every value is an integer and alphabetically otherwise, and numbered in that order. Fields may
 * be quoted with {@code "} (a doubled quote inside stands for one). Blank lines are skipped.
 * Errors name the file, the line number and the column.
 */
public final class CsvDataset {

    private CsvDataset() {
    }

    /**
     * Loads every column other than {@code labelColumn} as a feature.
     *
     * @throws MalformedDataException naming file, line and column of the first problem
     * @throws IOException if the file cannot be read
     */
    public static TensorDataset load(Path file, String labelColumn) throws IOException {
        return load(file, labelColumn, null);
    }

    /**
     * @param featureColumns the feature columns in the order wanted, or {@code null} for every
     *     column other than the label column
     * @throws MalformedDataException naming file, line and column of the first problem
     * @throws IOException if the file cannot be read
     */
    public static TensorDataset load(Path file, String labelColumn, List<String> featureColumns) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return load(r, file.toString(), labelColumn, featureColumns);
        }
    }

    /**
     * Same as {@link #load(Path, String, List)} for any reader.
     *
     * @param source a name for the data, used in error messages
     */
    public static TensorDataset load(Reader reader, String source, String labelColumn, List<String> featureColumns)
            throws IOException {
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        Header h = readHeader(in, source);
        Map<String, Integer> columnIndex = h.index();
        Integer labelIndex = columnIndex.get(labelColumn);
        if (labelIndex == null) {
            throw new MalformedDataException(source + ": no label column '" + labelColumn + "'; columns are " + columnIndex.keySet());
        }
        List<String> features = new ArrayList<>();
        if (featureColumns == null) {
            columnIndex.keySet().stream().filter(c -> !c.equals(labelColumn)).forEach(features::add);
        } else {
            for (String c : featureColumns) {
                if (!columnIndex.containsKey(c)) {
                    throw new MalformedDataException(source + ": no feature column '" + c + "'; columns are " + columnIndex.keySet());
                }
                if (c.equals(labelColumn)) {
                    throw new IllegalArgumentException("CsvDataset: column '" + c + "' cannot be both label and feature");
                }
                features.add(c);
            }
        }
        if (features.isEmpty()) {
            throw new MalformedDataException(source + ": no feature columns besides the label column '" + labelColumn + "'");
        }
        int[] featureIndex = features.stream().mapToInt(columnIndex::get).toArray();

        List<String> labelValues = new ArrayList<>();
        List<float[]> rows = readRows(in, source, h, featureIndex, features, labelIndex, labelColumn, labelValues);
        if (rows.isEmpty()) {
            throw new MalformedDataException(source + ": header but no data lines");
        }
        List<String> classes = classOrder(labelValues);
        Map<String, Integer> classIndex = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            classIndex.put(classes.get(i), i);
        }
        float[] x = new float[rows.size() * featureIndex.length];
        long[] y = new long[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, x, i * featureIndex.length, featureIndex.length);
            y[i] = classIndex.get(labelValues.get(i));
        }
        return new TensorDataset(x, new int[] {featureIndex.length}, y, classes);
    }

    /**
     * @param file a table with a header line
     * @return the column names of its header, in file order
     * @throws MalformedDataException if the file is empty or a column name repeats
     * @throws IOException if the file cannot be read
     */
    public static List<String> columns(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return readHeader(in, file.toString()).names();
        }
    }

    /**
     * Reads the given columns of every data line as numbers, with no label column: new examples
     * to classify with a model trained on {@link #load} data of the same columns.
     *
     * @param featureColumns the columns to read, in the order wanted
     * @return one row of {@code featureColumns.size()} values per data line
     * @throws MalformedDataException naming file, line and column of the first problem
     * @throws IOException if the file cannot be read
     */
    public static float[][] loadFeatures(Path file, List<String> featureColumns) throws IOException {
        String source = file.toString();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Header h = readHeader(in, source);
            int[] index = new int[featureColumns.size()];
            for (int f = 0; f < index.length; f++) {
                Integer i = h.index().get(featureColumns.get(f));
                if (i == null) {
                    throw new MalformedDataException(source + ": no feature column '" + featureColumns.get(f)
                            + "'; columns are " + h.index().keySet());
                }
                index[f] = i;
            }
            List<float[]> rows = readRows(in, source, h, index, featureColumns, -1, null, null);
            return rows.toArray(new float[0][]);
        }
    }

    /**
     * Reads every data line after the header: the feature columns as numbers and, when
     * {@code labelIndex >= 0}, that column's text into {@code labels}.
     */
    private static List<float[]> readRows(BufferedReader in, String source, Header h, int[] featureIndex,
                                          List<String> featureNames, int labelIndex, String labelColumn,
                                          List<String> labels) throws IOException {
        List<float[]> rows = new ArrayList<>();
        int lineNo = h.lineNo();
        String line;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            List<String> fields = split(line, source, lineNo);
            if (fields.size() != h.names().size()) {
                throw new MalformedDataException(source + ": line " + lineNo + ": " + fields.size() + " fields, expected "
                        + h.names().size() + " as in the header");
            }
            if (labelIndex >= 0) {
                String label = fields.get(labelIndex).strip();
                if (label.isEmpty()) {
                    throw new MalformedDataException(source + ": line " + lineNo + ": empty label in column '"
                            + labelColumn + "'");
                }
                labels.add(label);
            }
            float[] row = new float[featureIndex.length];
            for (int f = 0; f < featureIndex.length; f++) {
                row[f] = parseNumber(fields.get(featureIndex[f]).strip(), source, lineNo, featureNames.get(f));
            }
            rows.add(row);
        }
        return rows;
    }

    /** A table's header line: the column names, their positions, and the line it was on. */
    private record Header(List<String> names, Map<String, Integer> index, int lineNo) {
    }

    private static Header readHeader(BufferedReader in, String source) throws IOException {
        String headerLine = in.readLine();
        int lineNo = 1;
        while (headerLine != null && headerLine.isBlank()) {
            headerLine = in.readLine();
            lineNo++;
        }
        if (headerLine == null) {
            throw new MalformedDataException(source + ": empty file, expected a header line naming the columns");
        }
        if (headerLine.startsWith("\uFEFF")) {
            headerLine = headerLine.substring(1);
        }
        List<String> names = new ArrayList<>();
        Map<String, Integer> columnIndex = new LinkedHashMap<>();
        for (String field : split(headerLine, source, lineNo)) {
            String name = field.strip();
            if (columnIndex.putIfAbsent(name, names.size()) != null) {
                throw new MalformedDataException(source + ": line " + lineNo + ": column name '" + name + "' appears twice");
            }
            names.add(name);
        }
        return new Header(List.copyOf(names), columnIndex, lineNo);
    }

    private static float parseNumber(String v, String source, int lineNo, String column) throws MalformedDataException {
        try {
            float f = Float.parseFloat(v);
            if (Float.isFinite(f)) {
                return f;
            }
        } catch (NumberFormatException e) {
            // Reported below with the position, which the JDK's message lacks.
        }
        throw new MalformedDataException(source + ": line " + lineNo + ": column '" + column + "' holds '" + v
                + "', expected a finite number");
    }

    /**
     * The class order of labelled data: the distinct labels, sorted as numbers when every label is
     * an integer (so "10" follows "9") and as text otherwise.
     *
     * @param labels one label per example
     * @return the distinct labels in class-index order
     */
    public static List<String> classOrder(List<String> labels) {
        boolean integers = labels.stream().allMatch(s -> s.matches("-?\\d{1,18}"));
        Comparator<String> order = integers ? Comparator.comparingLong(Long::parseLong) : Comparator.naturalOrder();
        TreeSet<String> distinct = new TreeSet<>(order);
        distinct.addAll(labels);
        return List.copyOf(distinct);
    }

    /** Splits one line into fields, honouring double quotes. */
    static List<String> split(String line, String source, int lineNo) throws MalformedDataException {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new MalformedDataException(source + ": line " + lineNo + ": unterminated quoted field");
        }
        fields.add(field.toString());
        return fields;
    }
}
