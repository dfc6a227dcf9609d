/**
 * Layers named as in {@code torch.nn}, one per file: {@link dev.graft.nn.layers.Linear},
 * {@link dev.graft.nn.layers.Conv2d}, the batch norms, {@link dev.graft.nn.layers.LayerNorm},
 * {@link dev.graft.nn.layers.Dropout}, {@link dev.graft.nn.layers.Embedding}, {@link dev.graft.nn.layers.Identity}, the elementwise
 * activations, pooling, {@link dev.graft.nn.layers.Flatten}, and the containers
 * {@link dev.graft.nn.layers.Sequential} and {@link dev.graft.nn.layers.Residual}, up to
 * {@link dev.graft.nn.layers.MultiheadAttention} and {@link dev.graft.nn.layers.TransformerEncoderLayer}.
 *
 * <p>Layers with weights take a {@link java.util.Random} and draw PyTorch's default
 * initialisation from it, so a model built from the same seed is the same model. Shape errors
 * name the layer, the expected layout and the actual shape.
 */
package dev.graft.nn.layers;
