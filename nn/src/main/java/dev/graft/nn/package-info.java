/**
 * Modules and parameters: {@link dev.graft.nn.Module} (named parameters, buffers and submodules,
 * train/eval mode, state dicts, freezing by module, name, glob, regex or depth),
 * {@link dev.graft.nn.Parameter} (a learnable value with its own trainable flag),
 * {@link dev.graft.nn.NamePattern}, {@link dev.graft.nn.ParameterSummary} and the seeded
 * initialisers of {@link dev.graft.nn.Init}.
 *
 * <p>Freezing follows Keras: a frozen parameter's value does not require grad, so the autograd
 * tape records nothing for computations that see only frozen parameters and untracked inputs,
 * and frozen batch norm layers normalise with their running statistics.
 */
package dev.graft.nn;
