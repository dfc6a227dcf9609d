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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every op against PyTorch: outputs and input gradients from the files written by
 * scripts/golden/make_engine_golden.py, within {@code |a - b| <= 1e-5 |b| + 1e-5 max(1, max|B|) / 10}.
 * The absolute part is scaled by the largest reference value of the tensor, so that elements
 * that cancel to near zero are judged against the magnitude of the sums that produced them.
 */
class EngineGoldenTest {

    private static final double RTOL = 1e-5;
    private static final double ATOL_SCALE = 1e-6;

    private interface Op extends BiFunction<GoldenCase, Map<String, Object>, List<Object>> {
    }

    private static final Map<String, Op> OPS = new LinkedHashMap<>();

    private static void unary(String name, java.util.function.UnaryOperator<Tensor> f) {
        OPS.put(name, (c, in) -> List.of(f.apply(t(in, "x"))));
    }

    private static void binary(String name, java.util.function.BinaryOperator<Tensor> f) {
        OPS.put(name, (c, in) -> List.of(f.apply(t(in, "a"), t(in, "b"))));
    }

    private static void reduction(String name, TriFunction f) {
        OPS.put(name, (c, in) -> List.of(f.apply(t(in, "x"), c.intsAttr("axes"), c.intAttr("keepDims") != 0)));
    }

    private interface TriFunction {
        Object apply(Tensor x, int[] axes, boolean keep);
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
        OPS.put("add_scalar", (c, in) -> List.of(t(in, "a").add(c.floatAttr("value"))));
        OPS.put("sub_scalar", (c, in) -> List.of(t(in, "a").sub(c.floatAttr("value"))));
        OPS.put("mul_scalar", (c, in) -> List.of(t(in, "a").mul(c.floatAttr("value"))));
        OPS.put("div_scalar", (c, in) -> List.of(t(in, "a").div(c.floatAttr("value"))));
        OPS.put("pow_scalar", (c, in) -> List.of(t(in, "a").pow(c.floatAttr("value"))));
        OPS.put("eq", (c, in) -> List.of(t(in, "a").eq(t(in, "b"))));
        OPS.put("lt", (c, in) -> List.of(t(in, "a").lt(t(in, "b"))));
        OPS.put("le", (c, in) -> List.of(t(in, "a").le(t(in, "b"))));
        OPS.put("gt", (c, in) -> List.of(t(in, "a").gt(t(in, "b"))));
        OPS.put("ge", (c, in) -> List.of(t(in, "a").ge(t(in, "b"))));
        OPS.put("where", (c, in) -> List.of(Tensor.where((BoolTensor) in.get("cond"), t(in, "a"), t(in, "b"))));
        unary("neg", Tensor::neg);
        unary("exp", Tensor::exp);
        unary("log", Tensor::log);
        unary("sqrt", Tensor::sqrt);
        unary("rsqrt", Tensor::rsqrt);
        unary("abs", Tensor::abs);
        unary("tanh", Tensor::tanh);
        unary("sigmoid", Tensor::sigmoid);
        unary("erf", Tensor::erf);
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
        unary("globalAvgPool2d", Tensor::globalAvgPool2d);
        unary("globalMaxPool2d", Tensor::globalMaxPool2d);
        OPS.put("clamp", (c, in) -> List.of(t(in, "x").clamp(c.floatAttr("min"), c.floatAttr("max"))));
        OPS.put("leakyRelu", (c, in) -> List.of(t(in, "x").leakyRelu(c.floatAttr("alpha"))));
        OPS.put("elu", (c, in) -> List.of(t(in, "x").elu(c.floatAttr("alpha"))));
        OPS.put("hardSigmoid", (c, in) -> List.of(t(in, "x").hardSigmoid(c.floatAttr("alpha"), c.floatAttr("beta"))));
        reduction("sum", Tensor::sum);
        reduction("mean", Tensor::mean);
        reduction("max", Tensor::max);
        reduction("min", Tensor::min);
        OPS.put("argmax", (c, in) -> List.of(t(in, "x").argmax(c.intAttr("axis"), c.intAttr("keepDims") != 0)));
        OPS.put("argmin", (c, in) -> List.of(t(in, "x").argmin(c.intAttr("axis"), c.intAttr("keepDims") != 0)));
        OPS.put("softmax", (c, in) -> List.of(t(in, "x").softmax(c.intAttr("axis"))));
        OPS.put("logSoftmax", (c, in) -> List.of(t(in, "x").logSoftmax(c.intAttr("axis"))));
        OPS.put("conv2d", (c, in) -> {
            int[] s = c.intsAttr("spec");
            Conv2dSpec spec = new Conv2dSpec(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]);
            return List.of(t(in, "x").conv2d(t(in, "w"), in.containsKey("b") ? t(in, "b") : null, spec));
        });
        OPS.put("maxPool2d", (c, in) -> List.of(t(in, "x").maxPool2d(pool(c))));
        OPS.put("avgPool2d", (c, in) -> List.of(t(in, "x").avgPool2d(pool(c), c.intAttr("countIncludePad") != 0)));
        OPS.put("concat", (c, in) -> {
            List<Tensor> parts = new ArrayList<>();
            for (int i = 0; in.containsKey("t" + i); i++) {
                parts.add(t(in, "t" + i));
            }
            return List.of(Tensor.concat(c.intAttr("axis"), parts.toArray(new Tensor[0])));
        });
        OPS.put("split", (c, in) -> List.of((Object[]) t(in, "x").split(c.intAttr("axis"), c.intsAttr("sizes"))));
        OPS.put("gather", (c, in) -> List.of(t(in, "x").gather(c.intAttr("axis"), (LongTensor) in.get("indices"))));
        OPS.put("indexSelect", (c, in) -> List.of(t(in, "x").indexSelect(c.intAttr("axis"), (LongTensor) in.get("indices"))));
        OPS.put("gatherElements", (c, in) -> List.of(t(in, "x").gatherElements(c.intAttr("axis"), (LongTensor) in.get("indices"))));
        OPS.put("pad", (c, in) -> List.of(t(in, "x").pad(c.intsAttr("pads"), PadMode.values()[c.intAttr("mode")], c.floatAttr("value"))));
        OPS.put("reshape", (c, in) -> List.of(t(in, "x").reshape(c.intsAttr("shape"))));
        OPS.put("permute", (c, in) -> List.of(t(in, "x").permute(c.intsAttr("axes"))));
        OPS.put("transpose", (c, in) -> List.of(t(in, "x").transpose(c.intsAttr("axes")[0], c.intsAttr("axes")[1])));
        OPS.put("slice", (c, in) -> {
            int[] r = c.intsAttr("range");
            return List.of(t(in, "x").slice(c.intAttr("axis"), r[0], r[1], r[2]));
        });
        OPS.put("squeeze", (c, in) -> List.of(t(in, "x").squeeze(c.intsAttr("axes"))));
        OPS.put("unsqueeze", (c, in) -> List.of(t(in, "x").unsqueeze(c.intAttr("axis"))));
        OPS.put("expand", (c, in) -> List.of(t(in, "x").expand(c.intsAttr("shape"))));
        OPS.put("flatten", (c, in) -> List.of(t(in, "x").flatten(c.intAttr("axis"))));
        OPS.put("toLong", (c, in) -> List.of(t(in, "x").toLong()));
        OPS.put("toBool", (c, in) -> List.of(t(in, "x").toBool()));
    }

    private static Tensor t(Map<String, Object> in, String name) {
        Object v = in.get(name);
        assertNotNull(v, "case has no float input '" + name + "'");
        return (Tensor) v;
    }

    private static Pool2dSpec pool(GoldenCase c) {
        int[] s = c.intsAttr("spec");
        return new Pool2dSpec(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8] != 0);
    }

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesPyTorch() throws IOException, URISyntaxException {
        var url = EngineGoldenTest.class.getResource("/golden/engine");
        assertNotNull(url, "golden data missing: run /usr/bin/python3 scripts/golden/make_engine_golden.py");
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of(url.toURI()))) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        assertTrue(files.size() > 150, "expected the full golden set, found " + files.size() + " cases");
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(GoldenCase.read(f))));
    }

    @TestFactory
    Stream<DynamicTest> everyOpHasGoldenCases() throws IOException, URISyntaxException {
        var url = EngineGoldenTest.class.getResource("/golden/engine");
        assertNotNull(url);
        List<String> ops = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of(url.toURI()))) {
            for (Path p : s.toList()) {
                ops.add(GoldenCase.read(p).op);
            }
        }
        return OPS.keySet().stream().map(op -> DynamicTest.dynamicTest(op, () ->
                assertTrue(ops.contains(op), "no golden case exercises " + op)));
    }

    private static void run(GoldenCase c) {
        Op op = OPS.get(c.op);
        if (op == null) {
            fail(c.name + ": the test does not know op '" + c.op + "'");
        }
        Map<String, Tensor> leaves = new LinkedHashMap<>();
        Map<String, Object> in = new LinkedHashMap<>();
        for (var e : c.inputs.entrySet()) {
            GoldenCase.Value v = e.getValue();
            Object value = switch (v.dtype()) {
                case "float" -> {
                    Tensor leaf = v.asFloat().requiresGrad(true);
                    leaves.put(e.getKey(), leaf);
                    yield c.transposed.contains(e.getKey()) ? leaf.transpose(-1, -2) : leaf;
                }
                case "long" -> v.asLong();
                case "bool" -> v.asBool();
                default -> throw new IllegalStateException(c.name + ": unknown dtype " + v.dtype());
            };
            if (c.transposed.contains(e.getKey())) {
                assertFalse(((Tensor) value).isContiguous() && ((Tensor) value).numel() > 1 && v.shape().length > 1
                        && v.shape()[v.shape().length - 1] > 1 && v.shape()[v.shape().length - 2] > 1,
                        c.name + ": transposed input should be a non-contiguous view");
            }
            in.put(e.getKey(), value);
        }
        List<Object> outs = op.apply(c, in);
        assertEquals(c.outputs.size(), outs.size(), c.name + ": number of outputs");
        Tensor loss = null;
        int up = 0;
        for (int i = 0; i < outs.size(); i++) {
            GoldenCase.Value expected = c.outputs.get(i);
            Object actual = outs.get(i);
            String what = c.name + " output " + i;
            switch (expected.dtype()) {
                case "float" -> {
                    Tensor y = (Tensor) actual;
                    assertArrayEquals(expected.shape(), y.shape(), what + " shape");
                    compare(what, y.toArray(), expected.values());
                    Tensor term = y.mul(c.upstream.get(up++).asFloat()).sum();
                    loss = loss == null ? term : loss.add(term);
                }
                case "long" -> {
                    LongTensor y = (LongTensor) actual;
                    assertArrayEquals(expected.shape(), y.shape(), what + " shape");
                    assertArrayEquals(expected.asLong().toArray(), y.toArray(), what);
                }
                case "bool" -> {
                    BoolTensor y = (BoolTensor) actual;
                    assertArrayEquals(expected.shape(), y.shape(), what + " shape");
                    assertArrayEquals(expected.asBool().toArray(), y.toArray(), what);
                }
                default -> throw new IllegalStateException(what + ": unknown dtype " + expected.dtype());
            }
        }
        if (c.grads.isEmpty()) {
            return;
        }
        assertNotNull(loss, c.name + ": gradients stored but no float output");
        assertTrue(loss.requiresGrad(), c.name + ": output does not require grad");
        loss.backward();
        for (var e : c.grads.entrySet()) {
            Tensor leaf = leaves.get(e.getKey());
            Tensor g = leaf.grad();
            float[] actual = g == null ? new float[leaf.numel()] : g.toArray();
            compare(c.name + " grad " + e.getKey(), actual, e.getValue().values());
        }
    }

    private static void compare(String what, float[] actual, double[] expected) {
        assertEquals(expected.length, actual.length, what + ": element count");
        double scale = 1;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < actual.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            double tol = RTOL * Math.abs(expected[i]) + ATOL_SCALE * scale;
            boolean bad = !(err <= tol) && !(Double.isNaN(expected[i]) && Float.isNaN(actual[i]));
            if (bad && err - tol > worstExcess || bad && worst < 0) {
                worst = i;
                worstExcess = err - tol;
            }
        }
        if (worst >= 0) {
            fail(String.format("%s: element %d is %.9g, PyTorch %.9g (tolerance %.3g)", what, worst, actual[worst],
                    expected[worst], RTOL * Math.abs(expected[worst]) + ATOL_SCALE * scale));
        }
    }
}
