package dev.graft.engine.kernels;

/**
 * Argument checks shared by the kernels' public entry points. Every operand is checked against its
 * array before any work starts, so a caller's mistake surfaces as an {@link IllegalArgumentException}
 * naming the kernel and the sizes, never as an {@link ArrayIndexOutOfBoundsException} from deep
 * inside a worker thread, and never after part of the output has been written.
 */
final class Checks {

    private Checks() {
    }

    /**
     * Checks a row-major {@code rows x cols} matrix stored from {@code off} with leading dimension
     * {@code ld}.
     */
    static void matrix(String kernel, String name, int length, int off, int rows, int cols, int ld) {
        if (off < 0) {
            throw new IllegalArgumentException(kernel + ": " + name + " offset must be >= 0, got " + off);
        }
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException(kernel + ": leading dimension of " + name + " must be >= max(1, "
                    + cols + ") for " + cols + " columns, got " + ld);
        }
        if (rows > 0 && cols > 0) {
            long end = off + (long) (rows - 1) * ld + cols;
            if (end > length) {
                throw new IllegalArgumentException(kernel + ": " + name + " is " + rows + "x" + cols
                        + " with leading dimension " + ld + " from offset " + off + ", needing " + end
                        + " elements, but its array has " + length);
            }
        }
    }

    /** Checks a vector of {@code count} elements stored from {@code off} every {@code inc}. */
    static void vector(String kernel, String name, int length, int off, int count, int inc) {
        if (off < 0) {
            throw new IllegalArgumentException(kernel + ": " + name + " offset must be >= 0, got " + off);
        }
        if (count > 0) {
            long end = off + (long) (count - 1) * inc + 1;
            if (end > length) {
                throw new IllegalArgumentException(kernel + ": " + name + " has " + count
                        + " elements with stride " + inc + " from offset " + off + ", needing " + end
                        + " elements, but its array has " + length);
            }
        }
    }

    /** Checks a contiguous block of {@code count} elements (as a long, so products cannot wrap). */
    static void block(String kernel, String name, int length, int off, long count) {
        if (off < 0) {
            throw new IllegalArgumentException(kernel + ": " + name + " offset must be >= 0, got " + off);
        }
        if (off + count > length) {
            throw new IllegalArgumentException(kernel + ": " + name + " needs " + count
                    + " elements from offset " + off + ", but its array has " + length);
        }
    }

    /** Checks that a size is at least {@code min}. */
    static void atLeast(String kernel, String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(kernel + ": " + name + " must be >= " + min + ", got " + value);
        }
    }
}
