package dev.graft.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector reductions of one contiguous row: sum, max, min and the index of the max or min. */
public final class ReduceKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private ReduceKernel() {
    }

    /** @return the sum of {@code x[off .. off+n)}, accumulated in four vector lanes sets to limit rounding drift */
    public static float sum(float[] x, int off, int n) {
        int i = 0;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        for (int end = n - 4 * L; i <= end; i += 4 * L) {
            a0 = a0.add(FloatVector.fromArray(S, x, off + i));
            a1 = a1.add(FloatVector.fromArray(S, x, off + i + L));
            a2 = a2.add(FloatVector.fromArray(S, x, off + i + 2 * L));
            a3 = a3.add(FloatVector.fromArray(S, x, off + i + 3 * L));
        }
        for (int end = S.loopBound(n); i < end; i += L) {
            a0 = a0.add(FloatVector.fromArray(S, x, off + i));
        }
        float s = Lanes.sum(a0.add(a1).add(a2.add(a3)));
        for (; i < n; i++) {
            s += x[off + i];
        }
        return s;
    }

    /** @return the largest of {@code x[off .. off+n)} (NaN if any is NaN), n &gt;= 1 */
    public static float max(float[] x, int off, int n) {
        int i = 0;
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int end = S.loopBound(n); i < end; i += L) {
            acc = acc.max(FloatVector.fromArray(S, x, off + i));
        }
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            float v = x[off + i];
            m = Float.isNaN(v) || Float.isNaN(m) ? Float.NaN : Math.max(m, v);
        }
        return m;
    }

    /** @return the smallest of {@code x[off .. off+n)} (NaN if any is NaN), n &gt;= 1 */
    public static float min(float[] x, int off, int n) {
        int i = 0;
        FloatVector acc = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
        for (int end = S.loopBound(n); i < end; i += L) {
            acc = acc.min(FloatVector.fromArray(S, x, off + i));
        }
        float m = acc.reduceLanes(VectorOperators.MIN);
        for (; i < n; i++) {
            float v = x[off + i];
            m = Float.isNaN(v) || Float.isNaN(m) ? Float.NaN : Math.min(m, v);
        }
        return m;
    }

    /**
     * @param largest true for argmax, false for argmin
     * @return the position (0-based, first on ties) of the extreme value of the row; a NaN wins
     */
    public static int argExtreme(float[] x, int off, int n, boolean largest) {
        int best = 0;
        float bv = x[off];
        for (int i = 1; i < n && !Float.isNaN(bv); i++) {
            float v = x[off + i];
            if (Float.isNaN(v) || (largest ? v > bv : v < bv)) {
                best = i;
                bv = v;
            }
        }
        return best;
    }
}
