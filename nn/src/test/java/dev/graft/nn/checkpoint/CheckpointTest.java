package dev.graft.nn.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import dev.graft.nn.Parameter;
import dev.graft.nn.optim.Adam;
import dev.graft.nn.optim.AdamW;
import dev.graft.nn.optim.SGD;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @TempDir
    Path dir;

    /** A tiny model with a parameter and a buffer that training changes. */
    static final class Tiny extends Module {
        final Parameter w;

        Tiny(int n) {
            w = registerParameter("w", Tensor.rand(1, n));
            registerBuffer("count", Tensor.zeros(1));
        }

        @Override
        public Tensor forward(Tensor x) {
            setBuffer("count", buffer("count").add(1f));
            return x.mul(w.value());
        }
    }

    private static void trainStep(Tiny m, AdamW opt) {
        opt.zeroGrad();
        m.forward(Tensor.of(new float[] {1f, -2f, 0.5f}, 3)).square().sum().backward();
        opt.step();
    }

    @Test
    void moduleAndOptimizerRoundTripAndTrainingContinuesIdentically() throws IOException {
        Tiny a = new Tiny(3);
        AdamW optA = new AdamW(a, new Adam.Options().lr(0.1));
        trainStep(a, optA);
        trainStep(a, optA);
        optA.paramGroups().get(0).setLr(0.1 / 3);
        optA.paramGroups().get(0).setMomentum(0.875);
        Path p = dir.resolve("ckpt.safetensors");
        Checkpoint.save(p, a, optA, Map.of("epoch", "2"));

        Tiny b = new Tiny(3);
        AdamW optB = new AdamW(b, new Adam.Options().lr(0.1));
        Map<String, String> meta = Checkpoint.load(p, b, optB);
        assertEquals("2", meta.get("epoch"));
        assertEquals(0.1 / 3, optB.paramGroups().get(0).lr(), "the learning rate is restored exactly");
        assertEquals(0.875, optB.paramGroups().get(0).momentum(), "the momentum (beta1) is restored");
        assertEquals(optA.stateDict().keySet(), optB.stateDict().keySet());
        assertArrayEquals(a.w.value().toArray(), b.w.value().toArray());
        assertArrayEquals(new float[] {2f}, b.namedBuffers().get("count").toArray());
        trainStep(a, optA);
        trainStep(b, optB);
        assertArrayEquals(a.w.value().toArray(), b.w.value().toArray());
    }

    @Test
    void mismatchesAreListedPrecisely() throws IOException {
        Path p = dir.resolve("ckpt.safetensors");
        Checkpoint.save(p, new Tiny(3), null, Map.of());
        var e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(p, new Tiny(4), null));
        assertTrue(e.getMessage().contains("w has shape [3] in the file, expected [4]"), e.getMessage());

        SafeTensors.write(p, Map.of("w", Tensor.zeros(3), "extra", Tensor.zeros(1)), Map.of(), Map.of());
        e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(p, new Tiny(3), null));
        assertTrue(e.getMessage().contains("unexpected extra"), e.getMessage());
        assertTrue(e.getMessage().contains("missing count"), e.getMessage());

        SafeTensors.write(p, Map.of("w", Tensor.zeros(3)), Map.of("count", LongTensor.of(new long[] {1}, 1)), Map.of());
        e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(p, new Tiny(3), null));
        assertTrue(e.getMessage().contains("count is I64 in the file, expected F32"), e.getMessage());
    }

    @Test
    void optimizerTypeAndPresenceAreChecked() throws IOException {
        Path p = dir.resolve("ckpt.safetensors");
        Tiny m = new Tiny(3);
        Checkpoint.save(p, m, new AdamW(m, new Adam.Options()), Map.of());
        Tiny other = new Tiny(3);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(p, other, new SGD(other, new SGD.Options())));
        assertTrue(e.getMessage().contains("holds AdamW state, expected SGD"), e.getMessage());
        Checkpoint.save(p, m, null, Map.of());
        Tiny third = new Tiny(3);
        e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(p, third, new AdamW(third, new Adam.Options())));
        assertTrue(e.getMessage().contains("holds no optimizer state"), e.getMessage());
    }
}
