package dev.graft.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Each fused inference op against the composed ops it replaces, on contiguous and permuted
 * inputs, with and without bias or mask, on one thread and on several.
 */
class FusedOpsTest {

    private static void close(Tensor expected, Tensor got, float tol) {
        assertArrayEquals(expected.shape(), got.shape());
        float[] e = expected.toArray();
        float[] g = got.toArray();
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            worst = Math.max(worst, Math.abs(e[i] - g[i]) / Math.max(1, Math.abs(e[i])));
        }
        assertTrue(worst <= tol, "max difference " + worst);
    }

    @Test
    void linearMatchesMatmulPlusBias() {
        try (var ignored = GradMode.noGrad()) {
            Tensor x = Tensor.randn(1, 3, 7, 40);
            Tensor w = Tensor.randn(2, 40, 24);
            Tensor b = Tensor.randn(3, 24);
            close(x.matmul(w).add(b), FusedOps.linear(x, w, b), 1e-5f);
            close(x.matmul(w), FusedOps.linear(x, w, null), 1e-5f);
            Tensor wt = Tensor.randn(4, 24, 40).transpose(0, 1);
            Tensor xt = Tensor.randn(5, 40, 7).transpose(0, 1);
            close(xt.matmul(wt).add(b), FusedOps.linear(xt, wt, b), 1e-5f);
            Tensor strided = Tensor.randn(6, 40, 48).slice(1, 0, 48, 2);
            close(x.matmul(strided), FusedOps.linear(x, strided, null), 1e-5f);
        }
    }

    private static Tensor composedAttention(Tensor q, Tensor k, Tensor v, float scale, Tensor mask) {
        Tensor s = q.matmul(k).mul(scale);
        if (mask != null) {
            s = s.add(mask);
        }
        return s.softmax(-1).matmul(v);
    }

    @Test
    void attentionMatchesTheComposedOps() {
        int previous = Parallel.threads();
        try (var ignored = GradMode.noGrad()) {
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                // BERT's layout: [B, T, H, d] projections permuted to [B, H, T, d] and [B, H, d, S]
                Tensor q = Tensor.randn(1, 2, 9, 3, 8).permute(0, 2, 1, 3);
                Tensor k = Tensor.randn(2, 2, 11, 3, 8).permute(0, 2, 3, 1);
                Tensor v = Tensor.randn(3, 2, 11, 3, 5).permute(0, 2, 1, 3);
                float[] m = new float[2 * 11];
                for (int j = 8; j < 11; j++) {
                    m[j] = -3.4028235e38f;
                }
                Tensor mask = Tensor.of(m, 2, 1, 1, 11);
                float scale = (float) (1 / Math.sqrt(8));
                close(composedAttention(q, k, v, scale, mask), FusedOps.attention(q, k, v, scale, mask), 2e-5f);
                close(composedAttention(q, k, v, scale, null), FusedOps.attention(q, k, v, scale, null), 2e-5f);
                Tensor qc = Tensor.randn(4, 4, 17, 16);
                Tensor kc = Tensor.randn(5, 4, 16, 33);
                Tensor vc = Tensor.randn(6, 4, 33, 7);
                Tensor fullMask = Tensor.randn(7, 4, 17, 33);
                close(composedAttention(qc, kc, vc, 0.3f, fullMask), FusedOps.attention(qc, kc, vc, 0.3f, fullMask), 2e-5f);
            }
        } finally {
            Parallel.setThreads(previous);
        }
    }

    @Test
    void attentionByTokenIsAttentionWithItsHeadsMerged() {
        int previous = Parallel.threads();
        try (var ignored = GradMode.noGrad()) {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                Tensor q = Tensor.randn(11, 2, 9, 3, 8).permute(0, 2, 1, 3);
                Tensor k = Tensor.randn(12, 2, 11, 3, 8).permute(0, 2, 3, 1);
                Tensor v = Tensor.randn(13, 2, 11, 3, 5).permute(0, 2, 1, 3);
                Tensor mask = Tensor.randn(14, 2, 1, 1, 11);
                Tensor merged = FusedOps.attentionByToken(q, k, v, 0.4f, mask);
                assertArrayEquals(new int[] {2, 9, 3, 5}, merged.shape());
                assertTrue(merged.isContiguous());
                // the same products in another place: equal bit for bit
                assertArrayEquals(FusedOps.attention(q, k, v, 0.4f, mask).permute(0, 2, 1, 3).toArray(), merged.toArray());
            }
        } finally {
            Parallel.setThreads(previous);
        }
        try (var ignored = GradMode.noGrad()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FusedOps.attentionByToken(Tensor.randn(1, 3, 4), Tensor.randn(2, 3, 4, 5), Tensor.randn(3, 3, 5, 2), 1f, null));
            assertTrue(e.getMessage().contains("expected q [batch, heads, T, d]"), e.getMessage());
        }
    }

    @Test
    void attentionOnMaskedPaddingIgnoresIt() {
        try (var ignored = GradMode.noGrad()) {
            Tensor q = Tensor.randn(8, 1, 4, 6);
            Tensor k = Tensor.randn(9, 1, 6, 5);
            Tensor v = Tensor.randn(10, 1, 5, 3);
            Tensor mask = Tensor.of(new float[] {0, 0, 0, -3.4028235e38f, -3.4028235e38f}, 5);
            Tensor padded = FusedOps.attention(q, k, v, 0.5f, mask);
            Tensor trimmed = FusedOps.attention(q, k.slice(2, 0, 3, 1), v.slice(1, 0, 3, 1).reshape(1, 3, 3), 0.5f, null);
            close(trimmed.reshape(1, 4, 3), padded.reshape(1, 4, 3), 1e-6f);
        }
    }

    @Test
    void geluIsTheComposedErfFormBitForBit() {
        try (var ignored = GradMode.noGrad()) {
            Tensor x = Tensor.randn(11, 3, 5001).mul(3f);
            Tensor expected = x.mul(x.div(1.4142135f).erf().add(1f)).mul(0.5f);
            assertArrayEquals(expected.toArray(), FusedOps.gelu(x).toArray(), 0f);
            Tensor t = x.transpose(0, 1);
            assertArrayEquals(t.mul(t.div(1.4142135f).erf().add(1f)).mul(0.5f).toArray(), FusedOps.gelu(t).toArray(), 0f);
        }
    }

    @Test
    void linearGeluIsLinearThenGelu() {
        try (var ignored = GradMode.noGrad()) {
            Tensor x = Tensor.randn(16, 3, 50, 40);
            Tensor w = Tensor.randn(17, 40, 96);
            Tensor b = Tensor.randn(18, 96);
            assertArrayEquals(FusedOps.gelu(FusedOps.linear(x, w, b)).toArray(), FusedOps.linearGelu(x, w, b).toArray(), 0f);
        }
    }

    @Test
    void feedForwardIsLinearGeluThenLinearBitForBit() {
        int threads = Parallel.threads();
        try (var ignored = GradMode.noGrad()) {
            // 291 rows: three and a half blocks of FEED_FORWARD_ROWS on one thread, split unevenly on three
            Tensor x = Tensor.randn(19, 3, 97, 40);
            Tensor w1 = Tensor.randn(20, 40, 160).mul(0.2f);
            Tensor b1 = Tensor.randn(21, 160);
            Tensor w2t = Tensor.randn(22, 24, 160).mul(0.1f).transpose(0, 1);
            Tensor b2 = Tensor.randn(23, 24);
            float[] expected = FusedOps.linear(FusedOps.linearGelu(x, w1, b1), w2t, b2).toArray();
            for (int t : new int[] {1, 2, 3}) {
                Parallel.setThreads(t);
                Tensor y = FusedOps.feedForward(x, w1, b1, w2t, b2);
                assertArrayEquals(new int[] {3, 97, 24}, y.shape());
                assertArrayEquals(expected, y.toArray(), 0f, t + " threads");
            }
            assertArrayEquals(FusedOps.linear(FusedOps.linearGelu(x, w1, null), w2t, null).toArray(),
                    FusedOps.feedForward(x, w1, null, w2t, null).toArray(), 0f);
            // one row, and weights being trained (read as they are, never packed for good)
            Tensor row = x.slice(1, 0, 1, 1).slice(0, 0, 1, 1);
            assertArrayEquals(FusedOps.linear(FusedOps.linearGelu(row, w1, b1), w2t, b2).toArray(),
                    FusedOps.feedForward(row, w1, b1, w2t, b2).toArray(), 0f);
            Tensor trained = Tensor.randn(24, 40, 160).requiresGrad(true);
            assertArrayEquals(FusedOps.linear(FusedOps.linearGelu(x, trained, b1), w2t, b2).toArray(),
                    FusedOps.feedForward(x, trained, b1, w2t, b2).toArray(), 0f);
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test
    void feedForwardRefusesWeightsThatDoNotChain() {
        try (var ignored = GradMode.noGrad()) {
            Tensor x = Tensor.randn(25, 4, 8);
            Tensor w1 = Tensor.randn(26, 8, 16);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FusedOps.feedForward(x, w1, null, Tensor.randn(27, 15, 8), null));
            assertTrue(e.getMessage().contains("w2 [16, N]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> FusedOps.feedForward(x, w1, Tensor.randn(28, 8), w1, null));
            assertThrows(IllegalArgumentException.class,
                    () -> FusedOps.feedForward(x, w1, null, Tensor.randn(29, 16, 8), Tensor.randn(30, 9)));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> FusedOps.feedForward(
                Tensor.randn(31, 4, 8).requiresGrad(true), Tensor.randn(32, 8, 16), null, Tensor.randn(33, 16, 8), null));
        assertTrue(e.getMessage().contains("feedForward"), e.getMessage());
    }

    @Test
    void layerNormOfAResidualSumNormalisesTheSum() {
        try (var ignored = GradMode.noGrad()) {
            Tensor x = Tensor.randn(19, 4, 7, 384);
            Tensor r = Tensor.randn(20, 4, 7, 384);
            Tensor w = Tensor.randn(21, 384);
            Tensor b = Tensor.randn(22, 384);
            assertArrayEquals(FusedOps.layerNorm(x.add(r), w, b, 1e-12f).toArray(),
                    FusedOps.layerNorm(x, r, w, b, 1e-12f).toArray(), 0f);
            assertThrows(IllegalArgumentException.class, () -> FusedOps.layerNorm(x, Tensor.randn(1, 384), w, b, 1e-5f));
        }
    }

    @Test
    void layerNormMatchesTheComposedOps() {
        try (var ignored = GradMode.noGrad()) {
            for (int d : new int[] {384, 37}) {
                Tensor x = Tensor.randn(12, 5, 6, d).mul(2f).add(1f);
                Tensor w = Tensor.randn(13, d);
                Tensor b = Tensor.randn(14, d);
                Tensor c = x.sub(x.mean(new int[] {-1}, true));
                Tensor expected = c.div(c.square().mean(new int[] {-1}, true).add(1e-12f).sqrt()).mul(w).add(b);
                close(expected, FusedOps.layerNorm(x, w, b, 1e-12f), 2e-5f);
                close(c.div(c.square().mean(new int[] {-1}, true).add(1e-5f).sqrt()), FusedOps.layerNorm(x, null, null, 1e-5f), 2e-5f);
            }
        }
    }

    @Test
    void interpretedAndCompiledRunsAgreeBitForBit() throws Exception {
        long compiled = 0;
        for (int i = 0; i < 300; i++) {
            compiled = FusedOpsProbe.fingerprint();
        }
        java.util.List<String> command = java.util.List.of(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-Xint", "-Dgraft.threads=2", "-cp",
                System.getProperty("java.class.path"), FusedOpsProbe.class.getName(), "1");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES), "probe did not finish");
        assertEquals(0, p.exitValue(), "probe failed:\n" + out);
        String interpreted = out.lines().filter(l -> !l.startsWith("WARNING")).findFirst().orElse("");
        assertEquals(Long.toHexString(compiled), interpreted, "interpreter vs compiled fused ops");
    }

    @Test
    void refusesInputsThatNeedAGradientAndBadShapes() {
        Tensor x = Tensor.randn(15, 2, 3).requiresGrad(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> FusedOps.gelu(x));
        assertTrue(e.getMessage().contains("records no gradient"), e.getMessage());
        try (var ignored = GradMode.noGrad()) {
            assertEquals(2, FusedOps.gelu(x).dim());
            assertThrows(IllegalArgumentException.class, () -> FusedOps.linear(x, Tensor.randn(1, 4, 2), null));
            assertThrows(IllegalArgumentException.class,
                    () -> FusedOps.attention(Tensor.randn(1, 2, 3), Tensor.randn(2, 2, 4), Tensor.randn(3, 3, 2), 1f, null));
            assertThrows(IllegalArgumentException.class, () -> FusedOps.layerNorm(x, Tensor.randn(1, 2), null, 1e-5f));
        }
    }
}
