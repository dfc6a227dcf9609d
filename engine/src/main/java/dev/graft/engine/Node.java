package dev.graft.engine;

/**
 * One entry on the autograd tape: the op that made a tensor, its inputs, and the closure that
 * turns the output's gradient into the inputs' gradients.
 *
 * @param op name of the op, for error messages and debugging
 * @param inputs the tensors the op read
 * @param backward computes one gradient per input (null where an input needs none)
 */
record Node(String op, Tensor[] inputs, Backward backward) {

    /** The backward closure of an op. Runs with recording off. */
    @FunctionalInterface
    interface Backward {
        /**
         * @param gradOutput gradient of the loss with respect to the op's output
         * @return gradients with respect to each input, same order, null where not needed
         */
        Tensor[] apply(Tensor gradOutput);
    }
}
