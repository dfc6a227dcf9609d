package dev.graft.engine;

/** The elementwise comparisons that produce a {@link BoolTensor}. */
enum Comparison {
    EQ, LT, LE, GT, GE;

    boolean test(float a, float b) {
        return switch (this) {
            case EQ -> a == b;
            case LT -> a < b;
            case LE -> a <= b;
            case GT -> a > b;
            case GE -> a >= b;
        };
    }
}
