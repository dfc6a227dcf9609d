/**
 * Loss functions with PyTorch's semantics: {@link dev.graft.nn.loss.CrossEntropyLoss},
 * {@link dev.graft.nn.loss.NLLLoss}, {@link dev.graft.nn.loss.BCEWithLogitsLoss},
 * {@link dev.graft.nn.loss.MSELoss}, {@link dev.graft.nn.loss.L1Loss} and
 * {@link dev.graft.nn.loss.HuberLoss}. Each is built from engine tensor ops, so autograd
 * differentiates it.
 */
package dev.graft.nn.loss;
