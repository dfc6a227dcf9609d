/**
 * ONNX export: an imported (possibly cut and fine-tuned) graph with its current weights, followed by
 * nn modules in eval-mode semantics, or a pure nn model, written as a self-contained ONNX file
 * ({@link dev.graft.onnx.export.OnnxExport}).
 */
package dev.graft.onnx.export;
