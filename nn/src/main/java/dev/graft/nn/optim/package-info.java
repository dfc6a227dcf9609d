/**
 * Optimizers ({@link dev.graft.nn.optim.SGD}, {@link dev.graft.nn.optim.Adam},
 * {@link dev.graft.nn.optim.AdamW}, {@link dev.graft.nn.optim.RMSprop}) with parameter groups for
 * discriminative learning rates, gradient clipping, and learning-rate schedulers, all with
 * PyTorch's update rules.
 */
package dev.graft.nn.optim;
