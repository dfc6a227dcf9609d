package dev.graft.engine.golden;

import dev.graft.engine.BoolTensor;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One golden case written by scripts/golden/make_engine_golden.py, whose docstring specifies the
 * format: the op, its attributes, its inputs (with the views the op reads them through), and
 * PyTorch's outputs, upstream gradients and input gradients.
 */
final class GoldenCase {

    /** A stored tensor: exactly one of the value arrays is set, according to {@code dtype}. */
    record Value(String dtype, int[] shape, float[] floats, long[] longs, boolean[] bools) {

        Tensor asFloat() {
            return Tensor.of(floats.clone(), shape);
        }

        LongTensor asLong() {
            return LongTensor.of(longs.clone(), shape);
        }

        BoolTensor asBool() {
            return BoolTensor.of(bools.clone(), shape);
        }
    }

    /** A view the op applies to an input before use, e.g. {@code transpose -1 -2}. */
    record View(String kind, int[] args) {
    }

    /** An output of the op, and the gradient fed to its backward pass (null if it has none). */
    record Output(Value value, Value upstream) {
    }

    final String name;
    private String op;
    private final Map<String, String[]> attrs = new LinkedHashMap<>();
    final Map<String, Value> inputs = new LinkedHashMap<>();
    final Map<String, List<View>> views = new LinkedHashMap<>();
    final List<Output> outputs = new ArrayList<>();
    final Map<String, Value> grads = new LinkedHashMap<>();

    private GoldenCase(String name) {
        this.name = name;
    }

    String op() {
        return op;
    }

    static GoldenCase read(Path file) throws IOException {
        String fileName = file.getFileName().toString();
        GoldenCase c = new GoldenCase(fileName.substring(0, fileName.length() - ".txt".length()));
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] t = line.split(" ");
            try {
                c.record(t);
            } catch (RuntimeException e) {
                throw new IOException(file + ":" + lineNo + ": bad '" + t[0] + "' record: " + e.getMessage(), e);
            }
        }
        if (c.op == null) {
            throw new IOException(file + ": no op record");
        }
        return c;
    }

    private void record(String[] t) {
        switch (t[0]) {
            case "op" -> op = t[1];
            case "attr" -> attrs.put(t[1], Arrays.copyOfRange(t, 2, t.length));
            case "input" -> inputs.put(t[1], value(t[2], t[3], t, 4));
            case "view" -> views.computeIfAbsent(t[1], k -> new ArrayList<>())
                    .add(new View(t[2], ints(Arrays.copyOfRange(t, 3, t.length))));
            case "output" -> outputs.add(new Output(value(t[1], t[2], t, 3), null));
            case "upstream" -> {
                if (outputs.isEmpty() || outputs.get(outputs.size() - 1).upstream() != null) {
                    throw new IllegalArgumentException("upstream without its output");
                }
                Output last = outputs.remove(outputs.size() - 1);
                outputs.add(new Output(last.value(), value("float", t[1], t, 2)));
            }
            case "grad" -> grads.put(t[1], value("float", t[2], t, 3));
            default -> throw new IllegalArgumentException("unknown record");
        }
    }

    private static Value value(String dtype, String shapeToken, String[] t, int from) {
        int[] shape = shapeToken.equals("-") ? new int[0] : ints(shapeToken.split(","));
        int n = t.length - from;
        int numel = 1;
        for (int d : shape) {
            numel *= d;
        }
        if (n != numel) {
            throw new IllegalArgumentException(n + " values for shape " + Arrays.toString(shape));
        }
        return switch (dtype) {
            case "float" -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = Float.parseFloat(t[from + i]);
                }
                yield new Value(dtype, shape, v, null, null);
            }
            case "long" -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = Long.parseLong(t[from + i]);
                }
                yield new Value(dtype, shape, null, v, null);
            }
            case "bool" -> {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) {
                    v[i] = switch (t[from + i]) {
                        case "0" -> false;
                        case "1" -> true;
                        default -> throw new IllegalArgumentException("bool value " + t[from + i]);
                    };
                }
                yield new Value(dtype, shape, null, null, v);
            }
            default -> throw new IllegalArgumentException("unknown dtype " + dtype);
        };
    }

    private static int[] ints(String[] tokens) {
        return Arrays.stream(tokens).mapToInt(Integer::parseInt).toArray();
    }

    boolean hasAttr(String key) {
        return attrs.containsKey(key);
    }

    int intAttr(String key) {
        return single(key, ints(attr(key)));
    }

    float floatAttr(String key) {
        String[] v = attr(key);
        if (v.length != 1) {
            throw new IllegalStateException(name + ": attribute " + key + " should have one value, has " + v.length);
        }
        return Float.parseFloat(v[0]);
    }

    int[] intsAttr(String key) {
        return ints(attr(key));
    }

    private int single(String key, int[] v) {
        if (v.length != 1) {
            throw new IllegalStateException(name + ": attribute " + key + " should have one value, has " + v.length);
        }
        return v[0];
    }

    private String[] attr(String key) {
        String[] v = attrs.get(key);
        if (v == null) {
            throw new IllegalStateException(name + ": missing attribute " + key);
        }
        return v;
    }
}
