package dev.graft.engine;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Recycles the storage of an inference graph's intermediate results from one op to the next and
 * from one run to the next, so a model run over and over (a sentence encoder over batches, say)
 * stops allocating, zeroing and garbage-collecting tens of megabytes per layer.
 *
 * <p>A graph runner opens the workspace on its thread for the length of a run ({@link #open()}).
 * While it is open, the fused inference kernels of {@link FusedOps}, which write every element of
 * their result, take their result's array from it. The runner reports each time one of its value
 * slots starts or stops holding a tensor ({@link #hold}, {@link #letGo}); an array goes back to
 * the workspace when no slot holds a tensor on it any more, views included, and the next result of
 * that size reuses it. Arrays still held when the run ends (its outputs) are given up for good and
 * never reused. Arrays of sizes the run did not ask for are dropped then, so the workspace keeps at
 * most what one run of the same shapes needs.
 *
 * <p>A workspace serves one run at a time; concurrent runs need one each.
 */
public final class Workspace {

    private static final ThreadLocal<Workspace> OPEN = new ThreadLocal<>();

    /** Arrays ready for reuse, by length. */
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    /** Arrays handed out during the open run, with the number of slots that hold a tensor on each. */
    private final Map<float[], int[]> handedOut = new IdentityHashMap<>();
    /** Lengths asked for during the open run. */
    private final Set<Integer> asked = new HashSet<>();
    private long reused;
    private long allocated;
    private boolean busy;

    /** The scope of one run; closing it ends the run. */
    public final class Run implements AutoCloseable {
        private final Workspace previous;
        private boolean closed;

        private Run(Workspace previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            synchronized (Workspace.this) {
                if (closed) {
                    return;
                }
                closed = true;
                if (previous == null) {
                    OPEN.remove();
                } else {
                    OPEN.set(previous);
                }
                // What is still held left the run (its outputs) or is dead but unreported: never reuse it.
                handedOut.clear();
                free.keySet().retainAll(asked);
                asked.clear();
                busy = false;
            }
        }
    }

    /**
     * Makes this workspace the one {@link FusedOps} takes result arrays from on this thread until
     * the returned run is closed.
     *
     * @throws IllegalStateException if this workspace is already open (on any thread)
     */
    public synchronized Run open() {
        if (busy) {
            throw new IllegalStateException("Workspace.open: this workspace already serves a run; use one per concurrent run");
        }
        busy = true;
        Run run = new Run(OPEN.get());
        OPEN.set(this);
        return run;
    }

    /**
     * An array of {@code n} floats for a kernel that writes every element: reused from the open
     * workspace on this thread if there is one, else new. Its contents are unspecified.
     */
    static float[] floats(int n) {
        Workspace w = OPEN.get();
        return w == null ? new float[n] : w.take(n);
    }

    private float[] take(int n) {
        asked.add(n);
        ArrayDeque<float[]> ready = free.get(n);
        float[] a = ready == null ? null : ready.poll();
        if (a == null) {
            a = new float[n];
            allocated++;
        } else {
            reused++;
        }
        handedOut.put(a, new int[1]);
        return a;
    }

    /**
     * Reports that one more slot holds {@code t} (or a view sharing its storage).
     *
     * @param t a tensor, or null (ignored)
     */
    public void hold(Tensor t) {
        int[] holders = t == null ? null : handedOut.get(t.data);
        if (holders != null) {
            holders[0]++;
        }
    }

    /**
     * Reports that a slot no longer holds {@code t}; when no slot holds a tensor on its storage,
     * the storage is reused by the next result of its size.
     *
     * @param t a tensor, or null (ignored)
     */
    public void letGo(Tensor t) {
        int[] holders = t == null ? null : handedOut.get(t.data);
        if (holders == null) {
            return;
        }
        if (--holders[0] <= 0) {
            handedOut.remove(t.data);
            free.computeIfAbsent(t.data.length, n -> new ArrayDeque<>()).push(t.data);
        }
    }

    /** @return how many result arrays were reused rather than allocated, over this workspace's life */
    public long reused() {
        return reused;
    }

    /** @return how many result arrays had to be allocated, over this workspace's life */
    public long allocated() {
        return allocated;
    }
}
