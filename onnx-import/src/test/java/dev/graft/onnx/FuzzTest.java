package dev.graft.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.graft.engine.GradMode;
import dev.graft.onnx.proto.ModelReader;
import dev.graft.onnx.proto.TensorDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Mutates real model files from the ONNX backend test data (bit flips, overwritten bytes,
 * truncation, spliced bytes) and checks that loading and running each mutant either works or
 * ends in an {@link OnnxException} (or, for run-time input checks, an IllegalArgumentException):
 * never an OutOfMemoryError, a stack overflow, a hang or an unexplained runtime exception.
 * Bounded by a time budget so it stays cheap in CI.
 */
class FuzzTest {

    private static final Path DATA = Path.of("/usr/share/libonnx-testdata/data/node");
    private static final List<String> SEEDS = List.of("test_conv_with_strides_padding", "test_batchnorm_example",
            "test_resize_upsample_scales_linear", "test_reshape_reordered_all_dims", "test_gemm_all_attributes",
            "test_slice", "test_maxpool_2d_pads", "test_gather_0", "test_split_variable_parts_1d", "test_constant_pad",
            "test_layer_normalization_4d_axis0", "test_einsum_batch_matmul", "test_top_k", "test_onehot_with_axis",
            "test_expand_dim_changed", "test_constantofshape_int_zeros", "test_range_int32_type_negative_delta_expanded",
            "test_cumsum_2d_axis_1", "test_convtranspose_pads", "test_reduce_sum_keepdims_random");
    private static final long BUDGET_MILLIS = 10_000;
    private static final long PER_CASE_SECONDS = 10;

    @Test
    void mutatedModelsFailCleanly() throws Exception {
        if (!Files.isDirectory(DATA)) {
            fail("the ONNX backend test data is missing: install the Debian package libonnx-testdata");
        }
        List<byte[]> models = new ArrayList<>();
        List<List<Value>> inputs = new ArrayList<>();
        for (String s : SEEDS) {
            Path dir = DATA.resolve(s);
            models.add(Files.readAllBytes(dir.resolve("model.onnx")));
            List<Value> in = new ArrayList<>();
            for (int i = 0; Files.exists(dir.resolve("test_data_set_0/input_" + i + ".pb")); i++) {
                in.add(TensorDecoder.decode(ModelReader.readTensor(
                        Files.readAllBytes(dir.resolve("test_data_set_0/input_" + i + ".pb"))), null));
            }
            inputs.add(in);
        }
        Random rnd = new Random(Long.getLong("graft.fuzz.seed", 42));
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(null, r, "fuzz", 1 << 20);
            t.setDaemon(true);
            return t;
        });
        long end = System.currentTimeMillis() + BUDGET_MILLIS;
        int cases = 0;
        int loaded = 0;
        try {
            while (System.currentTimeMillis() < end) {
                int which = rnd.nextInt(models.size());
                byte[] mutant = mutate(models.get(which), rnd);
                List<Value> in = inputs.get(which);
                Future<Boolean> f = pool.submit(() -> tryModel(mutant, in));
                try {
                    loaded += f.get(PER_CASE_SECONDS, TimeUnit.SECONDS) ? 1 : 0;
                } catch (TimeoutException e) {
                    f.cancel(true);
                    fail("a mutant of " + SEEDS.get(which) + " did not finish within " + PER_CASE_SECONDS + " s");
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable c = e.getCause();
                    throw new AssertionError("a mutant of " + SEEDS.get(which) + " failed with " + c, c);
                }
                cases++;
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.println("fuzz: " + cases + " mutants, " + loaded + " loaded");
        assertTrue(cases > 100, "only " + cases + " mutants ran in the budget");
    }

    /** @return whether the mutant loaded */
    private static boolean tryModel(byte[] bytes, List<Value> in) {
        OnnxModel m;
        try {
            m = OnnxImporter.load(bytes);
        } catch (OnnxException expected) {
            return false;
        }
        m.eval();
        Map<String, Value> feed = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(in.size(), m.inputs().size()); i++) {
            feed.put(m.inputs().get(i).name(), in.get(i));
        }
        try (var ignored = GradMode.noGrad()) {
            m.run(feed);
        } catch (OnnxException e) {
            Throwable c = e.getCause();
            if (c instanceof NullPointerException || c instanceof ClassCastException
                    || c instanceof ArrayIndexOutOfBoundsException || c instanceof NegativeArraySizeException) {
                throw new AssertionError("unexplained failure inside " + e.getMessage(), c);
            }
            return true;
        } catch (IllegalArgumentException expected) {
            return true;
        }
        return true;
    }

    private static byte[] mutate(byte[] original, Random rnd) {
        byte[] b = original.clone();
        switch (rnd.nextInt(4)) {
            case 0 -> {
                for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                    int i = rnd.nextInt(b.length);
                    b[i] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 1 -> {
                for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
            }
            case 2 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            default -> {
                int at = rnd.nextInt(b.length);
                byte[] junk = new byte[1 + rnd.nextInt(8)];
                rnd.nextBytes(junk);
                byte[] out = new byte[b.length + junk.length];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(junk, 0, out, at, junk.length);
                System.arraycopy(b, at, out, at + junk.length, b.length - at);
                b = out;
            }
        }
        return b;
    }
}
