package dev.graft.transfer.cli;

import dev.graft.onnx.OnnxException;
import dev.graft.onnx.OnnxImporter;
import dev.graft.onnx.OnnxModel;
import dev.graft.transfer.data.FashionMnist;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The model a {@code --model} option names: an ONNX file, with the {@link Sidecar} beside it when
 * {@code fine-tune} wrote one, or {@value #DEMO}, the pretrained Fashion-MNIST CNN shipped in the
 * jar (the one {@code graft demo} uses), whose sidecar comes from its properties file.
 *
 * @param name what to call the model in messages
 * @param model the imported graph
 * @param sidecar the class names and preprocessing that go with it, or null when unknown
 */
record ModelSource(String name, OnnxModel model, Sidecar sidecar) {

    /** The {@code --model} value that selects the shipped CNN. */
    static final String DEMO = "demo";

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
        Path file = Path.of(spec);
        if (!Files.isRegularFile(file)) {
            throw new CommandException("model file not found: " + file
                    + (Files.isDirectory(file) ? " is a folder, expected an .onnx file" : ""));
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
        return new ModelSource(file.toString(), model, sidecar);
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
                    OnnxImporter.load(model.readAllBytes()), sidecar);
        } catch (IOException | RuntimeException e) {
            if (e instanceof CommandException c) {
                throw c;
            }
            throw new CommandException("the shipped model's files are unreadable (a broken build): " + e, e);
        }
    }
}
