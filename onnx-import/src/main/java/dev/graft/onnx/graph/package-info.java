/** Validation, topological ordering and slot assignment of an ONNX graph before it runs. */
package dev.graft.onnx.graph;
