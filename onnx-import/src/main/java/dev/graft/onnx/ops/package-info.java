/**
 * The operator table ({@link dev.graft.onnx.ops.OpRegistry}) and one class per operator or small
 * family of operators. Kernels compose engine ops, so every differentiable operator gets its
 * gradient from the engine's autograd.
 */
package dev.graft.onnx.ops;
