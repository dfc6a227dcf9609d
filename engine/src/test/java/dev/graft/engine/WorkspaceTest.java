package dev.graft.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A {@link Workspace} hands a fused kernel's result array to the next result only once nothing
 * holds it; these tests check that a held array, a view's array or a run's output is never
 * overwritten, and that recycled arrays give the same values as fresh ones.
 */
class WorkspaceTest {

    private static float[] fresh(Tensor x) {
        try (var noGrad = GradMode.noGrad()) {
            return FusedOps.gelu(x).toArray();
        }
    }

    @Test
    void aResultNothingHoldsIsReusedWithTheRightValues() {
        Tensor a = Tensor.randn(1, 4, 33);
        Tensor b = Tensor.randn(2, 4, 33);
        float[] expected = fresh(b);
        Workspace ws = new Workspace();
        try (var noGrad = GradMode.noGrad(); var run = ws.open()) {
            Tensor first = FusedOps.gelu(a);
            ws.hold(first);
            ws.letGo(first);
            Tensor second = FusedOps.gelu(b);
            assertSame(first.data, second.data, "the array nothing held was not reused");
            assertArrayEquals(expected, second.toArray());
        }
        assertEquals(1, ws.reused());
        assertEquals(1, ws.allocated());
    }

    @Test
    void anArrayIsKeptWhileAViewOfItIsHeld() {
        Tensor a = Tensor.randn(3, 4, 8);
        float[] expected = fresh(a);
        Workspace ws = new Workspace();
        try (var noGrad = GradMode.noGrad(); var run = ws.open()) {
            Tensor first = FusedOps.gelu(a);
            Tensor view = first.reshape(32);
            ws.hold(first);
            ws.hold(view);
            ws.letGo(first);
            Tensor second = FusedOps.gelu(Tensor.randn(4, 4, 8));
            assertNotSame(first.data, second.data, "an array a view still held was handed out again");
            assertArrayEquals(expected, view.toArray());
            ws.letGo(view);
            assertSame(first.data, FusedOps.gelu(a).data, "the array was not reused once the view let go");
        }
    }

    @Test
    void whatARunStillHoldsAtItsEndIsNeverReused() {
        Tensor a = Tensor.randn(5, 64);
        Workspace ws = new Workspace();
        Tensor output;
        try (var noGrad = GradMode.noGrad()) {
            try (var run = ws.open()) {
                output = FusedOps.gelu(a);
                ws.hold(output);
            }
            try (var run = ws.open()) {
                Tensor next = FusedOps.gelu(Tensor.randn(6, 64));
                assertNotSame(output.data, next.data, "a run's output was reused by the next run");
                // reporting the old output now must not free it either: the workspace forgot it
                ws.letGo(output);
                assertNotSame(output.data, FusedOps.gelu(Tensor.randn(7, 64)).data);
            }
        }
        assertArrayEquals(fresh(a), output.toArray());
    }

    @Test
    void arraysComeBackFromOneRunToTheNextOfTheSameSizes() {
        Workspace ws = new Workspace();
        try (var noGrad = GradMode.noGrad()) {
            for (int i = 0; i < 3; i++) {
                try (var run = ws.open()) {
                    Tensor y = FusedOps.gelu(Tensor.randn(i, 16, 16));
                    ws.hold(y);
                    ws.letGo(y);
                }
            }
            assertEquals(1, ws.allocated());
            assertEquals(2, ws.reused());
            // a run that does not ask for 256 floats drops them; a later one allocates anew
            try (var run = ws.open()) {
                ws.letGo(FusedOps.gelu(Tensor.randn(9, 8)));
            }
            try (var run = ws.open()) {
                FusedOps.gelu(Tensor.randn(10, 16, 16));
            }
        }
        assertEquals(3, ws.allocated());
    }

    @Test
    void withoutAnOpenWorkspaceEveryResultIsNew() {
        Tensor a = Tensor.randn(11, 8, 8);
        try (var noGrad = GradMode.noGrad()) {
            assertNotSame(FusedOps.gelu(a).data, FusedOps.gelu(a).data);
        }
    }

    @Test
    void aRecycledArrayIsOverwrittenEvenWhereAKernelHasNothingToCompute() {
        Workspace ws = new Workspace();
        float[] nan = new float[2 * 3 * 4];
        Arrays.fill(nan, Float.NaN);
        try (var noGrad = GradMode.noGrad(); var run = ws.open()) {
            Tensor garbage = FusedOps.gelu(Tensor.of(nan, 2, 3, 4));
            ws.letGo(garbage);
            // attention over zero keys: q [2, 3, 5], k [2, 5, 0], v [2, 0, 4] gives zeros [2, 3, 4]
            Tensor out = FusedOps.attention(Tensor.randn(12, 2, 3, 5), Tensor.zeros(2, 5, 0), Tensor.zeros(2, 0, 4), 1f, null);
            assertSame(garbage.data, out.data);
            assertArrayEquals(new float[2 * 3 * 4], out.toArray());
            ws.letGo(out);
            // a linear layer with k = 0 and no bias: zeros as well
            Tensor lin = FusedOps.linear(Tensor.zeros(2, 3, 0), Tensor.zeros(0, 4), null);
            assertSame(garbage.data, lin.data);
            assertArrayEquals(new float[2 * 3 * 4], lin.toArray());
        }
    }

    @Test
    void aWorkspaceServesOneRunAtATime() {
        Workspace ws = new Workspace();
        try (var run = ws.open()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, ws::open);
            assertEquals("Workspace.open: this workspace already serves a run; use one per concurrent run", e.getMessage());
        }
        try (var again = ws.open()) {
            assertEquals(0, ws.reused());
        }
    }
}
