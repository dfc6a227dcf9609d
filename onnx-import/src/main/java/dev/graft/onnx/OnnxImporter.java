package dev.graft.onnx;

import dev.graft.onnx.proto.ModelDef;
import dev.graft.onnx.proto.ModelReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Entry point: reads an ONNX file into a trainable {@link OnnxModel}.
 *
 * <pre>{@code
 * OnnxModel model = OnnxImporter.load(Path.of("resnet18.onnx"));
 * model.eval();
 * Tensor logits = model.forward(images);
 * }</pre>
 */
public final class OnnxImporter {

    /** Largest model file read: Java arrays and protobuf messages are limited to 2 GiB. */
    public static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

    private OnnxImporter() {
    }

    /**
     * Loads a model file. External tensor data is read from the file's folder only.
     *
     * @param file the {@code .onnx} file
     * @return the model, in training mode as every new module is
     * @throws IOException if the file cannot be read
     * @throws OnnxFormatException if it is not a valid ONNX model
     * @throws UnsupportedOnnxException listing every unsupported operator or feature it uses
     */
    public static OnnxModel load(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new OnnxFormatException(file + " is " + size + " bytes; models above " + MAX_FILE_BYTES
                    + " bytes must keep their weights in external data files");
        }
        byte[] bytes = Files.readAllBytes(file);
        Path dir = file.toAbsolutePath().getParent();
        return new OnnxModel(ModelReader.read(bytes), dir);
    }

    /**
     * Loads a model from memory; it may not use external data.
     *
     * @param bytes a serialized ModelProto
     * @return the model
     * @throws OnnxFormatException if it is not a valid ONNX model
     * @throws UnsupportedOnnxException listing every unsupported operator or feature it uses
     */
    public static OnnxModel load(byte[] bytes) {
        ModelDef def = ModelReader.read(bytes);
        return new OnnxModel(def, null);
    }
}
