package dev.graft.engine;

/**
 * Whether ops record themselves on the autograd tape. Recording is on by default and is a
 * per-thread setting, so an inference thread never disturbs a training thread.
 *
 * <pre>{@code
 * try (var ignored = GradMode.noGrad()) {
 *     Tensor y = model(x);   // records nothing, keeps no inputs alive
 * }
 * }</pre>
 */
public final class GradMode {

    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {
    }

    /** A scope that restores the previous mode when closed. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** @return whether ops on this thread record gradients */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** @return a scope in which nothing is recorded on this thread */
    public static Scope noGrad() {
        return set(false);
    }

    /** @return a scope in which recording is on again, e.g. inside a {@link #noGrad()} scope */
    public static Scope enableGrad() {
        return set(true);
    }

    private static Scope set(boolean on) {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = on;
        return () -> flag[0] = previous;
    }
}
