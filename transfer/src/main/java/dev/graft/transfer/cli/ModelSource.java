package dev.graft.transfer.cli;

import dev.graft.onnx.OnnxException;
import dev.graft.onnx.OnnxImporter;
import dev.graft.onnx.OnnxModel;
import dev.graft.transfer.data.FashionMnist;
import dev.graft.transfer.text.EncoderFiles;
import dev.graft.transfer.text.TokenizerJson;
import dev.graft.transfer.text.WordPieceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The model a {@code --model} option names: an ONNX file, with the {@link Sidecar} beside it when
 * {@code fine-tune} wrote one, or {@value #DEMO}, the pretrained Fashion-MNIST CNN shipped in the
 * jar (the one {@code graft demo} uses), whose sidecar comes from its properties file. A text
 * encoder comes with its tokenizer: a jar or folder holding a model and {@code tokenizer.json}
 * (see {@link EncoderFiles}), {@value #MINILM} (the all-MiniLM-L6-v2 jar {@code ./graft} passes),
 * or an ONNX file with {@code NAME.tokenizer.json} (as {@code fine-tune} writes) or
 * {@code tokenizer.json} beside it.
 *
 * @param name what to call the model in messages
 * @param model the imported graph
 * @param sidecar the class names and preprocessing that go with it, or null when unknown
 * @param tokenizer the text encoder's tokenizer, or null for a model without one
 * @param tokenizerJson the text of that tokenizer's {@code tokenizer.json}, or null
 */
record ModelSource(String name, OnnxModel model, Sidecar sidecar, WordPieceTokenizer tokenizer, String tokenizerJson) {

    /** The {@code --model} value that selects the shipped CNN. */
    static final String DEMO = "demo";

    /** The {@code --model} value that selects all-MiniLM-L6-v2, found through {@value TextDemoCommand#MODEL_PROPERTY}. */
    static final String MINILM = "minilm";

    /** The suffix of the tokenizer file {@code fine-tune} writes beside a text classifier. */
    static final String TOKENIZER_SUFFIX = ".tokenizer.json";

    private static final String DEMO_MODEL = FashionMnist.RESOURCE_FOLDER + "fashion-cnn-0to4.onnx";
    private static final String DEMO_PROPERTIES = FashionMnist.RESOURCE_FOLDER + "fashion-cnn-0to4.properties";

    /**
     * @param spec a path to an ONNX file, or {@value #DEMO}
     * @return the imported model with its sidecar, if any
     * @throws CommandException if the file is missing or is not a model graft can import
     */
    static ModelSource load(String spec) {
        if (spec.equals(DEMO) && !Files.exists(Path.of(spec))) {
            return demo();
        }
        if (spec.equals(MINILM) && !Files.exists(Path.of(spec))) {
            String jar = System.getProperty(TextDemoCommand.MODEL_PROPERTY);
            if (jar == null) {
                throw new CommandException("--model minilm needs the all-MiniLM-L6-v2 jar, which ./graft passes as -D"
                        + TextDemoCommand.MODEL_PROPERTY + "; give its path instead");
            }
            return encoder(Path.of(jar), "minilm (all-MiniLM-L6-v2)");
        }
        Path file = Path.of(spec);
        String lower = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isDirectory(file) || (Files.isRegularFile(file) && (lower.endsWith(".jar") || lower.endsWith(".zip")))) {
            return encoder(file, file.toString());
        }
        if (!Files.isRegularFile(file)) {
            throw new CommandException("model file not found: " + file);
        }
        OnnxModel model;
        try {
            model = OnnxImporter.load(file);
        } catch (IOException | OnnxException e) {
            throw new CommandException("cannot import " + file + ": " + e.getMessage(), e);
        }
        Sidecar sidecar;
        try {
            sidecar = Sidecar.besides(file);
        } catch (IOException | IllegalArgumentException e) {
            throw new CommandException("cannot read the sidecar of " + file + ": " + e.getMessage(), e);
        }
        String tokenizerJson = null;
        WordPieceTokenizer tokenizer = null;
        for (Path t : List.of(Sidecar.sibling(file, TOKENIZER_SUFFIX), file.resolveSibling("tokenizer.json"))) {
            if (Files.isRegularFile(t)) {
                try {
                    tokenizerJson = Files.readString(t, StandardCharsets.UTF_8);
                    tokenizer = TokenizerJson.parse(tokenizerJson, t.toString());
                } catch (IOException | IllegalArgumentException e) {
                    throw new CommandException("cannot read the tokenizer " + t + ": " + e.getMessage(), e);
                }
                break;
            }
        }
        return new ModelSource(file.toString(), model, sidecar, tokenizer, tokenizerJson);
    }

    /** A text encoder from a folder or jar holding its model and tokenizer.json. */
    private static ModelSource encoder(Path path, String name) {
        try {
            EncoderFiles files = EncoderFiles.locate(path);
            WordPieceTokenizer tokenizer = TokenizerJson.parse(files.tokenizerJson(), files.source() + " (tokenizer.json)");
            return new ModelSource(name, OnnxImporter.load(files.onnx()), null, tokenizer, files.tokenizerJson());
        } catch (IOException | OnnxException | IllegalArgumentException e) {
            throw new CommandException("cannot load the text encoder " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The shipped CNN (pretrained on Fashion-MNIST classes 0-4) and what its properties say about
     * input normalisation and classes.
     */
    private static ModelSource demo() {
        try (InputStream model = ModelSource.class.getResourceAsStream(DEMO_MODEL);
             InputStream props = ModelSource.class.getResourceAsStream(DEMO_PROPERTIES)) {
            if (model == null || props == null) {
                throw new CommandException("the shipped model " + DEMO_MODEL + " is missing from the jar (a broken build)");
            }
            Properties p = new Properties();
            p.load(props);
            int[] shape = Arrays.stream(p.getProperty("input.shape").split(","))
                    .skip(1).mapToInt(s -> Integer.parseInt(s.strip())).toArray();
            float mean = Float.parseFloat(p.getProperty("input.mean"));
            float std = Float.parseFloat(p.getProperty("input.std"));
            Preprocessing pre = new Preprocessing.Image(shape[0], shape[1], shape[1], new float[] {mean},
                    new float[] {std});
            Sidecar sidecar = new Sidecar(List.of(p.getProperty("classes.pretrain").split(",")),
                    p.getProperty("input.name"), shape, p.getProperty("output.name"), pre, null);
            return new ModelSource(DEMO + " (shipped CNN, Fashion-MNIST classes 0-4)",
                    OnnxImporter.load(model.readAllBytes()), sidecar, null, null);
        } catch (IOException | RuntimeException e) {
            if (e instanceof CommandException c) {
                throw c;
            }
            throw new CommandException("the shipped model's files are unreadable (a broken build): " + e, e);
        }
    }
}
