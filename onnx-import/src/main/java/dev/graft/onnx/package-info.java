/**
 * Imports ONNX models as trainable graft modules.
 *
 * <p>{@link dev.graft.onnx.OnnxImporter#load(java.nio.file.Path)} reads a model file into an
 * {@link dev.graft.onnx.OnnxModel}: an nn {@code Module} whose float initializers are parameters
 * and whose BatchNormalization statistics are buffers. Errors are {@link dev.graft.onnx.OnnxException}s:
 * {@link dev.graft.onnx.OnnxFormatException} for invalid files and
 * {@link dev.graft.onnx.UnsupportedOnnxException} for valid ONNX that graft does not implement.
 */
package dev.graft.onnx;
