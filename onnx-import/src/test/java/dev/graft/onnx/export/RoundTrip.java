package dev.graft.onnx.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.graft.engine.GradMode;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import dev.graft.nn.optim.Adam;
import dev.graft.nn.optim.AdamW;
import dev.graft.onnx.OnnxImporter;
import dev.graft.onnx.OnnxModel;
import dev.graft.onnx.Value;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Checks an exported file against the in-memory model it came from, through two independent
 * readers: ONNX Runtime (the reference) and graft's own importer.
 */
final class RoundTrip {

    /** Both the absolute and the relative part of the tolerance: |got - want| <= TOL * (1 + |want|). */
    static final double TOL = 1e-5;

    private RoundTrip() {
    }

    /**
     * Asserts that {@code got} matches {@code want} within {@link #TOL} (abs + rel).
     *
     * @return the largest |got - want| / (1 + |want|) seen, for reporting
     */
    static double assertClose(String what, float[] want, int[] wantShape, float[] got, int[] gotShape, double tol) {
        assertArrayEquals(wantShape, gotShape, what + ": shape");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i]));
            if (!(err <= worst)) {
                worst = err;
                at = i;
            }
        }
        final int where = at;
        final double w = worst;
        assertTrue(worst <= tol, () -> what + ": element " + where + " differs by " + w + " (relative to 1 + |x|), above "
                + tol + ": got " + got[where] + ", expected " + want[where]);
        return worst;
    }

    /** Runs the exported bytes in ONNX Runtime on named float or int64 inputs; returns the first output. */
    static Tensor ort(byte[] model, Map<String, Value> inputs) throws OrtException {
        return ort(model, List.of(inputs)).get(0);
    }

    /** Runs the bytes in one ONNX Runtime session on each input set; returns the first output of each. */
    static List<Tensor> ort(byte[] model, List<Map<String, Value>> inputSets) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<Tensor> results = new ArrayList<>();
        try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions())) {
            for (Map<String, Value> inputs : inputSets) {
                Map<String, OnnxTensor> feed = new HashMap<>();
                try {
                    for (var e : inputs.entrySet()) {
                        long[] shape = Arrays.stream(e.getValue().shape()).asLongStream().toArray();
                        feed.put(e.getKey(), switch (e.getValue().kind()) {
                            case FLOAT -> OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue().floatTensor().toArray()),
                                    shape);
                            case INT -> OnnxTensor.createTensor(env, LongBuffer.wrap(e.getValue().longTensor().toArray()),
                                    shape);
                            default -> throw new IllegalArgumentException("unsupported test input " + e.getValue());
                        });
                    }
                    try (OrtSession.Result r = s.run(feed)) {
                        OnnxTensor out = (OnnxTensor) r.get(0);
                        int[] shape = Arrays.stream(out.getInfo().getShape()).mapToInt(d -> (int) d).toArray();
                        FloatBuffer fb = out.getFloatBuffer();
                        float[] v = new float[fb.remaining()];
                        fb.get(v);
                        results.add(Tensor.of(v, shape));
                    }
                } finally {
                    for (OnnxTensor t : feed.values()) {
                        t.close();
                    }
                }
            }
        }
        return results;
    }

    /** Runs graft's importer on the exported bytes, in eval mode; returns the first output. */
    static Tensor graft(byte[] model, Map<String, Value> inputs) {
        return graft(model, List.of(inputs)).get(0);
    }

    /** Imports the bytes once and runs them, in eval mode, on each input set; returns the first output of each. */
    static List<Tensor> graft(byte[] model, List<Map<String, Value>> inputSets) {
        OnnxModel m = OnnxImporter.load(model);
        m.eval();
        List<Tensor> results = new ArrayList<>();
        try (var ignored = GradMode.noGrad()) {
            for (Map<String, Value> inputs : inputSets) {
                results.add(m.run(inputs).get(m.outputNames().get(0)).floatTensor());
            }
        }
        return results;
    }

    /**
     * Compares ONNX Runtime and graft's importer on the file with the in-memory model for each input set.
     *
     * @param expected computes the in-memory output for an input set (eval mode, no gradient)
     * @return the largest relative difference seen
     */
    static double check(String what, byte[] model, List<Map<String, Value>> inputSets,
                        Function<Map<String, Value>, Tensor> expected) throws OrtException {
        List<Tensor> viaOrt = ort(model, inputSets);
        List<Tensor> viaGraft = graft(model, inputSets);
        double worst = 0;
        for (int i = 0; i < inputSets.size(); i++) {
            Map<String, Value> in = inputSets.get(i);
            Tensor want;
            try (var ignored = GradMode.noGrad()) {
                want = expected.apply(in);
            }
            String label = what + " at input shape " + Arrays.toString(in.values().iterator().next().shape());
            worst = Math.max(worst, assertClose(label + " (ONNX Runtime)", want.toArray(), want.shape(),
                    viaOrt.get(i).toArray(), viaOrt.get(i).shape(), TOL));
            worst = Math.max(worst, assertClose(label + " (graft importer)", want.toArray(), want.shape(),
                    viaGraft.get(i).toArray(), viaGraft.get(i).shape(), TOL));
        }
        return worst;
    }

    /** One float input. */
    static Map<String, Value> input(String name, Tensor x) {
        Map<String, Value> m = new LinkedHashMap<>();
        m.put(name, Value.of(x));
        return m;
    }

    /** Integer token inputs. */
    static Value ids(long[] v, int... shape) {
        return Value.of(LongTensor.of(v, shape));
    }

    /**
     * A few AdamW steps on random data in training mode (BatchNorm statistics move too), then eval
     * mode: the exported file must carry these values, not the ones the model was built or loaded with.
     *
     * @param loss the scalar loss of one random batch
     */
    static void train(Module model, int steps, Supplier<Tensor> loss) {
        AdamW opt = new AdamW(model, new Adam.Options().lr(0.05).weightDecay(0.01));
        model.train();
        for (int i = 0; i < steps; i++) {
            opt.zeroGrad();
            loss.get().backward();
            opt.step();
        }
        model.eval();
    }
}
