package dev.graft.engine.kernels;

import jdk.incubator.vector.FloatVector;

/**
 * Horizontal sums in a fixed order. {@code reduceLanes(ADD)} on floats may add the lanes in any
 * order, and the interpreter, C1 and C2 do pick different ones, so the same training run could
 * differ in the last bit before and after the JIT compiled a kernel. Adding lane by lane from
 * lane 0 makes every result independent of the compilation state: seeded runs repeat exactly.
 */
final class Lanes {

    private Lanes() {
    }

    /** @return the lanes of {@code v} added from lane 0 upwards */
    static float sum(FloatVector v) {
        float s = v.lane(0);
        for (int i = 1; i < v.length(); i++) {
            s += v.lane(i);
        }
        return s;
    }
}
