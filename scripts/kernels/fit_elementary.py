#!/usr/bin/env python3
"""Fits the polynomial coefficients of the engine's float32 exp, log and tanh kernels.

The kernels (engine/src/main/java/dev/graft/engine/kernels/Exp.java, Log.java, Tanh.java) reduce
their argument to a short interval and evaluate a polynomial there:

  exp:  exp(r)    = 1 + r (1 + r (c2 + r (c3 + r (c4 + r (c5 + r c6)))))   |r| <= ln2/2
  log:  log(1+f)  = f + f^2 (-1/2 + f R(f)), R of degree 7              f in [sqrt(1/2)-1, sqrt(2)-1]
  tanh: tanh(x)   = x + x^3 P(x^2), P of degree 4                       |x| <= 0.5625

The free coefficients minimise the maximum relative error of the whole function on a dense grid
(Lawson's iteratively reweighted least squares, which converges to the minimax solution on the
grid). They are then rounded to float32 one at a time, from the lowest degree up, refitting the
remaining ones after each rounding so that the later coefficients absorb the earlier rounding.
References come from mpmath at 40 digits. Run with Debian's Python (python3-numpy, python3-mpmath):

    /usr/bin/python3 scripts/kernels/fit_elementary.py

It prints the float32 coefficients as Java constants and the relative error each fit reaches in
exact arithmetic; the Java tests (ExpTest, LogTest, TanhTest) measure the error of the float32
evaluation itself.
"""

import mpmath
import numpy as np

mpmath.mp.dps = 40
GRID = 4000
LAWSON_ITERATIONS = 400


def lawson(basis, target, weight, fixed=()):
    """Minimax fit of sum_k c_k basis[:, k] ~ target, error measured as weight * (fit - target).

    fixed: (column, value) pairs already decided; returns all coefficients."""
    fixed = dict(fixed)
    free = [k for k in range(basis.shape[1]) if k not in fixed]
    rhs = target - sum(v * basis[:, k] for k, v in fixed.items()) if fixed else target.copy()
    a = basis[:, free] * weight[:, None]
    b = rhs * weight
    scale = np.abs(a).max(axis=0)
    a = a / scale
    lw = np.full(len(b), 1.0 / len(b))
    for _ in range(LAWSON_ITERATIONS):
        s = np.sqrt(lw)
        c, *_ = np.linalg.lstsq(a * s[:, None], b * s, rcond=None)
        err = np.abs(a @ c - b)
        lw = lw * err
        lw /= lw.sum()
    coeffs = np.zeros(basis.shape[1])
    for k, v in fixed.items():
        coeffs[k] = v
    coeffs[free] = c / scale
    return coeffs


def fit_rounded(basis, target, weight):
    """Rounds coefficients to float32 from the first column on, refitting the rest each time."""
    fixed = []
    for k in range(basis.shape[1]):
        c = lawson(basis, target, weight, fixed)
        fixed.append((k, float(np.float32(c[k]))))
    return np.array([v for _, v in fixed])


def chebyshev_grid(lo, hi):
    """Grid points clustered towards the ends, where minimax errors peak."""
    t = np.cos(np.linspace(np.pi, 0, GRID))
    return 0.5 * (lo + hi) + 0.5 * (hi - lo) * t


def fit_exp():
    lo, hi = -0.35, 0.35
    r = chebyshev_grid(lo, hi)
    r = r[np.abs(r) > 1e-6]
    # exp(r) = 1 + r + r^2 Q(r); Q(r) = (exp(r) - 1 - r) / r^2 with Q of degree 4 (c2..c6).
    q = np.array([float((mpmath.exp(mpmath.mpf(v)) - 1 - mpmath.mpf(v)) / mpmath.mpf(v) ** 2) for v in r])
    weight = r ** 2 / np.exp(r)
    basis = np.stack([r ** k for k in range(5)], axis=1)
    return report("exp", fit_rounded(basis, q, weight), basis, q, weight, first_degree=2)


def fit_log():
    lo, hi = np.sqrt(0.5) - 1, np.sqrt(2) - 1
    f = chebyshev_grid(lo - 1e-3, hi + 1e-3)
    f = f[np.abs(f) > 1e-6]
    # log(1+f) = f - f^2/2 + f^3 R(f); R(f) = (log(1+f) - f + f^2/2) / f^3.
    g = np.array([float((mpmath.log1p(mpmath.mpf(v)) - mpmath.mpf(v) + mpmath.mpf(v) ** 2 / 2) / mpmath.mpf(v) ** 3)
                  for v in f])
    weight = np.abs(f ** 3 / np.log1p(f))
    basis = np.stack([f ** k for k in range(8)], axis=1)
    return report("log", fit_rounded(basis, g, weight), basis, g, weight, first_degree=3)


def fit_tanh():
    x = chebyshev_grid(0, 0.5625)
    x = x[x > 1e-4]
    # tanh(x) = x + x^3 P(x^2); P(t) = (tanh(x) - x) / x^3.
    p = np.array([float((mpmath.tanh(mpmath.mpf(v)) - mpmath.mpf(v)) / mpmath.mpf(v) ** 3) for v in x])
    weight = x ** 3 / np.tanh(x)
    basis = np.stack([x ** (2 * k) for k in range(5)], axis=1)
    return report("tanh", fit_rounded(basis, p, weight), basis, p, weight, first_degree=3, step=2)


def report(name, coeffs, basis, target, weight, first_degree, step=1):
    err = np.abs(weight * (basis @ coeffs - target)).max()
    print(f"// {name}: max relative error of the float32 coefficients in exact arithmetic {err:.3g}")
    for k, c in enumerate(coeffs):
        print(f"    coefficient of x^{first_degree + step * k}: {repr(float(np.float32(c)))}f")
    return coeffs


if __name__ == "__main__":
    fit_exp()
    fit_log()
    fit_tanh()
