#!/usr/bin/python3
"""Writes the PyTorch golden data for the engine's op tests (EngineGoldenTest).

Run with Debian's Python and python3-torch, from the repository root:

    /usr/bin/python3 scripts/golden/make_engine_golden.py

Every case draws float32 inputs from a seeded generator, computes the op in float64 with torch
autograd, projects the outputs onto seeded random upstream gradients (loss = sum(out_i * g_i)),
and stores the float32-rounded outputs and input gradients. The Java test rebuilds the same loss
with the engine and compares. Output: engine/src/test/resources/golden/engine/<case>.txt

File format (plain text, one record per line, tokens separated by single spaces):
    op NAME                      the engine op the Java test calls
    attr KEY V1 V2 ...           integer or float attributes, in the order the op takes them
    input NAME DTYPE SHAPE VALS  DTYPE is float, long or bool; SHAPE is comma-separated or "-" for rank 0
    transposed NAME              the op reads input NAME through .transpose(-1, -2) (non-contiguous)
    output DTYPE SHAPE VALS      outputs in order
    upstream SHAPE VALS          upstream gradient of the output with the same position (float outputs)
    grad NAME SHAPE VALS         expected gradient of float input NAME (of its stored, leaf tensor)
Floats are written with 9 significant digits, enough to round-trip float32.
"""
import os
import torch
import torch.nn.functional as F

OUT = os.path.join("engine", "src", "test", "resources", "golden", "engine")
torch.set_default_dtype(torch.float64)


class Case:
    def __init__(self, name, op, seed):
        self.name, self.op = name, op
        self.gen = torch.Generator().manual_seed(seed)
        self.lines = [f"op {op}"]
        self.inputs = {}
        self.leaves = {}

    def attr(self, key, *values):
        self.lines.append("attr " + key + " " + " ".join(fmt(v) for v in values))
        return self

    def _add(self, name, t, transposed=False, requires_grad=True):
        self.lines.append(f"input {name} {dtype(t)} {shape(t)} {vals(t)}")
        if t.dtype == torch.float64 and requires_grad:
            t = t.clone().requires_grad_(True)
            self.leaves[name] = t
        if transposed:
            self.lines.append(f"transposed {name}")
            t = t.transpose(-1, -2)
        self.inputs[name] = t
        return t

    def randn(self, name, *shape, scale=1.0, transposed=False):
        s = list(shape)
        if transposed:
            s[-1], s[-2] = s[-2], s[-1]
        t = (torch.randn(tuple(s), generator=self.gen, dtype=torch.float32) * scale).double()
        return self._add(name, t, transposed)

    def uniform(self, name, lo, hi, *shape, transposed=False):
        s = list(shape)
        if transposed:
            s[-1], s[-2] = s[-2], s[-1]
        t = (torch.rand(tuple(s), generator=self.gen, dtype=torch.float32) * (hi - lo) + lo).double()
        return self._add(name, t, transposed)

    def away_from_zero(self, name, *shape, scale=1.0):
        t = torch.randn(tuple(shape), generator=self.gen, dtype=torch.float32)
        t = (torch.where(t >= 0, t + 0.25, t - 0.25) * scale).double()
        return self._add(name, t)

    def distinct(self, name, *shape):
        n = 1
        for d in shape:
            n *= d
        perm = torch.randperm(n, generator=self.gen)
        t = ((perm.to(torch.float32) - n / 2) * 0.1).reshape(shape).double()
        return self._add(name, t)

    def grid(self, name, *shape):
        """Values on a coarse grid, so that ties and equalities occur."""
        t = (torch.randint(-2, 3, shape, generator=self.gen).to(torch.float32) * 0.5).double()
        return self._add(name, t)

    def long(self, name, values, shape):
        return self._add(name, torch.tensor(values, dtype=torch.int64).reshape(shape))

    def bool(self, name, *shape):
        return self._add(name, torch.rand(tuple(shape), generator=self.gen) > 0.5)

    def outputs(self, *outs):
        loss = 0.0
        for o in outs:
            self.lines.append(f"output {dtype(o)} {shape(o)} {vals(o.detach())}")
            if o.dtype == torch.float64:
                g = torch.randn(tuple(o.shape), generator=self.gen, dtype=torch.float32).double()
                self.lines.append(f"upstream {shape(g)} {vals(g)}")
                loss = loss + (o * g).sum()
        if self.leaves and isinstance(loss, torch.Tensor) and loss.requires_grad:
            names = list(self.leaves)
            grads = torch.autograd.grad(loss, [self.leaves[n] for n in names], allow_unused=True)
            for n, g in zip(names, grads):
                if g is None:
                    g = torch.zeros_like(self.leaves[n])
                self.lines.append(f"grad {n} {shape(g)} {vals(g)}")
        with open(os.path.join(OUT, self.name + ".txt"), "w") as f:
            f.write("\n".join(self.lines) + "\n")


def fmt(v):
    return repr(v) if isinstance(v, int) else f"{v:.9g}"


def dtype(t):
    return {torch.float64: "float", torch.int64: "long", torch.bool: "bool"}[t.dtype]


def shape(t):
    return ",".join(str(d) for d in t.shape) if t.dim() > 0 else "-"


def vals(t):
    flat = t.detach().reshape(-1)
    if t.dtype == torch.bool:
        return " ".join("1" if v else "0" for v in flat.tolist())
    if t.dtype == torch.int64:
        return " ".join(str(v) for v in flat.tolist())
    return " ".join(f"{v:.9g}" for v in flat.to(torch.float32).tolist())


_seed = [0]


def case(name, op):
    _seed[0] += 1
    return Case(name, op, 1000 + _seed[0])


def binary_cases():
    pairs = [((2, 3), (2, 3)), ((2, 3, 4), (3, 1)), ((2, 3), (1,)), ((2, 3), ()), ((1, 4), (3, 1))]
    ops = {
        "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
        "div": lambda a, b: a / b, "pow": lambda a, b: torch.pow(a, b),
        "minimum": torch.minimum, "maximum": torch.maximum,
    }
    for op, fn in ops.items():
        for i, (sa, sb) in enumerate(pairs):
            c = case(f"{op}_{i}", op)
            a = c.uniform("a", 0.5, 2.0, *sa) if op == "pow" else c.randn("a", *sa)
            b = c.uniform("b", 0.5, 2.0, *sb) if op == "div" else c.randn("b", *sb)
            c.outputs(fn(a, b))
        c = case(f"{op}_noncontiguous", op)
        a = c.randn("a", 3, 4, transposed=True) if op != "pow" else c.uniform("a", 0.5, 2.0, 3, 4)
        b = c.randn("b", 3, 4, transposed=True) if op != "div" else c.uniform("b", 0.5, 2.0, 4)
        c.outputs(fn(a, b))
    for op, fn in [("minimum", torch.minimum), ("maximum", torch.maximum)]:
        c = case(f"{op}_ties", op)
        a, b = c.grid("a", 3, 4), c.grid("b", 4)
        c.outputs(fn(a, b))
    for op, fn in [("add_scalar", lambda a, s: a + s), ("sub_scalar", lambda a, s: a - s),
                   ("mul_scalar", lambda a, s: a * s), ("div_scalar", lambda a, s: a / s)]:
        c = case(op, op).attr("value", 1.75)
        c.outputs(fn(c.randn("a", 2, 3), 1.75))
    c = case("pow_scalar", "pow_scalar").attr("value", 2.5)
    c.outputs(torch.pow(c.uniform("a", 0.5, 2.0, 2, 3), 2.5))


def comparison_cases():
    ops = {"eq": torch.eq, "lt": torch.lt, "le": torch.le, "gt": torch.gt, "ge": torch.ge}
    for op, fn in ops.items():
        c = case(f"{op}_broadcast", op)
        c.outputs(fn(c.grid("a", 2, 3, 4), c.grid("b", 3, 1)))
    c = case("where_broadcast", "where")
    cond = c.bool("cond", 2, 3, 4)
    c.outputs(torch.where(cond, c.randn("a", 3, 4), c.randn("b", 2, 1, 1)))
    c = case("where_noncontiguous", "where")
    cond = c.bool("cond", 3, 4)
    c.outputs(torch.where(cond, c.randn("a", 3, 4, transposed=True), c.randn("b")))


def unary_cases():
    def positive(c):
        return c.uniform("x", 0.5, 3.0, 3, 4)

    def normal(c):
        return c.randn("x", 3, 4)

    def kink(c):
        return c.away_from_zero("x", 3, 4)

    def wide(c):
        return c.away_from_zero("x", 3, 4, scale=4.0)

    table = [
        ("neg", normal, torch.neg), ("exp", normal, torch.exp), ("log", positive, torch.log),
        ("sqrt", positive, torch.sqrt), ("rsqrt", positive, torch.rsqrt), ("abs", kink, torch.abs),
        ("tanh", normal, torch.tanh), ("sigmoid", normal, torch.sigmoid), ("erf", normal, torch.erf),
        ("relu", kink, torch.relu), ("reciprocal", kink, torch.reciprocal), ("square", normal, torch.square),
        ("selu", wide, F.selu), ("softplus", wide, F.softplus), ("gelu", wide, F.gelu),
        ("geluTanh", wide, lambda x: F.gelu(x, approximate="tanh")), ("silu", wide, F.silu),
        ("hardSwish", wide, F.hardswish), ("relu6", wide, F.relu6),
    ]
    for op, make, fn in table:
        c = case(op, op)
        c.outputs(fn(make(c)))
        c = case(op + "_noncontiguous", op)
        if make is positive:
            x = c.uniform("x", 0.5, 3.0, 3, 4, transposed=True)
        else:
            x = c.randn("x", 3, 4, transposed=True, scale=4.0 if make is wide else 1.0)
        c.outputs(fn(x))
    c = case("clamp", "clamp").attr("min", -0.5).attr("max", 0.5)
    c.outputs(torch.clamp(c.randn("x", 3, 4), -0.5, 0.5))
    c = case("leakyRelu", "leakyRelu").attr("alpha", 0.1)
    c.outputs(F.leaky_relu(c.away_from_zero("x", 3, 4), 0.1))
    c = case("elu", "elu").attr("alpha", 0.7)
    c.outputs(F.elu(c.away_from_zero("x", 3, 4, scale=2.0), 0.7))
    c = case("hardSigmoid", "hardSigmoid").attr("alpha", 0.2).attr("beta", 0.5)
    c.outputs(torch.clamp(0.2 * c.away_from_zero("x", 3, 4, scale=3.0) + 0.5, 0, 1))


def reduction_cases():
    for op, fn in [("sum", torch.sum), ("mean", torch.mean), ("max", torch.amax), ("min", torch.amin)]:
        for axes in [(), (0,), (-1,), (0, 2), (1,)]:
            for keep in (True, False):
                tag = "all" if not axes else "_".join(str(a).replace("-", "m") for a in axes)
                c = case(f"{op}_{tag}_{'keep' if keep else 'drop'}", op)
                c.attr("axes", *axes) if axes else c.attr("axes")
                c.attr("keepDims", 1 if keep else 0)
                x = c.randn("x", 2, 3, 4, transposed=(op in ("sum", "max")))
                dims = axes if axes else (0, 1, 2)
                c.outputs(fn(x, dim=dims, keepdim=keep))
        if op in ("max", "min"):
            c = case(f"{op}_ties", op).attr("axes", 1).attr("keepDims", 0)
            c.outputs(fn(c.grid("x", 3, 5), dim=(1,), keepdim=False))
    for op, fn in [("argmax", torch.argmax), ("argmin", torch.argmin)]:
        for axis, keep in [(0, False), (-1, True), (1, False)]:
            c = case(f"{op}_{str(axis).replace('-', 'm')}_{'keep' if keep else 'drop'}", op)
            c.attr("axis", axis).attr("keepDims", 1 if keep else 0)
            c.outputs(fn(c.grid("x", 3, 4, 2), dim=axis, keepdim=keep))
    for op, fn in [("softmax", F.softmax), ("logSoftmax", F.log_softmax)]:
        for axis in (0, -1, 1):
            c = case(f"{op}_{str(axis).replace('-', 'm')}", op).attr("axis", axis)
            c.outputs(fn(c.randn("x", 2, 3, 4, scale=3.0), dim=axis))


def matmul_cases():
    shapes = [((3, 4), (4, 5), False), ((3, 4), (4, 5), True), ((2, 1, 3, 4), (3, 4, 2), False),
              ((4,), (2, 4, 3), False), ((3, 4), (4,), False), ((5,), (5,), False), ((2, 3, 4), (2, 4, 6), True)]
    for i, (sa, sb, tr) in enumerate(shapes):
        c = case(f"matmul_{i}", "matmul")
        a = c.randn("a", *sa, transposed=tr and len(sa) > 1)
        b = c.randn("b", *sb, transposed=tr and len(sb) > 1)
        c.outputs(torch.matmul(a, b))


def conv_cases():
    # (x shape, w shape, bias, strideH, strideW, top, left, bottom, right, dilH, dilW, groups)
    specs = [
        ((2, 3, 6, 6), (4, 3, 3, 3), True, 1, 1, 1, 1, 1, 1, 1, 1, 1),
        ((1, 2, 7, 6), (3, 2, 2, 3), False, 2, 1, 1, 0, 2, 1, 2, 1, 1),
        ((2, 4, 5, 5), (6, 2, 2, 2), True, 1, 1, 0, 0, 0, 0, 1, 1, 2),
        ((1, 3, 7, 7), (3, 1, 3, 3), False, 2, 2, 1, 1, 1, 1, 1, 1, 3),
        ((2, 4, 3, 5), (5, 4, 1, 1), True, 1, 1, 0, 0, 0, 0, 1, 1, 1),
        ((1, 2, 9, 8), (2, 2, 3, 3), True, 3, 2, 2, 1, 0, 2, 1, 2, 1),
    ]
    for i, (xs, ws, bias, sh, sw, pt, pl, pb, pr, dh, dw, g) in enumerate(specs):
        c = case(f"conv2d_{i}", "conv2d").attr("spec", sh, sw, pt, pl, pb, pr, dh, dw, g)
        x = c.randn("x", *xs)
        w = c.randn("w", *ws)
        b = c.randn("b", ws[0]) if bias else None
        padded = F.pad(x, (pl, pr, pt, pb))
        c.outputs(F.conv2d(padded, w, b, stride=(sh, sw), dilation=(dh, dw), groups=g))


def pool_cases():
    specs = [((2, 2, 4, 5), 2, 2, 0, False), ((1, 2, 5, 6), 3, 2, 1, True), ((1, 3, 7, 7), 3, 3, 1, True),
             ((2, 1, 6, 6), 2, 1, 1, False)]
    for i, (xs, k, s, p, ceil) in enumerate(specs):
        c = case(f"maxPool2d_{i}", "maxPool2d").attr("spec", k, k, s, s, p, p, p, p, 1 if ceil else 0)
        c.outputs(F.max_pool2d(c.distinct("x", *xs), k, s, p, ceil_mode=ceil))
        for include in (True, False):
            c = case(f"avgPool2d_{i}_{'incl' if include else 'excl'}", "avgPool2d")
            c.attr("spec", k, k, s, s, p, p, p, p, 1 if ceil else 0).attr("countIncludePad", 1 if include else 0)
            c.outputs(F.avg_pool2d(c.randn("x", *xs), k, s, p, ceil_mode=ceil, count_include_pad=include))
    c = case("globalAvgPool2d", "globalAvgPool2d")
    c.outputs(c.randn("x", 2, 3, 4, 5).mean(dim=(2, 3), keepdim=True))
    c = case("globalMaxPool2d", "globalMaxPool2d")
    c.outputs(c.distinct("x", 2, 3, 4, 5).amax(dim=(2, 3), keepdim=True))


def structure_cases():
    c = case("concat_1", "concat").attr("axis", 1)
    c.outputs(torch.cat([c.randn("t0", 2, 2, 3), c.randn("t1", 2, 3, 3, transposed=True), c.randn("t2", 2, 1, 3)], 1))
    c = case("concat_m1", "concat").attr("axis", -1)
    c.outputs(torch.cat([c.randn("t0", 3, 2), c.randn("t1", 3, 4)], -1))
    c = case("split_m1", "split").attr("axis", -1).attr("sizes", 1, 3, 1)
    c.outputs(*torch.split(c.randn("x", 3, 5), [1, 3, 1], dim=-1))
    c = case("split_0", "split").attr("axis", 0).attr("sizes", 2, 0, 2)
    c.outputs(*torch.split(c.randn("x", 4, 3, transposed=True), [2, 0, 2], dim=0))
    for axis, xs, idx, ishape in [(0, (4, 3), [2, -1, 0, 2, 1, 1], (2, 3)), (1, (2, 4, 3), [3, 0, -2], (3,)),
                                  (-1, (3, 4), [1], ())]:
        c = case(f"gather_{str(axis).replace('-', 'm')}", "gather").attr("axis", axis)
        x = c.randn("x", *xs)
        c.long("indices", idx, ishape)
        ax = axis % len(xs)
        wrapped = torch.tensor([v % xs[ax] for v in idx], dtype=torch.int64)
        out = x.index_select(ax, wrapped).reshape(xs[:ax] + ishape + xs[ax + 1:])
        c.outputs(out)
    c = case("indexSelect_m1", "indexSelect").attr("axis", -1)
    x = c.randn("x", 3, 4, transposed=True)
    c.long("indices", [3, 0, 3], (3,))
    c.outputs(x.index_select(1, torch.tensor([3, 0, 3])))
    for axis, xs, idx, ishape in [(1, (3, 4), [3, 0, -1, 1, 1, 2], (2, 3)), (0, (3, 4), [2, 0, 1, 2], (1, 4))]:
        c = case(f"gatherElements_{axis}", "gatherElements").attr("axis", axis)
        x = c.randn("x", *xs)
        c.long("indices", idx, ishape)
        wrapped = torch.tensor([v % xs[axis] for v in idx], dtype=torch.int64).reshape(ishape)
        c.outputs(torch.gather(x, axis, wrapped))
    c = case("pad_constant", "pad").attr("pads", 1, 0, 2, -1).attr("mode", 0).attr("value", 3.0)
    c.outputs(F.pad(c.randn("x", 3, 4), (0, -1, 1, 2), value=3.0))
    for mode, name, tmode in [(1, "reflect", "reflect"), (2, "edge", "replicate")]:
        c = case(f"pad_{name}", "pad").attr("pads", 0, 0, 2, 1, 0, 0, 1, 3).attr("mode", mode).attr("value", 0.0)
        c.outputs(F.pad(c.randn("x", 1, 2, 4, 5), (1, 3, 2, 1), mode=tmode))


def view_cases():
    c = case("reshape", "reshape").attr("shape", 4, -1)
    c.outputs(c.randn("x", 3, 4, transposed=True).reshape(4, -1))
    c = case("permute", "permute").attr("axes", 2, 0, 1)
    c.outputs(c.randn("x", 2, 3, 4).permute(2, 0, 1))
    c = case("transpose", "transpose").attr("axes", 0, -1)
    c.outputs(c.randn("x", 2, 3, 4).transpose(0, -1))
    c = case("slice", "slice").attr("axis", 1).attr("range", -4, 5, 2)
    c.outputs(c.randn("x", 3, 5, transposed=True)[:, -4:5:2])
    c = case("squeeze", "squeeze").attr("axes")
    c.outputs(c.randn("x", 3, 1, 4, 1).squeeze())
    c = case("unsqueeze", "unsqueeze").attr("axis", 1)
    c.outputs(c.randn("x", 3, 4).unsqueeze(1))
    c = case("expand", "expand").attr("shape", 2, 3, 4)
    c.outputs(c.randn("x", 3, 1).expand(2, 3, 4))
    c = case("flatten", "flatten").attr("axis", 1)
    c.outputs(c.randn("x", 2, 3, 4).flatten(1))


def cast_cases():
    c = case("toLong", "toLong")
    x = c.randn("x", 3, 4, scale=5.0)
    c.outputs(torch.trunc(x).to(torch.int64))
    c = case("toBool", "toBool")
    x = c.grid("x", 3, 4)
    c.outputs(x != 0)


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".txt"):
            os.remove(os.path.join(OUT, f))
    for make in (binary_cases, comparison_cases, unary_cases, reduction_cases, matmul_cases, conv_cases,
                 pool_cases, structure_cases, view_cases, cast_cases):
        make()
    print(f"wrote {len(os.listdir(OUT))} cases to {OUT}")


if __name__ == "__main__":
    main()
