package dev.graft.engine.kernels;

/** Placeholder scalar erf, replaced by the vectorised kernel on the kernels branch. */
public final class Erf {
    private Erf() {
    }

    /** @return erf(x) */
    public static float erf(float x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 0.5) {
            double x2 = ax * ax, term = ax, sum = ax;
            for (int n = 1; n < 12; n++) {
                term *= -x2 / n;
                sum += term / (2 * n + 1);
            }
            r = sum * 2 / Math.sqrt(Math.PI);
        } else {
            double t = 1 / (1 + 0.5 * ax);
            double erfc = t * Math.exp(-ax * ax - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                    + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                    + t * (-0.82215223 + t * 0.17087277)))))))));
            r = 1 - erfc;
        }
        return (float) Math.copySign(r, x);
    }

    /** Applies erf to a range. */
    public static void apply(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = erf(x[xo + i]);
        }
    }
}
