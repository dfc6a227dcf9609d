package dev.graft.engine.golden;

import dev.graft.engine.BoolTensor;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One golden case written by scripts/golden/make_engine_golden.py (the format is described
 * there): the op, its attributes, its inputs, and PyTorch's outputs, upstream gradients and input
 * gradients.
 */
final class GoldenCase {

    /** A stored value: its dtype, shape and values (bool as 0/1, long exact up to 2^53). */
    record Value(String dtype, int[] shape, double[] values) {
        Tensor asFloat() {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            return Tensor.of(f, shape);
        }

        LongTensor asLong() {
            long[] l = new long[values.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = (long) values[i];
            }
            return LongTensor.of(l, shape);
        }

        BoolTensor asBool() {
            boolean[] b = new boolean[values.length];
            for (int i = 0; i < b.length; i++) {
                b[i] = values[i] != 0;
            }
            return BoolTensor.of(b, shape);
        }
    }

    final String name;
    String op;
    final Map<String, double[]> attrs = new LinkedHashMap<>();
    final Map<String, Value> inputs = new LinkedHashMap<>();
    final List<String> transposed = new ArrayList<>();
    final List<Value> outputs = new ArrayList<>();
    final List<Value> upstream = new ArrayList<>();
    final Map<String, Value> grads = new LinkedHashMap<>();

    private GoldenCase(String name) {
        this.name = name;
    }

    static GoldenCase read(Path file) throws IOException {
        String fileName = file.getFileName().toString();
        GoldenCase c = new GoldenCase(fileName.substring(0, fileName.length() - ".txt".length()));
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            String[] t = line.split(" ");
            switch (t[0]) {
                case "op" -> c.op = t[1];
                case "attr" -> c.attrs.put(t[1], numbers(t, 2));
                case "input" -> c.inputs.put(t[1], value(t[2], t[3], t, 4));
                case "transposed" -> c.transposed.add(t[1]);
                case "output" -> c.outputs.add(value(t[1], t[2], t, 3));
                case "upstream" -> c.upstream.add(value("float", t[1], t, 2));
                case "grad" -> c.grads.put(t[1], value("float", t[2], t, 3));
                default -> throw new IOException(file + ": unknown record '" + t[0] + "'");
            }
        }
        if (c.op == null) {
            throw new IOException(file + ": no op record");
        }
        return c;
    }

    private static Value value(String dtype, String shapeToken, String[] t, int from) {
        int[] shape = shapeToken.equals("-") ? new int[0]
                : java.util.Arrays.stream(shapeToken.split(",")).mapToInt(Integer::parseInt).toArray();
        return new Value(dtype, shape, numbers(t, from));
    }

    private static double[] numbers(String[] t, int from) {
        double[] v = new double[t.length - from];
        for (int i = 0; i < v.length; i++) {
            v[i] = Double.parseDouble(t[from + i]);
        }
        return v;
    }

    int intAttr(String key) {
        return (int) attr(key)[0];
    }

    float floatAttr(String key) {
        return (float) attr(key)[0];
    }

    int[] intsAttr(String key) {
        return java.util.Arrays.stream(attr(key)).mapToInt(d -> (int) d).toArray();
    }

    private double[] attr(String key) {
        double[] v = attrs.get(key);
        if (v == null) {
            throw new IllegalStateException(name + ": missing attribute " + key);
        }
        return v;
    }
}
