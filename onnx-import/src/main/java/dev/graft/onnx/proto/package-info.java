/**
 * The ONNX file format: a hand-written protobuf decoder for {@code ModelProto} and its parts,
 * tensor decoding with size checks, and confined external-data reading.
 */
package dev.graft.onnx.proto;
