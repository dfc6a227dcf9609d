package dev.graft.transfer.cli;

import dev.graft.nn.checkpoint.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an exported classifier needs beside its ONNX file to be used: the class names in logit
 * order, the input's name and shape, and the {@link Preprocessing} its training data went through.
 * {@code fine-tune} writes it as {@code NAME.graft.json} next to {@code NAME.onnx}; {@code predict}
 * reads it from there.
 *
 * @param classes the class names, in the order of the model's logits
 * @param inputName the ONNX input's name
 * @param inputShape one example's shape, without the batch dimension
 * @param outputName the ONNX output holding the logits
 * @param preprocessing how raw examples become inputs
 * @param details anything else worth keeping (accuracies, the source model); written, never read back
 */
record Sidecar(List<String> classes, String inputName, int[] inputShape, String outputName,
               Preprocessing preprocessing, Map<String, Object> details) {

    /** The value of the {@code format} entry, which says what the file is. */
    static final String FORMAT = "graft-classifier/1";

    /** The suffix that replaces a model's {@code .onnx}. */
    static final String SUFFIX = ".graft.json";

    /** Copies the lists and arrays. */
    Sidecar {
        classes = List.copyOf(classes);
        inputShape = inputShape.clone();
        details = details == null ? Map.of() : new LinkedHashMap<>(details);
    }

    /** @return the sidecar's path for a model file: the same name with {@code .onnx} replaced */
    static Path pathFor(Path model) {
        return sibling(model, SUFFIX);
    }

    /**
     * @param file a file such as {@code out/classifier.onnx}
     * @param suffix what replaces its {@code .onnx} extension (appended when it has none)
     * @return e.g. {@code out/classifier.curves.png}
     */
    static Path sibling(Path file, String suffix) {
        String name = file.getFileName().toString();
        String stem = name.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx") ? name.substring(0, name.length() - 5)
                : name;
        return file.resolveSibling(stem + suffix);
    }

    /** Writes the sidecar atomically (a temporary file renamed over the target). */
    void write(Path file) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("classes", classes);
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("name", inputName);
        input.put("shape", java.util.Arrays.stream(inputShape).boxed().toList());
        m.put("input", input);
        m.put("output", outputName);
        m.put("preprocessing", preprocessing.toJson());
        m.putAll(details);
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, Json.write(m) + System.lineSeparator(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * @param file a sidecar written by {@link #write}
     * @return its contents ({@link #details()} empty)
     * @throws IllegalArgumentException naming the file and the entry that is missing or malformed
     * @throws IOException if the file cannot be read
     */
    static Sidecar read(Path file) throws IOException {
        String source = file.toString();
        Object json;
        try {
            json = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + e.getMessage(), e);
        }
        Map<?, ?> m = JsonFields.object(json, source, "the file");
        if (!FORMAT.equals(m.get("format"))) {
            throw new IllegalArgumentException(source + ": format is " + m.get("format") + ", expected " + FORMAT);
        }
        Map<?, ?> input = JsonFields.object(JsonFields.get(m, "input", source), source, "entry 'input'");
        return new Sidecar(JsonFields.strings(m, "classes", source), JsonFields.string(input, "name", source),
                JsonFields.ints(input, "shape", source), JsonFields.string(m, "output", source),
                Preprocessing.fromJson(JsonFields.get(m, "preprocessing", source), source), null);
    }

    /** @return the sidecar beside {@code model}, or null when there is none */
    static Sidecar besides(Path model) throws IOException {
        Path p = pathFor(model);
        return Files.isRegularFile(p) ? read(p) : null;
    }
}
