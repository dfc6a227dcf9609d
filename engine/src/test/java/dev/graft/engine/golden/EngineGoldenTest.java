package dev.graft.engine.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.graft.engine.BoolTensor;
import dev.graft.engine.Conv2dSpec;
import dev.graft.engine.LongTensor;
import dev.graft.engine.PadMode;
import dev.graft.engine.Pool2dSpec;
import dev.graft.engine.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every engine op against PyTorch, one dynamic test per file written by
 * scripts/golden/make_engine_golden.py (regenerate with
 * {@code /usr/bin/python3 scripts/golden/make_engine_golden.py}).
 *
 * <p>Each test builds the stored inputs (float inputs as leaves that require grad, read through
 * the recorded views), calls the op, compares every output, calls {@code backward(upstream)} on
 * every output that has an upstream gradient, and compares the gradient of every float input.
 * Floats match when {@code |actual - expected| <= 1e-5 |expected| + 1e-6}; longs and bools match
 * exactly. A case whose op this test does not know fails.
 */
class EngineGoldenTest {

    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-6;

    /** Calls one engine op on a case's attributes and inputs; returns its outputs in order. */
    private interface Op {
        List<Object> apply(GoldenCase c, Map<String, Object> in);
    }

    private interface Reduction {
        Tensor apply(Tensor x, int[] axes, boolean keepDims);
    }

    private static final Map<String, Op> OPS = new LinkedHashMap<>();

    private static void op(String name, Op op) {
        if (OPS.put(name, op) != null) {
            throw new IllegalStateException("op " + name + " registered twice");
        }
    }

    private static void unary(String name, UnaryOperator<Tensor> f) {
        op(name, (c, in) -> List.of(f.apply(t(in, "x"))));
    }

    private static void binary(String name, BinaryOperator<Tensor> f) {
        op(name, (c, in) -> List.of(f.apply(t(in, "a"), t(in, "b"))));
    }

    private static void scalarOp(String name, ScalarOp f) {
        op(name, (c, in) -> List.of(f.apply(t(in, "a"), c.floatAttr("value"))));
    }

    private interface ScalarOp {
        Tensor apply(Tensor a, float value);
    }

    /** With an {@code axes} attribute the (axes, keepDims) overload; without one the no-argument one. */
    private static void reduction(String name, Reduction withAxes, UnaryOperator<Tensor> all) {
        op(name, (c, in) -> List.of(c.hasAttr("axes")
                ? withAxes.apply(t(in, "x"), c.intsAttr("axes"), c.intAttr("keepDims") != 0)
                : all.apply(t(in, "x"))));
    }

    static {
        binary("add", Tensor::add);
        binary("sub", Tensor::sub);
        binary("mul", Tensor::mul);
        binary("div", Tensor::div);
        binary("pow", Tensor::pow);
        binary("minimum", Tensor::minimum);
        binary("maximum", Tensor::maximum);
        binary("matmul", Tensor::matmul);
        scalarOp("add_scalar", Tensor::add);
        scalarOp("sub_scalar", Tensor::sub);
        scalarOp("mul_scalar", Tensor::mul);
        scalarOp("div_scalar", Tensor::div);
        scalarOp("pow_scalar", Tensor::pow);
        op("eq", (c, in) -> List.of(t(in, "a").eq(t(in, "b"))));
        op("lt", (c, in) -> List.of(t(in, "a").lt(t(in, "b"))));
        op("le", (c, in) -> List.of(t(in, "a").le(t(in, "b"))));
        op("gt", (c, in) -> List.of(t(in, "a").gt(t(in, "b"))));
        op("ge", (c, in) -> List.of(t(in, "a").ge(t(in, "b"))));
        op("where", (c, in) -> List.of(Tensor.where(b(in, "cond"), t(in, "a"), t(in, "b"))));

        unary("neg", Tensor::neg);
        unary("exp", Tensor::exp);
        unary("log", Tensor::log);
        unary("sqrt", Tensor::sqrt);
        unary("rsqrt", Tensor::rsqrt);
        unary("abs", Tensor::abs);
        unary("tanh", Tensor::tanh);
        unary("sigmoid", Tensor::sigmoid);
        unary("erf", Tensor::erf);
        unary("sin", Tensor::sin);
        unary("cos", Tensor::cos);
        unary("tan", Tensor::tan);
        unary("asin", Tensor::asin);
        unary("acos", Tensor::acos);
        unary("atan", Tensor::atan);
        unary("relu", Tensor::relu);
        unary("reciprocal", Tensor::reciprocal);
        unary("square", Tensor::square);
        unary("selu", Tensor::selu);
        unary("softplus", Tensor::softplus);
        unary("gelu", Tensor::gelu);
        unary("geluTanh", Tensor::geluTanh);
        unary("silu", Tensor::silu);
        unary("hardSwish", Tensor::hardSwish);
        unary("relu6", Tensor::relu6);
        op("contiguous", (c, in) -> {
            Tensor y = t(in, "x").contiguous();
            assertTrue(y.isContiguous(), "contiguous() returned a non-contiguous tensor");
            return List.of(y);
        });
        op("clamp", (c, in) -> List.of(t(in, "x").clamp(c.floatAttr("min"), c.floatAttr("max"))));
        op("leakyRelu", (c, in) -> List.of(t(in, "x").leakyRelu(c.floatAttr("alpha"))));
        op("elu", (c, in) -> List.of(t(in, "x").elu(c.floatAttr("alpha"))));
        op("hardSigmoid", (c, in) -> List.of(t(in, "x").hardSigmoid(c.floatAttr("alpha"), c.floatAttr("beta"))));

        reduction("sum", Tensor::sum, Tensor::sum);
        reduction("mean", Tensor::mean, Tensor::mean);
        reduction("max", Tensor::max, Tensor::max);
        reduction("min", Tensor::min, Tensor::min);
        op("argmax", (c, in) -> List.of(t(in, "x").argmax(c.intAttr("axis"), c.intAttr("keepDims") != 0)));
        op("argmin", (c, in) -> List.of(t(in, "x").argmin(c.intAttr("axis"), c.intAttr("keepDims") != 0)));
        op("softmax", (c, in) -> List.of(t(in, "x").softmax(c.intAttr("axis"))));
        op("logSoftmax", (c, in) -> List.of(t(in, "x").logSoftmax(c.intAttr("axis"))));

        op("conv2d", (c, in) -> {
            int[] s = c.intsAttr("spec");
            Conv2dSpec spec = new Conv2dSpec(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]);
            return List.of(t(in, "x").conv2d(t(in, "w"), in.containsKey("b") ? t(in, "b") : null, spec));
        });
        op("maxPool2d", (c, in) -> List.of(t(in, "x").maxPool2d(pool(c))));
        op("avgPool2d", (c, in) -> List.of(t(in, "x").avgPool2d(pool(c), c.intAttr("countIncludePad") != 0)));
        unary("globalAvgPool2d", Tensor::globalAvgPool2d);
        unary("globalMaxPool2d", Tensor::globalMaxPool2d);

        op("concat", (c, in) -> {
            List<Tensor> parts = new ArrayList<>();
            for (int i = 0; in.containsKey("t" + i); i++) {
                parts.add(t(in, "t" + i));
            }
            return List.of(Tensor.concat(c.intAttr("axis"), parts.toArray(new Tensor[0])));
        });
        op("split", (c, in) -> List.of((Object[]) t(in, "x").split(c.intAttr("axis"), c.intsAttr("sizes"))));
        op("gather", (c, in) -> List.of(t(in, "x").gather(c.intAttr("axis"), l(in, "indices"))));
        op("indexSelect", (c, in) -> List.of(t(in, "x").indexSelect(c.intAttr("axis"), l(in, "indices"))));
        op("gatherElements", (c, in) -> List.of(t(in, "x").gatherElements(c.intAttr("axis"), l(in, "indices"))));
        op("pad", (c, in) -> List.of(t(in, "x").pad(c.intsAttr("pads"), padMode(c.intAttr("mode")), c.floatAttr("value"))));

        op("reshape", (c, in) -> List.of(t(in, "x").reshape(c.intsAttr("shape"))));
        op("permute", (c, in) -> List.of(t(in, "x").permute(c.intsAttr("axes"))));
        op("transpose", (c, in) -> List.of(t(in, "x").transpose(c.intsAttr("axes")[0], c.intsAttr("axes")[1])));
        op("slice", (c, in) -> {
            int[] r = c.intsAttr("range");
            return List.of(t(in, "x").slice(c.intAttr("axis"), r[0], r[1], r[2]));
        });
        op("squeeze", (c, in) -> List.of(t(in, "x").squeeze(c.intsAttr("axes"))));
        op("unsqueeze", (c, in) -> List.of(t(in, "x").unsqueeze(c.intAttr("axis"))));
        op("expand", (c, in) -> List.of(t(in, "x").expand(c.intsAttr("shape"))));
        op("flatten", (c, in) -> List.of(t(in, "x").flatten(c.intAttr("axis"))));

        op("toLong", (c, in) -> List.of(t(in, "x").toLong()));
        op("toBool", (c, in) -> List.of(t(in, "x").toBool()));
        op("longToFloat", (c, in) -> List.of(l(in, "x").toFloat()));
        op("longToBool", (c, in) -> List.of(l(in, "x").toBool()));
        op("boolToFloat", (c, in) -> List.of(b(in, "x").toFloat()));
        op("boolToLong", (c, in) -> List.of(b(in, "x").toLong()));
        op("not", (c, in) -> List.of(b(in, "x").not()));
        op("and", (c, in) -> List.of(b(in, "a").and(b(in, "b"))));
        op("or", (c, in) -> List.of(b(in, "a").or(b(in, "b"))));

        op("arange", (c, in) -> List.of(Tensor.arange(c.intAttr("n"))));
        op("full", (c, in) -> List.of(Tensor.full(c.floatAttr("value"), c.intsAttr("shape"))));
        op("zeros", (c, in) -> List.of(Tensor.zeros(c.intsAttr("shape"))));
        op("ones", (c, in) -> List.of(Tensor.ones(c.intsAttr("shape"))));
        op("scalar", (c, in) -> List.of(Tensor.scalar(c.floatAttr("value"))));
    }

    private static Tensor t(Map<String, Object> in, String name) {
        return input(in, name, Tensor.class);
    }

    private static LongTensor l(Map<String, Object> in, String name) {
        return input(in, name, LongTensor.class);
    }

    private static BoolTensor b(Map<String, Object> in, String name) {
        return input(in, name, BoolTensor.class);
    }

    private static <T> T input(Map<String, Object> in, String name, Class<T> type) {
        Object v = in.get(name);
        assertNotNull(v, "case has no input '" + name + "'");
        assertTrue(type.isInstance(v), "input '" + name + "' is a " + v.getClass().getSimpleName() + ", expected "
                + type.getSimpleName());
        return type.cast(v);
    }

    private static Pool2dSpec pool(GoldenCase c) {
        int[] s = c.intsAttr("spec");
        return new Pool2dSpec(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8] != 0);
    }

    /** The script's mode numbers: 0 constant, 1 reflect, 2 edge. */
    private static PadMode padMode(int mode) {
        return switch (mode) {
            case 0 -> PadMode.CONSTANT;
            case 1 -> PadMode.REFLECT;
            case 2 -> PadMode.EDGE;
            default -> throw new IllegalStateException("unknown pad mode " + mode);
        };
    }

    private static List<Path> caseFiles() throws IOException, URISyntaxException {
        var url = EngineGoldenTest.class.getResource("/golden/engine");
        assertNotNull(url, "golden data missing: run /usr/bin/python3 scripts/golden/make_engine_golden.py");
        try (Stream<Path> s = Files.list(Path.of(url.toURI()))) {
            return s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesPyTorch() throws IOException, URISyntaxException {
        List<Path> files = caseFiles();
        assertTrue(files.size() > 400, "expected the full golden set, found " + files.size() + " cases");
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(GoldenCase.read(f))));
    }

    @Test
    void everyOpOfTheTestHasGoldenCases() throws IOException, URISyntaxException {
        Set<String> covered = new TreeSet<>();
        for (Path p : caseFiles()) {
            covered.add(GoldenCase.read(p).op());
        }
        Set<String> missing = new TreeSet<>(OPS.keySet());
        missing.removeAll(covered);
        assertTrue(missing.isEmpty(), "no golden case exercises " + missing);
    }

    private static void run(GoldenCase c) {
        Op op = OPS.get(c.op());
        if (op == null) {
            fail(c.name + ": the test does not know op '" + c.op() + "'");
        }
        Map<String, Tensor> leaves = new LinkedHashMap<>();
        Map<String, Object> in = new LinkedHashMap<>();
        for (var e : c.inputs.entrySet()) {
            String name = e.getKey();
            GoldenCase.Value v = e.getValue();
            Object value = switch (v.dtype()) {
                case "float" -> {
                    Tensor leaf = v.asFloat().requiresGrad(true);
                    leaves.put(name, leaf);
                    yield view(c, name, leaf);
                }
                case "long" -> v.asLong();
                case "bool" -> v.asBool();
                default -> throw new IllegalStateException(c.name + ": unknown dtype " + v.dtype());
            };
            in.put(name, value);
        }
        for (String viewed : c.views.keySet()) {
            assertTrue(leaves.containsKey(viewed), c.name + ": view of '" + viewed + "', which is not a float input");
        }

        List<Object> outs = op.apply(c, in);
        assertEquals(c.outputs.size(), outs.size(), c.name + ": number of outputs");
        List<Tensor> roots = new ArrayList<>();
        List<Tensor> upstreams = new ArrayList<>();
        for (int i = 0; i < outs.size(); i++) {
            GoldenCase.Value expected = c.outputs.get(i).value();
            Object actual = outs.get(i);
            String what = c.name + ": output " + i;
            switch (expected.dtype()) {
                case "float" -> {
                    Tensor y = cast(what, actual, Tensor.class);
                    assertArrayEquals(expected.shape(), y.shape(), what + " shape");
                    compare(what, y.toArray(), expected.floats(), expected.shape());
                    GoldenCase.Value up = c.outputs.get(i).upstream();
                    if (up != null) {
                        assertTrue(y.requiresGrad(), what + " does not require grad, but PyTorch's does");
                        roots.add(y);
                        upstreams.add(up.asFloat());
                    }
                }
                case "long" -> {
                    LongTensor y = cast(what, actual, LongTensor.class);
                    assertArrayEquals(expected.shape(), y.shape(), what + " shape");
                    assertArrayEquals(expected.longs(), y.toArray(), what + " values");
                }
                case "bool" -> {
                    BoolTensor y = cast(what, actual, BoolTensor.class);
                    assertArrayEquals(expected.shape(), y.shape(), what + " shape");
                    assertArrayEquals(expected.bools(), y.toArray(), what + " values");
                }
                default -> throw new IllegalStateException(what + ": unknown dtype " + expected.dtype());
            }
        }
        if (roots.isEmpty()) {
            assertTrue(c.grads.isEmpty(), c.name + ": gradients stored but no output has an upstream gradient");
            return;
        }
        for (int i = 0; i < roots.size(); i++) {
            roots.get(i).backward(upstreams.get(i));
        }
        assertEquals(leaves.keySet(), c.grads.keySet(), c.name + ": float inputs and stored gradients");
        for (var e : c.grads.entrySet()) {
            Tensor leaf = leaves.get(e.getKey());
            GoldenCase.Value expected = e.getValue();
            Tensor g = leaf.grad();
            String what = c.name + ": grad " + e.getKey();
            if (g != null) {
                assertArrayEquals(expected.shape(), g.shape(), what + " shape");
            }
            // a leaf that no gradient reached has a null grad; PyTorch's is then all zeros
            compare(what, g == null ? new float[leaf.numel()] : g.toArray(), expected.floats(), expected.shape());
        }
    }

    private static Tensor view(GoldenCase c, String name, Tensor leaf) {
        Tensor x = leaf;
        for (GoldenCase.View v : c.views.getOrDefault(name, List.of())) {
            int[] a = v.args();
            x = switch (v.kind()) {
                case "transpose" -> x.transpose(a[0], a[1]);
                case "permute" -> x.permute(a);
                case "slice" -> x.slice(a[0], a[1], a[2], a[3]);
                case "expand" -> x.expand(a);
                default -> throw new IllegalStateException(c.name + ": unknown view kind " + v.kind());
            };
        }
        if (x != leaf && x.numel() > 1) {
            assertFalse(x.isContiguous(), c.name + ": the view of '" + name + "' should be non-contiguous");
        }
        return x;
    }

    private static <T> T cast(String what, Object actual, Class<T> type) {
        assertNotNull(actual, what + " is null");
        assertTrue(type.isInstance(actual), what + " is a " + actual.getClass().getSimpleName() + ", expected "
                + type.getSimpleName());
        return type.cast(actual);
    }

    /** Fails naming the worst element (largest excess over its tolerance), its index and both values. */
    private static void compare(String what, float[] actual, float[] expected, int[] shape) {
        assertEquals(expected.length, actual.length, what + ": element count");
        int worst = -1;
        int bad = 0;
        double worstExcess = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < actual.length; i++) {
            double err = Math.abs((double) actual[i] - expected[i]);
            double tol = RTOL * Math.abs(expected[i]) + ATOL;
            boolean ok = err <= tol || Float.isNaN(expected[i]) && Float.isNaN(actual[i])
                    || Float.isInfinite(expected[i]) && actual[i] == expected[i];
            if (!ok) {
                bad++;
                double excess = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err - tol;
                if (worst < 0 || excess > worstExcess) {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        if (worst >= 0) {
            fail(String.format("%s: %d of %d elements out of tolerance; worst at %s (flat %d): engine %s, PyTorch %s, "
                    + "|diff| %.3g > %.3g", what, bad, actual.length, Arrays.toString(unravel(worst, shape)), worst,
                    Float.toString(actual[worst]), Float.toString(expected[worst]),
                    Math.abs((double) actual[worst] - expected[worst]), RTOL * Math.abs(expected[worst]) + ATOL));
        }
    }

    private static int[] unravel(int flat, int[] shape) {
        int[] index = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }
}
