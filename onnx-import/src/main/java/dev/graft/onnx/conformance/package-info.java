/** The ONNX backend test runner ({@code graft onnx-test DIR...}). */
package dev.graft.onnx.conformance;
