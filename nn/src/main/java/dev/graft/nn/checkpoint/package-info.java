/**
 * Checkpoints in the safetensors format: {@link dev.graft.nn.checkpoint.SafeTensors} reads and
 * writes the format (atomically, with strict header validation), and
 * {@link dev.graft.nn.checkpoint.Checkpoint} saves and restores a module with its optimizer state.
 */
package dev.graft.nn.checkpoint;
