package dev.graft.transfer.cli;

import dev.graft.transfer.data.Dataset;
import dev.graft.transfer.text.TextBackbone;
import dev.graft.transfer.text.TextDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The text data {@code fine-tune} reads for a text encoder: a CSV or JSON Lines table (optionally
 * gzipped) with a text and a label column, or a folder holding {@code train}, and optionally
 * {@code val} and {@code test}, tables. Texts are tokenized once, by the encoder's tokenizer.
 * Problems with the data itself (no such column, empty texts, labels unknown to training) are
 * {@link BadInputException}s.
 */
final class TextTables {

    private static final List<String> EXTENSIONS = List.of(".csv", ".jsonl", ".csv.gz", ".jsonl.gz");

    private TextTables() {
    }

    /** @return whether {@code data} looks like text data: a .jsonl table, or a folder with train.jsonl */
    static boolean looksLikeText(Path data) {
        String name = data.getFileName() == null ? "" : data.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jsonl") || name.endsWith(".jsonl.gz") || (Files.isDirectory(data)
                && (Files.isRegularFile(data.resolve("train.jsonl")) || Files.isRegularFile(data.resolve("train.jsonl.gz"))));
    }

    /** @return whether {@code file} has the name of a table this class reads */
    static boolean isTable(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    /**
     * The tables of a {@code --data} path, read and checked but not yet tokenized.
     *
     * @param train the training table
     * @param validation the val table, or null
     * @param validationFile its file name, or null
     * @param test the test table, or null
     */
    record Tables(TextDataset train, TextDataset validation, String validationFile, TextDataset test) {

        /**
         * Tokenizes every table with the encoder's tokenizer, holding out a stratified share of train
         * for validation when there is no val table.
         *
         * @param validationFraction share of train held out when there is no val table; 0 for none
         * @param seed seed of that split
         */
        TrainingData tokenize(TextBackbone backbone, String textColumn, String labelColumn, double validationFraction,
                              long seed) {
            Dataset trainSet = backbone.tokenize(train);
            Dataset validationSet = validation == null ? null : backbone.tokenize(validation);
            String origin = validationFile;
            if (validationSet == null && validationFraction > 0) {
                Dataset[] split = TrainingData.split(trainSet, validationFraction, seed);
                trainSet = split[0];
                validationSet = split[1];
                origin = TrainingData.splitOrigin(validationFraction, seed);
            }
            return new TrainingData(TrainingData.Kind.TEXT, trainSet, validationSet, origin,
                    test == null ? null : backbone.tokenize(test), List.of(),
                    new Preprocessing.Text(textColumn, labelColumn, backbone.maxTokens()), List.of());
        }
    }

    /**
     * @param data the {@code --data} path
     * @param textColumn the column holding the text
     * @param labelColumn the column holding the class
     * @throws BadInputException if the data is not a text table, lacks a column or has empty texts
     */
    static Tables read(Path data, String textColumn, String labelColumn) {
        Path trainFile = Files.isDirectory(data) ? find(data, "train") : data;
        if (trainFile == null || !isTable(trainFile)) {
            throw new BadInputException(data + " is not text data, but the model is a text encoder: expected a .csv or "
                    + ".jsonl table with columns '" + textColumn + "' and '" + labelColumn + "', or a folder with "
                    + "train.csv or train.jsonl");
        }
        TextDataset train = read(trainFile, textColumn, labelColumn, null);
        TextDataset validation = null;
        TextDataset test = null;
        Path val = Files.isDirectory(data) ? find(data, "val") : null;
        if (val != null) {
            validation = read(val, textColumn, labelColumn, train.classes());
        }
        Path testFile = Files.isDirectory(data) ? find(data, "test") : null;
        if (testFile != null) {
            test = read(testFile, textColumn, labelColumn, train.classes());
        }
        return new Tables(train, validation, val == null ? null : val.getFileName().toString(), test);
    }

    /** @return the folder's {@code role} table ({@code train.csv}, {@code train.jsonl}, ...), or null */
    static Path find(Path folder, String role) {
        for (String ext : EXTENSIONS) {
            Path p = folder.resolve(role + ext);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Reads one table and checks that no text is blank.
     *
     * @param classes the training classes to number labels by, or null for the training table itself
     */
    static TextDataset read(Path file, String textColumn, String labelColumn, List<String> classes) {
        TextDataset d;
        try {
            d = TextDataset.load(file, textColumn, labelColumn);
            if (classes != null) {
                d = d.withClasses(classes);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new BadInputException(e instanceof java.nio.file.NoSuchFileException ? "not found: " + e.getMessage()
                    : e.getMessage(), e);
        }
        checkTexts(file, textColumn, d.texts());
        return d;
    }

    /** @throws BadInputException naming the first blank text and how many there are */
    static void checkTexts(Path file, String textColumn, List<String> texts) {
        int blank = 0;
        int first = -1;
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i).isBlank()) {
                blank++;
                first = first < 0 ? i : first;
            }
        }
        if (blank == texts.size()) {
            throw new BadInputException(file + ": text column '" + textColumn + "' is empty in every row; expected "
                    + "the texts to classify there (name the column with --text-column)");
        }
        if (blank > 0) {
            throw new BadInputException(file + ": text column '" + textColumn + "' is empty in " + blank + " row"
                    + (blank == 1 ? "" : "s") + " (the first is data row " + (first + 1) + "); every example needs a text");
        }
    }
}
