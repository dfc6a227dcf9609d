#!/usr/bin/python3
"""Writes the PyTorch golden data for the engine's op tests (EngineGoldenTest).

Run with Debian's Python and python3-torch, from the repository root:

    /usr/bin/python3 scripts/golden/make_engine_golden.py

The output is deterministic: every case has its own fixed seed, so a rerun rewrites the same files.

Method. Every case draws its inputs in float32 from a seeded generator (so they are exactly
representable in float32), upcasts them to float64, computes the op in float64 with torch
autograd, draws a seeded random upstream gradient for every float output, and stores the outputs
and the gradients of all float inputs, rounded to float32. Inputs are kept away from points where
an op is not differentiable (relu at 0, max ties, ...) unless the case is about such a point, and
inside the op's domain (log and sqrt of positives, pow with a positive base).

A second pass reruns every case in PyTorch float32 against the stored float64 results and prints
how close float32 arithmetic comes to the Java test's tolerance, so that no case demands more
than float32 can give (the script warns about any that do).

Output: engine/src/test/resources/golden/engine/<case>.txt, one file per case.

File format: plain UTF-8 text, one record per line, tokens separated by single spaces.

    op NAME                      the engine op the Java test calls (see EngineGoldenTest)
    attr KEY V1 V2 ...           attribute; integers as integers, floats as float32 like VALS below;
                                 zero values for an empty list (e.g. "attr axes" = all axes)
    input NAME DTYPE SHAPE VALS  an input, stored contiguous in row-major order
    view NAME KIND ARGS...       the op gets a view of input NAME, not the stored tensor itself;
                                 several view lines for one input apply in file order:
                                   view NAME transpose A B              .transpose(A, B)
                                   view NAME permute A0 A1 ...           .permute(A0, A1, ...)
                                   view NAME slice AXIS START END STEP   .slice(AXIS, START, END, STEP)
                                   view NAME expand D0 D1 ...            .expand(D0, D1, ...)
    output DTYPE SHAPE VALS      an output of the op; several outputs come in order
    upstream SHAPE VALS          the gradient fed to backward(...) of the output just above
                                 (present exactly for the outputs that require grad)
    grad NAME SHAPE VALS         expected gradient of float input NAME (the stored leaf, not its
                                 view) after backward(upstream) of every output
DTYPE is float, long or bool. SHAPE is comma-separated ("2,3,4"), or "-" for rank 0.
VALS are the elements in row-major order: floats as the shortest decimal that rounds back to
the same float32 (Python's repr of a numpy float32, e.g. 0.1, -0.0, 1e-30; parse with
Float.parseFloat), longs as integers, bools as 0 or 1.
"""
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join("engine", "src", "test", "resources", "golden", "engine")
torch.set_default_dtype(torch.float64)

# The Java test's tolerance: |engine - stored| <= RTOL |stored| + ATOL.
RTOL, ATOL = 1e-5, 1e-6

# Cases that PyTorch's own float32 kernels miss through a formula that loses precision, although
# float32 can represent the answer: a careful engine passes them, so they stay.
FLOAT32_FORMULA_LOSS = {
    "geluTanh_long": "at x = -5.06 the output is -1.5e-7 and the gradient -2.1e-6, but 1 + tanh(...) "
                     "rounds to 0 in float32, so PyTorch float32 returns 0 for both",
}

STORED = {}  # case name -> the lines written in the float64 pass
MARGIN = {}  # case name -> PyTorch float32's worst |error| / tolerance against the stored values


def tight():
    """Tolerance for cross-checks between two PyTorch formulations of the same op."""
    return 1e-12 if torch.get_default_dtype() == torch.float64 else 1e-5


def worst_ratio(lines, stored):
    """Largest |a - b| / (RTOL |b| + ATOL) over the float output and grad records of two passes."""
    worst = 0.0
    for new, old in zip(lines, stored):
        t_new, t_old = new.split(" "), old.split(" ")
        if t_old[0] == "grad":
            start = 3
        elif t_old[0] == "output" and t_old[1] == "float":
            start = 3
        else:
            continue
        a = np.array([v for v in t_new[start:] if v], dtype=np.float64)
        b = np.array([v for v in t_old[start:] if v], dtype=np.float64)
        if a.size:
            worst = max(worst, float(np.max(np.abs(a - b) / (RTOL * np.abs(b) + ATOL))))
    return worst


# Long enough to leave a partial SIMD vector at the end of a row (AVX2 holds 8 floats).
LONG_ROW = 19


class Case:
    def __init__(self, name, op, seed):
        self.name, self.op = name, op
        self.gen = torch.Generator().manual_seed(seed)
        self.lines = [f"op {op}"]
        self.leaves = {}

    def attr(self, key, *values):
        self.lines.append(" ".join(["attr", key] + [fmt(v) for v in values]))
        return self

    def add(self, name, t, views=()):
        """Records input NAME (float32 values as float64, or long, or bool) and returns what the op sees."""
        self.lines.append(f"input {name} {dtype(t)} {shape(t)} {vals(t)}")
        if t.is_floating_point():
            t = t.clone().requires_grad_(True)
            self.leaves[name] = t
        for view in views:
            kind, args = view[0], view[1:]
            self.lines.append(" ".join(["view", name, kind] + [str(a) for a in args]))
            if kind == "transpose":
                t = t.transpose(*args)
            elif kind == "permute":
                t = t.permute(*args)
            elif kind == "slice":
                axis, start, end, step = args
                index = [slice(None)] * t.dim()
                index[axis] = slice(start, end, step)
                t = t[tuple(index)]
            elif kind == "expand":
                t = t.expand(*args)
            else:
                raise ValueError(kind)
        if views:
            assert not t.is_contiguous() or t.numel() <= 1, f"{self.name}: view of {name} is contiguous"
        return t

    def randn(self, name, *shape, scale=1.0, views=()):
        t = torch.randn(shape, generator=self.gen, dtype=torch.float32) * scale
        return self.add(name, t.to(torch.get_default_dtype()), views)

    def uniform(self, name, lo, hi, *shape, views=()):
        t = torch.rand(shape, generator=self.gen, dtype=torch.float32) * (hi - lo) + lo
        return self.add(name, t.to(torch.get_default_dtype()), views)

    def away_from_zero(self, name, *shape, scale=1.0, views=()):
        t = torch.randn(shape, generator=self.gen, dtype=torch.float32)
        t = torch.where(t >= 0, t + 0.25, t - 0.25) * scale
        return self.add(name, t.to(torch.get_default_dtype()), views)

    def distinct(self, name, *shape, views=()):
        """Distinct values 0.1 apart in random order, so that no max or min ties."""
        n = math.prod(shape)
        perm = torch.randperm(n, generator=self.gen)
        t = ((perm.to(torch.float32) - n // 2) * 0.1).reshape(shape)
        return self.add(name, t.to(torch.get_default_dtype()), views)

    def grid(self, name, *shape, views=()):
        """Values on a coarse grid, so that ties and equalities occur."""
        t = torch.randint(-2, 3, shape, generator=self.gen).to(torch.float32) * 0.5
        return self.add(name, t.to(torch.get_default_dtype()), views)

    def values(self, name, values, shape, views=()):
        return self.add(name, torch.tensor(values, dtype=torch.float32).reshape(shape).to(torch.get_default_dtype()), views)

    def long(self, name, values, shape):
        return self.add(name, torch.tensor(values, dtype=torch.int64).reshape(shape))

    def bool(self, name, *shape):
        return self.add(name, torch.rand(shape, generator=self.gen, dtype=torch.float32) > 0.5)

    def outputs(self, *outs):
        roots, upstreams = [], []
        for o in outs:
            self.lines.append(f"output {dtype(o)} {shape(o)} {vals(o.detach())}")
            if o.requires_grad:
                g = torch.randn(tuple(o.shape), generator=self.gen, dtype=torch.float32).to(torch.get_default_dtype())
                self.lines.append(f"upstream {shape(g)} {vals(g)}")
                roots.append(o)
                upstreams.append(g)
        if roots:
            names = list(self.leaves)
            grads = torch.autograd.grad(roots, [self.leaves[n] for n in names], upstreams, allow_unused=True)
            for n, g in zip(names, grads):
                if g is None:
                    g = torch.zeros_like(self.leaves[n])
                self.lines.append(f"grad {n} {shape(g)} {vals(g)}")
        if torch.get_default_dtype() == torch.float64:
            assert self.name not in STORED, f"two cases named {self.name}"
            STORED[self.name] = self.lines
            with open(os.path.join(OUT, self.name + ".txt"), "w") as f:
                f.write("".join(line.rstrip() + "\n" for line in self.lines))
        else:
            MARGIN[self.name] = worst_ratio(self.lines, STORED[self.name])


def fmt(v):
    return str(v) if isinstance(v, (int, bool)) else str(np.float32(v))


def dtype(t):
    return {torch.float64: "float", torch.float32: "float", torch.int64: "long", torch.bool: "bool"}[t.dtype]


def shape(t):
    return ",".join(str(d) for d in t.shape) if t.dim() > 0 else "-"


def vals(t):
    flat = t.detach().reshape(-1)
    if t.dtype == torch.bool:
        return " ".join("1" if v else "0" for v in flat.tolist())
    if t.dtype == torch.int64:
        return " ".join(str(v) for v in flat.tolist())
    return " ".join(str(v) for v in flat.to(torch.float32).numpy())


def tag(v):
    return str(v).replace("-", "m")


_seed = [0]


def case(name, op):
    _seed[0] += 1
    return Case(name, op, 1000 + _seed[0])


T = ("transpose", -1, -2)


# ---------------------------------------------------------------- elementwise

BINARY = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b, "pow": torch.pow, "minimum": torch.minimum, "maximum": torch.maximum,
}


def binary_cases():
    # (stored shape of a, of b, views of a, views of b): broadcasting both ways, rank 0, long rows,
    # and non-contiguous, sliced and expanded operands
    shapes = [
        ("same", (2, 3), (2, 3), (), ()),
        ("b3x1", (2, 3, 4), (3, 1), (), ()),
        ("b1", (2, 3, 4), (1,), (), ()),
        ("bscalar", (2, 3, 4), (), (), ()),
        ("ascalar", (), (2, 3), (), ()),
        ("a3x1", (3, 1), (2, 3, 4), (), ()),
        ("outer", (1, 4), (3, 1), (), ()),
        ("middle", (2, 3, 4), (2, 1, 4), (), ()),
        ("longrow", (4, LONG_ROW), (LONG_ROW,), (), ()),
        ("transposed", (4, 3), (4, 3), (T,), (T,)),
        ("transposed_sliced_b", (3, 4), (5, 3), (), (T, ("slice", 1, 1, 5, 1))),
        ("sliced", (3, 2 * LONG_ROW), (3, LONG_ROW), (("slice", 1, 0, 2 * LONG_ROW, 2),), ()),
        ("expanded", (3, 1), (3, 5), (("expand", 3, 5),), ()),
    ]
    for op, fn in BINARY.items():
        for label, sa, sb, va, vb in shapes:
            c = case(f"{op}_{label}", op)
            a = c.uniform("a", 0.5, 2.0, *sa, views=va) if op == "pow" else c.randn("a", *sa, views=va)
            b = c.uniform("b", 0.5, 2.0, *sb, views=vb) if op == "div" else c.randn("b", *sb, views=vb)
            c.outputs(fn(a, b))
    for op in ("minimum", "maximum"):
        # PyTorch gives each side half the gradient where the operands are equal
        c = case(f"{op}_ties", op)
        c.outputs(BINARY[op](c.grid("a", 3, 4), c.grid("b", 4)))
    c = case("pow_negative_exponent", "pow")
    c.outputs(torch.pow(c.uniform("a", 0.5, 3.0, 3, 4), c.uniform("b", -3.0, -0.5, 4)))

    scalar_ops = {"add_scalar": lambda a, s: a + s, "sub_scalar": lambda a, s: a - s,
                  "mul_scalar": lambda a, s: a * s, "div_scalar": lambda a, s: a / s,
                  "pow_scalar": lambda a, s: torch.pow(a, s)}
    for op, fn in scalar_ops.items():
        for label, value, sa, views in [("0", 1.75, (2, 3), ()), ("1", -0.375, (3, LONG_ROW), (T,)),
                                        ("2", 3.0, (), ())]:
            c = case(f"{op}_{label}", op).attr("value", value)
            a = c.uniform("a", 0.5, 2.0, *sa, views=views) if op == "pow_scalar" else c.randn("a", *sa, views=views)
            c.outputs(fn(a, value))
    c = case("pow_scalar_half", "pow_scalar").attr("value", 0.5)
    c.outputs(torch.pow(c.uniform("a", 0.25, 4.0, 3, 4), 0.5))
    c = case("pow_scalar_square", "pow_scalar").attr("value", 2.0)
    c.outputs(torch.pow(c.uniform("a", 0.25, 4.0, 3, 4), 2.0))


def comparison_cases():
    ops = {"eq": torch.eq, "lt": torch.lt, "le": torch.le, "gt": torch.gt, "ge": torch.ge}
    for op, fn in ops.items():
        c = case(f"{op}_broadcast", op)
        c.outputs(fn(c.grid("a", 2, 3, 4), c.grid("b", 3, 1)))
        c = case(f"{op}_transposed_scalar", op)
        c.outputs(fn(c.grid("a", 4, 3, views=(T,)), c.values("b", [0.5], ())))
        c = case(f"{op}_same", op)
        c.outputs(fn(c.grid("a", 3, LONG_ROW), c.grid("b", 3, LONG_ROW)))
    c = case("where_broadcast", "where")
    cond = c.bool("cond", 2, 3, 4)
    c.outputs(torch.where(cond, c.randn("a", 3, 4), c.randn("b", 2, 1, 1)))
    c = case("where_transposed", "where")
    cond = c.bool("cond", 3, 4)
    c.outputs(torch.where(cond, c.randn("a", 4, 3, views=(T,)), c.randn("b")))
    c = case("where_cond_broadcast", "where")
    cond = c.bool("cond", 3, 1)
    c.outputs(torch.where(cond, c.randn("a", 1, 4), c.randn("b", 2, 3, 4)))
    c = case("where_same", "where")
    cond = c.bool("cond", 2, LONG_ROW)
    c.outputs(torch.where(cond, c.randn("a", 2, LONG_ROW), c.randn("b", 2, LONG_ROW)))


def unary_layouts():
    """(label, shape, views) of the layouts every unary op is checked on."""
    return [("small", (3, 4), ()), ("long", (3, LONG_ROW), ()), ("scalar", (), ()),
            ("transposed", (LONG_ROW, 3), (T,)), ("sliced", (4, 10), (("slice", 1, 1, 10, 3),))]


def unary_cases():
    # input makers: (case, shape, views) -> tensor
    def normal(c, s, v):
        return c.randn("x", *s, views=v)

    def positive(c, s, v):
        return c.uniform("x", 0.5, 3.0, *s, views=v)

    def kink(c, s, v):
        return c.away_from_zero("x", *s, views=v)

    def wide(c, s, v):
        return c.away_from_zero("x", *s, scale=4.0, views=v)

    table = [
        ("neg", normal, torch.neg), ("exp", normal, torch.exp), ("log", positive, torch.log),
        ("sqrt", positive, torch.sqrt), ("rsqrt", positive, torch.rsqrt), ("abs", kink, torch.abs),
        ("tanh", wide, torch.tanh), ("sigmoid", wide, torch.sigmoid), ("erf", normal, torch.erf),
        ("relu", kink, torch.relu), ("reciprocal", kink, torch.reciprocal), ("square", normal, torch.square),
        ("selu", wide, F.selu), ("softplus", wide, F.softplus), ("gelu", wide, F.gelu),
        ("geluTanh", wide, lambda x: F.gelu(x, approximate="tanh")), ("silu", wide, F.silu),
        ("hardSwish", wide, F.hardswish), ("relu6", wide, F.relu6),
        ("contiguous", normal, lambda x: x.contiguous()),
    ]
    layouts = unary_layouts()
    for op, make, fn in table:
        for label, s, views in layouts:
            if op == "contiguous" and not views:
                continue
            c = case(f"{op}_{label}", op)
            c.outputs(fn(make(c, s, views)))
    param = [
        ("clamp", lambda c: c.attr("min", -0.5).attr("max", 0.5), normal, lambda x: torch.clamp(x, -0.5, 0.5)),
        ("leakyRelu", lambda c: c.attr("alpha", 0.1), kink, lambda x: F.leaky_relu(x, 0.1)),
        ("elu", lambda c: c.attr("alpha", 0.7), wide, lambda x: F.elu(x, 0.7)),
        ("hardSigmoid", lambda c: c.attr("alpha", 0.2).attr("beta", 0.5), wide,
         lambda x: torch.clamp(0.2 * x + 0.5, 0, 1)),
    ]
    for op, attrs, make, fn in param:
        for label, s, views in layouts:
            c = case(f"{op}_{label}", op)
            attrs(c)
            c.outputs(fn(make(c, s, views)))
    c = case("clamp_wide", "clamp").attr("min", -2.0).attr("max", 1.0)
    c.outputs(torch.clamp(c.randn("x", 3, 4, scale=2.0), -2.0, 1.0))
    c = case("hardSigmoid_onnx_default", "hardSigmoid").attr("alpha", 1 / 6).attr("beta", 0.5)
    c.outputs(torch.clamp(float(np.float32(1 / 6)) * c.randn("x", 3, 4, scale=4.0) + 0.5, 0, 1))
    c = case("leakyRelu_steep", "leakyRelu").attr("alpha", 1.5)
    c.outputs(F.leaky_relu(c.away_from_zero("x", 3, 4), 1.5))


# ---------------------------------------------------------------- reductions

def reduction_cases():
    fns = {"sum": torch.sum, "mean": torch.mean, "max": torch.amax, "min": torch.amin}
    axes_list = [(), (0,), (1,), (-1,), (0, 2), (-3, -1), (2, 0), (1, 2)]
    for op, fn in fns.items():
        distinct = op in ("max", "min")
        for axes in axes_list:
            for keep in (True, False):
                label = "all" if not axes else "_".join(tag(a) for a in axes)
                c = case(f"{op}_{label}_{'keep' if keep else 'drop'}", op)
                c.attr("axes", *axes).attr("keepDims", 1 if keep else 0)
                make = c.distinct if distinct else c.randn
                # every other case reads a transposed view of its input
                views = (T,) if len(axes) % 2 == 0 else ()
                x = make("x", 2, 4, 3, views=views) if views else make("x", 2, 3, 4)
                c.outputs(fn(x, dim=axes if axes else (0, 1, 2), keepdim=keep))
        for axes in [(0,), (-1,)]:
            c = case(f"{op}_long_{tag(axes[0])}", op).attr("axes", *axes).attr("keepDims", 0)
            x = c.distinct("x", 5, LONG_ROW) if distinct else c.randn("x", 5, LONG_ROW)
            c.outputs(fn(x, dim=axes))
        c = case(f"{op}_noargs", op)  # no axes attribute: the no-argument overload, all axes, rank 0
        x = c.distinct("x", 3, 4) if distinct else c.randn("x", 3, 4)
        c.outputs(fn(x, dim=(0, 1)))
        c = case(f"{op}_scalar_input", op).attr("axes").attr("keepDims", 1)
        c.outputs(fn(c.randn("x"), dim=(), keepdim=True))
    for op, fn in [("max", torch.amax), ("min", torch.amin)]:
        # ties share the gradient equally (torch.amax / torch.amin)
        for label, axes, keep in [("1", (1,), False), ("all", (), False), ("0_2", (0, 2), True)]:
            c = case(f"{op}_ties_{label}", op).attr("axes", *axes).attr("keepDims", 1 if keep else 0)
            c.outputs(fn(c.grid("x", 3, 5, 2), dim=axes if axes else (0, 1, 2), keepdim=keep))

    for op, fn in [("argmax", torch.argmax), ("argmin", torch.argmin)]:
        for label, axis, keep, make, s, views in [
            ("0_drop", 0, False, "distinct", (3, 4, 2), ()),
            ("m1_keep", -1, True, "distinct", (3, 4, 5), ()),
            ("1_drop_transposed", 1, False, "distinct", (3, 2, 4), (T,)),
            ("1d", 0, False, "distinct", (LONG_ROW,), ()),
            ("long", -1, False, "distinct", (3, LONG_ROW), ()),
            # ties: the first occurrence wins (torch CPU, ONNX select_last_index = 0)
            ("ties_1", 1, False, "grid", (3, 6, 2), ()),
            ("ties_m1_keep", -1, True, "grid", (4, 6), ()),
        ]:
            c = case(f"{op}_{label}", op).attr("axis", axis).attr("keepDims", 1 if keep else 0)
            x = getattr(c, make)("x", *s, views=views)
            c.outputs(fn(x, dim=axis, keepdim=keep))

    for op, fn in [("softmax", F.softmax), ("logSoftmax", F.log_softmax)]:
        for label, axis, s, scale, views in [("0", 0, (2, 3, 4), 3.0, ()), ("1", 1, (2, 3, 4), 3.0, ()),
                                             ("m1", -1, (2, 3, 4), 3.0, ()), ("long", -1, (3, LONG_ROW), 3.0, ()),
                                             ("transposed", -1, (2, 5, 3), 3.0, (T,)),
                                             ("large", -1, (3, 6), 30.0, ()), ("1d", 0, (7,), 2.0, ())]:
            c = case(f"{op}_{label}", op).attr("axis", axis)
            c.outputs(fn(c.randn("x", *s, scale=scale, views=views), dim=axis))


# ---------------------------------------------------------------- linear algebra, conv, pooling

def matmul_cases():
    # (label, stored a, stored b, views of a, views of b)
    shapes = [
        ("2d", (3, 4), (4, 5), (), ()),
        ("2d_transposed", (4, 3), (5, 4), (T,), (T,)),
        ("batched_broadcast", (2, 1, 3, 4), (3, 4, 2), (), ()),
        ("batched_broadcast_4d", (3, 1, 2, 4), (5, 4, 2), (), ()),
        ("batched", (2, 3, 4), (2, 4, 6), (), ()),
        ("batched_transposed", (2, 4, 3), (2, 6, 4), (T,), (T,)),
        ("vec_batched", (4,), (2, 4, 3), (), ()),
        ("vec_mat", (4,), (4, 3), (), ()),
        ("mat_vec", (3, 4), (4,), (), ()),
        ("batched_vec", (2, 3, 4), (4,), (), ()),
        ("dot", (5,), (5,), (), ()),
        ("mat_expanded", (3, 4), (4, 1), (), (("expand", 4, 5),)),
        ("odd_sizes", (13, 21), (21, 18), (), ()),
        ("sliced", (6, 8), (4, 3), (("slice", 0, 0, 6, 2), ("slice", 1, 1, 8, 2)), ()),
    ]
    for label, sa, sb, va, vb in shapes:
        c = case(f"matmul_{label}", "matmul")
        a = c.randn("a", *sa, views=va)
        b = c.randn("b", *sb, views=vb)
        c.outputs(torch.matmul(a, b))


def conv_cases():
    # (label, x shape, w shape, bias, strideH, strideW, top, left, bottom, right, dilH, dilW, groups, x views)
    specs = [
        ("same_pad", (2, 3, 6, 6), (4, 3, 3, 3), True, 1, 1, 1, 1, 1, 1, 1, 1, 1, ()),
        ("asymmetric", (1, 2, 7, 6), (3, 2, 2, 3), False, 2, 1, 1, 0, 2, 1, 2, 1, 1, ()),
        ("groups2", (2, 4, 5, 5), (6, 2, 2, 2), True, 1, 1, 0, 0, 0, 0, 1, 1, 2, ()),
        ("depthwise", (1, 3, 7, 7), (3, 1, 3, 3), False, 2, 2, 1, 1, 1, 1, 1, 1, 3, ()),
        ("depthwise_multiplier", (2, 2, 6, 5), (4, 1, 3, 3), True, 1, 1, 1, 1, 1, 1, 1, 1, 2, ()),
        ("pointwise", (2, 4, 3, 5), (5, 4, 1, 1), True, 1, 1, 0, 0, 0, 0, 1, 1, 1, ()),
        ("pointwise_stride2", (1, 3, 5, 6), (2, 3, 1, 1), False, 2, 2, 0, 0, 0, 0, 1, 1, 1, ()),
        ("mixed", (1, 2, 9, 8), (2, 2, 3, 3), True, 3, 2, 2, 1, 0, 2, 1, 2, 1, ()),
        ("dilated_padded", (1, 3, 8, 8), (4, 3, 3, 3), True, 2, 2, 2, 2, 2, 2, 2, 2, 1, ()),
        ("rect_kernel", (2, 2, 5, 7), (3, 2, 1, 4), True, 1, 2, 0, 2, 0, 1, 1, 1, 1, ()),
        ("transposed_input", (1, 2, 6, 5), (3, 2, 3, 3), True, 1, 1, 1, 1, 1, 1, 1, 1, 1, (T,)),
        ("kernel_equals_input", (2, 3, 4, 4), (2, 3, 4, 4), True, 1, 1, 0, 0, 0, 0, 1, 1, 1, ()),
        ("groups3_stride", (1, 6, 7, 6), (6, 2, 3, 2), True, 2, 1, 1, 0, 0, 1, 1, 1, 3, ()),
    ]
    for label, xs, ws, bias, sh, sw, pt, pl, pb, pr, dh, dw, g, views in specs:
        c = case(f"conv2d_{label}", "conv2d").attr("spec", sh, sw, pt, pl, pb, pr, dh, dw, g)
        x = c.randn("x", *xs, views=views)
        w = c.randn("w", *ws)
        b = c.randn("b", ws[0]) if bias else None
        padded = F.pad(x, (pl, pr, pt, pb))
        c.outputs(F.conv2d(padded, w, b, stride=(sh, sw), dilation=(dh, dw), groups=g))


def pool_out(n, k, s, begin, end, ceil):
    span = n + begin + end - k
    out = (-(-span // s) if ceil else span // s) + 1
    if ceil and (out - 1) * s >= n + begin:
        out -= 1
    return out


def pool_loops(x, kh, kw, sh, sw, pt, pl, pb, pr, ceil, kind, include_pad):
    """Explicit-window pooling in autograd-able torch ops, for pads PyTorch's pool ops cannot take.

    Semantics of PyTorch (and ONNX): in ceil mode the last window must start inside the input or the
    leading padding; average pooling divides by the window clipped to the padded extent when padding
    counts, else by the number of input positions in it.
    """
    h, w = x.shape[2], x.shape[3]
    oh, ow = pool_out(h, kh, sh, pt, pb, ceil), pool_out(w, kw, sw, pl, pr, ceil)
    rows = []
    for i in range(oh):
        cols = []
        for j in range(ow):
            hs, ws = i * sh - pt, j * sw - pl
            he, we = min(hs + kh, h + pb), min(ws + kw, w + pr)
            win = x[:, :, max(hs, 0):min(he, h), max(ws, 0):min(we, w)]
            if kind == "max":
                cols.append(win.amax(dim=(2, 3)))
            else:
                count = (he - hs) * (we - ws) if include_pad else win.shape[2] * win.shape[3]
                cols.append(win.sum(dim=(2, 3)) / count)
        rows.append(torch.stack(cols, dim=-1))
    return torch.stack(rows, dim=-2)


def pool_cases():
    # (label, x shape, kh, kw, sh, sw, top, left, bottom, right, ceil, x views)
    specs = [
        ("k2s2", (2, 2, 4, 5), 2, 2, 2, 2, 0, 0, 0, 0, False, ()),
        ("k3s2p1_ceil", (1, 2, 5, 6), 3, 3, 2, 2, 1, 1, 1, 1, True, ()),
        ("k3s3p1_ceil", (1, 3, 7, 7), 3, 3, 3, 3, 1, 1, 1, 1, True, ()),
        ("k2s1p1", (2, 1, 6, 6), 2, 2, 1, 1, 1, 1, 1, 1, False, ()),
        ("k3s2p1", (1, 2, 7, 8), 3, 3, 2, 2, 1, 1, 1, 1, False, ()),
        ("rect", (1, 2, 6, 9), 2, 3, 2, 1, 1, 0, 1, 1, False, ()),
        ("ceil_rect", (2, 1, 7, 6), 3, 2, 2, 3, 1, 1, 1, 1, True, ()),
        ("asymmetric", (1, 2, 6, 7), 3, 3, 2, 2, 0, 1, 1, 0, False, ()),
        ("asymmetric_ceil", (1, 2, 6, 7), 3, 3, 2, 2, 1, 0, 0, 1, True, ()),
        ("ceil_drops_window_in_end_pad", (1, 1, 5, 5), 2, 2, 2, 2, 1, 1, 1, 1, True, ()),
        ("transposed_input", (1, 2, 7, 6), 3, 3, 2, 2, 1, 1, 1, 1, False, (T,)),
    ]
    for label, xs, kh, kw, sh, sw, pt, pl, pb, pr, ceil, views in specs:
        spec = (kh, kw, sh, sw, pt, pl, pb, pr, 1 if ceil else 0)
        symmetric = pt == pb and pl == pr
        c = case(f"maxPool2d_{label}", "maxPool2d").attr("spec", *spec)
        x = c.distinct("x", *xs, views=views)
        ref = pool_loops(x, kh, kw, sh, sw, pt, pl, pb, pr, ceil, "max", False)
        if symmetric:
            torch_out = F.max_pool2d(x, (kh, kw), (sh, sw), (pt, pl), ceil_mode=ceil)
            assert torch.equal(ref, torch_out), f"pool_loops disagrees with max_pool2d on {label}"
            ref = torch_out
        c.outputs(ref)
        for include in (True, False):
            c = case(f"avgPool2d_{label}_{'incl' if include else 'excl'}", "avgPool2d")
            c.attr("spec", *spec).attr("countIncludePad", 1 if include else 0)
            x = c.randn("x", *xs, views=views)
            ref = pool_loops(x, kh, kw, sh, sw, pt, pl, pb, pr, ceil, "avg", include)
            if symmetric:
                torch_out = F.avg_pool2d(x, (kh, kw), (sh, sw), (pt, pl), ceil_mode=ceil, count_include_pad=include)
                assert torch.allclose(ref, torch_out, rtol=tight(), atol=tight()), f"pool_loops vs avg_pool2d on {label}"
                ref = torch_out
            c.outputs(ref)
    for label, xs, views in [("0", (2, 3, 4, 5), ()), ("transposed", (1, 2, 6, 3), (T,)), ("1x1", (2, 3, 1, 1), ())]:
        c = case(f"globalAvgPool2d_{label}", "globalAvgPool2d")
        c.outputs(F.adaptive_avg_pool2d(c.randn("x", *xs, views=views), 1))
        c = case(f"globalMaxPool2d_{label}", "globalMaxPool2d")
        c.outputs(F.adaptive_max_pool2d(c.distinct("x", *xs, views=views), 1))


# ---------------------------------------------------------------- structure

def onnx_pad_index(n, begin, end, mode):
    """Source index for every output position of one axis under ONNX reflect or edge padding."""
    idx = []
    for i in range(-begin, n + end):
        if mode == "reflect":
            j = -i if i < 0 else (2 * (n - 1) - i if i >= n else i)
        else:
            j = min(max(i, 0), n - 1)
        idx.append(j)
    return torch.tensor(idx, dtype=torch.int64)


def structure_cases():
    c = case("concat_1", "concat").attr("axis", 1)
    c.outputs(torch.cat([c.randn("t0", 2, 2, 3), c.randn("t1", 2, 3, 3, views=(T,)), c.randn("t2", 2, 1, 3)], 1))
    c = case("concat_m1", "concat").attr("axis", -1)
    c.outputs(torch.cat([c.randn("t0", 3, 2), c.randn("t1", 3, 4)], -1))
    c = case("concat_0", "concat").attr("axis", 0)
    c.outputs(torch.cat([c.randn("t0", 1, 4), c.randn("t1", 3, 4), c.randn("t2", 2, 4)], 0))
    c = case("concat_single", "concat").attr("axis", 0)
    c.outputs(torch.cat([c.randn("t0", 2, 3)], 0))
    c = case("concat_with_empty", "concat").attr("axis", 1)
    c.outputs(torch.cat([c.randn("t0", 2, 2), c.randn("t1", 2, 0), c.randn("t2", 2, 3)], 1))
    c = case("concat_m2_sliced", "concat").attr("axis", -2)
    c.outputs(torch.cat([c.randn("t0", 2, 3, 4), c.randn("t1", 2, 4, 8, views=(("slice", 2, 0, 8, 2),))], -2))

    c = case("split_m1", "split").attr("axis", -1).attr("sizes", 1, 3, 1)
    c.outputs(*torch.split(c.randn("x", 3, 5), [1, 3, 1], dim=-1))
    c = case("split_0_empty_piece", "split").attr("axis", 0).attr("sizes", 2, 0, 2)
    c.outputs(*torch.split(c.randn("x", 3, 4, views=(T,)), [2, 0, 2], dim=0))
    c = case("split_1_3d", "split").attr("axis", 1).attr("sizes", 2, 2, 1)
    c.outputs(*torch.split(c.randn("x", 2, 5, 3), [2, 2, 1], dim=1))
    c = case("split_whole", "split").attr("axis", 0).attr("sizes", 3)
    c.outputs(*torch.split(c.randn("x", 3, 2), [3], dim=0))

    # ONNX Gather: out shape = shape[:axis] + indices.shape + shape[axis+1:]; negative indices wrap
    for label, axis, xs, idx, ishape, views in [
        ("0_2d_indices", 0, (4, 3), [2, -1, 0, 2, 1, 1], (2, 3), ()),
        ("1_negative", 1, (2, 4, 3), [3, 0, -2], (3,), ()),
        ("m1_scalar_index", -1, (3, 4), [1], (), ()),
        ("0_scalar_index_1d", 0, (5,), [-5], (), ()),
        ("2_repeated", 2, (2, 3, 4), [3, 3, -1, 0], (2, 2), ()),
        ("1_transposed", 1, (4, 3), [0, 2, 2, -3], (4,), (T,)),
    ]:
        c = case(f"gather_{label}", "gather").attr("axis", axis)
        x = c.randn("x", *xs, views=views)
        c.long("indices", idx, ishape)
        ax = axis % x.dim()
        n = x.shape[ax]
        wrapped = torch.tensor([v % n for v in idx], dtype=torch.int64)
        c.outputs(x.index_select(ax, wrapped).reshape(tuple(x.shape[:ax]) + ishape + tuple(x.shape[ax + 1:])))

    for label, axis, xs, idx, views in [("m1_transposed", -1, (4, 3), [3, 0, 3], (T,)),
                                        ("0_repeated", 0, (4, 2, 3), [1, 1, 3, 0, 1], ()),
                                        ("1_empty", 1, (2, 3), [], ())]:
        c = case(f"indexSelect_{label}", "indexSelect").attr("axis", axis)
        x = c.randn("x", *xs, views=views)
        c.long("indices", idx, (len(idx),))
        c.outputs(x.index_select(axis % x.dim(), torch.tensor(idx, dtype=torch.int64)))

    # torch.gather semantics (ONNX GatherElements); negative indices wrap
    for label, axis, xs, idx, ishape in [("1", 1, (3, 4), [3, 0, -1, 1, 1, 2], (2, 3)),
                                         ("0", 0, (3, 4), [2, 0, 1, 2], (1, 4)),
                                         ("m1_3d", -1, (2, 3, 4), [0, 3, 3, -4, 1, 2, 2, 2, 1, 0, -1, 3], (2, 3, 2))]:
        c = case(f"gatherElements_{label}", "gatherElements").attr("axis", axis)
        x = c.randn("x", *xs)
        c.long("indices", idx, ishape)
        n = xs[axis]
        wrapped = torch.tensor([v % n for v in idx], dtype=torch.int64).reshape(ishape)
        c.outputs(torch.gather(x, axis, wrapped))

    # pad, ONNX layout [x1_begin, x2_begin, ..., x1_end, x2_end, ...]; mode 0 constant, 1 reflect, 2 edge
    for label, xs, pads, value, views in [
        ("constant_crop", (3, 4), [1, 0, 2, -1], 3.0, ()),
        ("constant_all_axes", (2, 3, 4), [1, 0, 2, 0, 3, 1], -1.5, ()),
        ("constant_1d", (5,), [2, 3], 0.0, ()),
        ("constant_transposed", (4, 3), [0, 1, 2, 0], 0.25, (T,)),
        ("constant_crop_both", (4, 5), [-1, -2, -1, 1], 0.0, ()),
    ]:
        c = case(f"pad_{label}", "pad").attr("pads", *pads).attr("mode", 0).attr("value", value)
        x = c.randn("x", *xs, views=views)
        r = x.dim()
        torch_pads = []
        for a in reversed(range(r)):
            torch_pads += [pads[a], pads[a + r]]
        c.outputs(F.pad(x, tuple(torch_pads), value=value))
    for label, mode, xs, pads, views in [
        ("reflect_4d", "reflect", (1, 2, 4, 5), [0, 0, 2, 1, 0, 0, 1, 3], ()),
        ("reflect_every_axis", "reflect", (3, 4, 3), [2, 1, 0, 1, 3, 2], ()),
        ("reflect_1d_max", "reflect", (4,), [3, 3], ()),
        ("reflect_transposed", "reflect", (5, 3), [1, 2, 2, 4], (T,)),
        ("edge_4d", "edge", (1, 2, 4, 5), [0, 0, 2, 1, 0, 0, 1, 3], ()),
        ("edge_every_axis", "edge", (2, 3, 2), [3, 1, 0, 1, 4, 2], ()),
        ("edge_1d_wide", "edge", (3,), [5, 4], ()),
        ("edge_transposed", "edge", (5, 3), [1, 2, 2, 4], (T,)),
    ]:
        c = case(f"pad_{label}", "pad").attr("pads", *pads).attr("mode", 1 if mode == "reflect" else 2)
        c.attr("value", 0.0)
        x = c.randn("x", *xs, views=views)
        r = x.dim()
        y = x
        for a in range(r):
            y = y.index_select(a, onnx_pad_index(x.shape[a], pads[a], pads[a + r], mode))
        np_pads = [(pads[a], pads[a + r]) for a in range(r)]
        assert np.array_equal(y.detach().numpy(), np.pad(x.detach().numpy(), np_pads, mode=mode)), label
        c.outputs(y)


def view_cases():
    c = case("reshape_transposed", "reshape").attr("shape", 4, -1)
    c.outputs(c.randn("x", 3, 4, views=(T,)).reshape(4, -1))
    c = case("reshape_contiguous", "reshape").attr("shape", 2, 2, 6)
    c.outputs(c.randn("x", 4, 6).reshape(2, 2, 6))
    c = case("reshape_to_scalar", "reshape").attr("shape")
    c.outputs(c.randn("x", 1, 1).reshape(()))
    c = case("permute", "permute").attr("axes", 2, 0, 1)
    c.outputs(c.randn("x", 2, 3, 4).permute(2, 0, 1))
    c = case("permute_negative_transposed", "permute").attr("axes", -1, 0, -2)
    c.outputs(c.randn("x", 2, 4, 3, views=(T,)).permute(-1, 0, -2))
    c = case("transpose", "transpose").attr("axes", 0, -1)
    c.outputs(c.randn("x", 2, 3, 4).transpose(0, -1))
    c = case("transpose_same_axis", "transpose").attr("axes", 1, 1)
    c.outputs(c.randn("x", 2, 3).transpose(1, 1))
    for label, axis, start, end, step, xs, views in [
        ("negative_start", 1, -4, 5, 2, (5, 3), (T,)),
        ("clamped", 0, -10, 10, 1, (3, 4), ()),
        ("step3", -1, 1, -1, 3, (2, 10), ()),
        ("empty", 0, 3, 1, 1, (4, 2), ()),
        ("last", 1, -1, 100, 1, (2, 4), ()),
    ]:
        c = case(f"slice_{label}", "slice").attr("axis", axis).attr("range", start, end, step)
        x = c.randn("x", *xs, views=views)
        index = [slice(None)] * x.dim()
        index[axis] = slice(start, end, step)
        c.outputs(x[tuple(index)])
    c = case("squeeze_all", "squeeze").attr("axes")
    c.outputs(c.randn("x", 3, 1, 4, 1).squeeze())
    c = case("squeeze_negative", "squeeze").attr("axes", -1)
    c.outputs(c.randn("x", 1, 3, 1, 4, 1).squeeze(-1))
    c = case("squeeze_two", "squeeze").attr("axes", 0, 2)
    c.outputs(c.randn("x", 1, 3, 1, 4, 1).squeeze(2).squeeze(0))
    c = case("unsqueeze_1", "unsqueeze").attr("axis", 1)
    c.outputs(c.randn("x", 3, 4).unsqueeze(1))
    c = case("unsqueeze_m1", "unsqueeze").attr("axis", -1)
    c.outputs(c.randn("x", 3, 4).unsqueeze(-1))
    c = case("unsqueeze_scalar", "unsqueeze").attr("axis", 0)
    c.outputs(c.randn("x").unsqueeze(0))
    c = case("expand_new_axes", "expand").attr("shape", 2, 3, 4)
    c.outputs(c.randn("x", 3, 1).expand(2, 3, 4))
    c = case("expand_middle", "expand").attr("shape", 2, 5, 3)
    c.outputs(c.randn("x", 2, 1, 3).expand(2, 5, 3))
    c = case("expand_scalar", "expand").attr("shape", 2, 3)
    c.outputs(c.randn("x").expand(2, 3))
    c = case("flatten_1", "flatten").attr("axis", 1)
    c.outputs(c.randn("x", 2, 3, 4).flatten(1))
    c = case("flatten_0_transposed", "flatten").attr("axis", 0)
    c.outputs(c.randn("x", 2, 4, 3, views=(T,)).flatten(0))
    c = case("flatten_m1", "flatten").attr("axis", -1)
    c.outputs(c.randn("x", 2, 3, 4).flatten(-1))


# ---------------------------------------------------------------- casts, boolean ops, creation

def cast_cases():
    edge = [0.5, -0.5, 0.99999994, -0.99999994, 1.0, -1.0, 2.5, -2.5, 16777216.0, -3000000.75, 0.0, -0.0]
    c = case("toLong_random", "toLong")
    c.outputs(torch.trunc(c.randn("x", 3, 4, scale=5.0)).to(torch.int64))
    c = case("toLong_edges", "toLong")
    c.outputs(torch.trunc(c.values("x", edge, (12,))).to(torch.int64))
    c = case("toLong_transposed", "toLong")
    c.outputs(torch.trunc(c.randn("x", 4, 3, scale=5.0, views=(T,))).to(torch.int64))
    c = case("toBool_grid", "toBool")
    c.outputs(c.grid("x", 3, 4) != 0)
    c = case("toBool_edges", "toBool")
    c.outputs(c.values("x", edge + [1e-30], (13,)) != 0)
    c = case("longToFloat", "longToFloat")
    c.outputs(c.long("x", [0, -1, 7, 16777216, -123456, 42], (2, 3)).to(torch.get_default_dtype()))
    c = case("longToBool", "longToBool")
    c.outputs(c.long("x", [0, -1, 7, 0, 0, 1 << 40], (3, 2)) != 0)
    c = case("boolToFloat", "boolToFloat")
    c.outputs(c.bool("x", 3, 4).to(torch.get_default_dtype()))
    c = case("boolToLong", "boolToLong")
    c.outputs(c.bool("x", 2, 5).to(torch.int64))
    c = case("not", "not")
    c.outputs(torch.logical_not(c.bool("x", 3, 4)))
    for op, fn in [("and", torch.logical_and), ("or", torch.logical_or)]:
        c = case(f"{op}_same", op)
        c.outputs(fn(c.bool("a", 3, 4), c.bool("b", 3, 4)))
        c = case(f"{op}_broadcast", op)
        c.outputs(fn(c.bool("a", 2, 3, 1), c.bool("b", 4)))


def creation_cases():
    for n in (0, 1, 7):
        c = case(f"arange_{n}", "arange").attr("n", n)
        c.outputs(torch.arange(n, dtype=torch.get_default_dtype()))
    c = case("full", "full").attr("value", -2.75).attr("shape", 2, 3)
    c.outputs(torch.full((2, 3), -2.75))
    c = case("zeros", "zeros").attr("shape", 3, 1, 2)
    c.outputs(torch.zeros(3, 1, 2))
    c = case("ones", "ones").attr("shape", 4)
    c.outputs(torch.ones(4))
    c = case("scalar", "scalar").attr("value", 1.5)
    c.outputs(torch.tensor(1.5))


def trig_cases():
    """Trigonometric functions and their inverses, each on the unary layouts."""
    table = [
        ("sin", lambda c, s, v: c.away_from_zero("x", *s, scale=4.0, views=v), torch.sin),
        ("cos", lambda c, s, v: c.away_from_zero("x", *s, scale=4.0, views=v), torch.cos),
        # inside (-pi/2, pi/2), away from the poles where float32 cannot resolve the steep slope
        ("tan", lambda c, s, v: c.uniform("x", -1.3, 1.3, *s, views=v), torch.tan),
        # inside (-1, 1), away from the ends where the derivative 1/sqrt(1 - x^2) blows up
        ("asin", lambda c, s, v: c.uniform("x", -0.9, 0.9, *s, views=v), torch.asin),
        ("acos", lambda c, s, v: c.uniform("x", -0.9, 0.9, *s, views=v), torch.acos),
        ("atan", lambda c, s, v: c.away_from_zero("x", *s, scale=4.0, views=v), torch.atan),
    ]
    layouts = unary_layouts()
    for op, make, fn in table:
        for label, s, views in layouts:
            c = case(f"{op}_{label}", op)
            c.outputs(fn(make(c, s, views)))


def all_cases():
    _seed[0] = 0
    # new cases go last: seeds are handed out in order, so earlier cases keep their data
    for make in (binary_cases, comparison_cases, unary_cases, reduction_cases, matmul_cases, conv_cases,
                 pool_cases, structure_cases, view_cases, cast_cases, creation_cases, trig_cases):
        make()


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".txt"):
            os.remove(os.path.join(OUT, f))
    torch.set_default_dtype(torch.float64)
    all_cases()
    files = [f for f in os.listdir(OUT) if f.endswith(".txt")]
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in files)
    print(f"wrote {len(files)} cases ({total} bytes) to {OUT}")
    assert total < 1_000_000, "golden data should stay well under 1 MB"

    # Fairness check: the same cases in PyTorch float32 against the stored float64 results. A case
    # that PyTorch's own float32 arithmetic cannot pass within the Java tolerance tests the
    # tolerance, not the engine; the list below should stay empty.
    torch.set_default_dtype(torch.float32)
    all_cases()
    torch.set_default_dtype(torch.float64)
    ranked = sorted(MARGIN.items(), key=lambda kv: -kv[1])
    print("PyTorch float32 error / tolerance, largest: "
          + ", ".join(f"{name} {ratio:.2f}" for name, ratio in ranked[:8]))
    unfair = [name for name, ratio in ranked if ratio > 1 and name not in FLOAT32_FORMULA_LOSS]
    for name, why in FLOAT32_FORMULA_LOSS.items():
        print(f"note: PyTorch float32 misses {name} by {MARGIN[name]:.2f}x the tolerance: {why}")
    if unfair:
        print(f"WARNING: PyTorch float32 is out of tolerance on {len(unfair)} cases: {' '.join(unfair)}")


if __name__ == "__main__":
    main()
