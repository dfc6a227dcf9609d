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
     * @param data the {@code --data} path
     * @param backbone the encoder whose tokenizer to use
     * @param textColumn the column holding the text
     * @param labelColumn the column holding the class
     * @param validationFraction share of train held out when there is no val table; 0 for none
     * @param seed seed of that split
     * @throws BadInputException if the data is not a text table or does not fit
     */
    static TrainingData load(Path data, TextBackbone backbone, String textColumn, String labelColumn,
                             double validationFraction, long seed) {
        Path trainFile = Files.isDirectory(data) ? find(data, "train") : data;
        if (trainFile == null || !isTable(trainFile)) {
            throw new BadInputException(data + " is not text data, but the model is a text encoder: expected a .csv or "
                    + ".jsonl table with columns '" + textColumn + "' and '" + labelColumn + "', or a folder with "
                    + "train.csv or train.jsonl");
        }
        TextDataset train = read(trainFile, textColumn, labelColumn, null);
        Dataset trainSet = backbone.tokenize(train);
        Dataset validation = null;
        String origin = null;
        Dataset test = null;
        if (Files.isDirectory(data)) {
            Path val = find(data, "val");
            if (val != null) {
                validation = backbone.tokenize(read(val, textColumn, labelColumn, train.classes()));
                origin = val.getFileName().toString();
            }
            Path testFile = find(data, "test");
            if (testFile != null) {
                test = backbone.tokenize(read(testFile, textColumn, labelColumn, train.classes()));
            }
        }
        if (validation == null && validationFraction > 0) {
            Dataset[] split = TrainingData.split(trainSet, validationFraction, seed);
            trainSet = split[0];
            validation = split[1];
            origin = TrainingData.splitOrigin(validationFraction, seed);
        }
        return new TrainingData(TrainingData.Kind.TEXT, trainSet, validation, origin, test, List.of(),
                new Preprocessing.Text(textColumn, labelColumn, backbone.maxTokens()), List.of());
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
