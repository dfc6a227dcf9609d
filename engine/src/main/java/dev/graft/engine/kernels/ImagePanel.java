package dev.graft.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The column matrix of a convolution, read straight from a zero-padded image while {@link Gemm}
 * packs its panels, so it never exists in memory as a whole.
 *
 * <p>Entry {@code (r, j)} of the column matrix, kernel tap {@code r} at output position {@code j},
 * is {@code src[rowOff[r] + j]}: {@code rowOff[r]} places tap {@code r} (its channel, its stride
 * phase and its offset in the kernel window) in the padded image that
 * {@link Conv2dKernel} prepares, and outputs are numbered across the width of that image, so every
 * row of a panel is one contiguous run copied with vector loads. The few outputs that fall past
 * each output row are computed and then dropped by the caller.
 *
 * <p>{@link #transposed} serves the weight gradient, whose product needs the transpose of the
 * column matrix. The fields are set by one thread before the product starts and only read while
 * it runs, so one instance may serve every worker.
 */
final class ImagePanel implements Gemm.PanelSource {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int NR = Gemm.NR;

    float[] src;
    int[] rowOff;
    /** Pack the transpose (outputs as depth, taps as columns), for the weight gradient. */
    boolean transposed;

    @Override
    public void pack(int p0, int kc, int j0, int nc, float[] bp) {
        if (transposed) {
            packTransposed(p0, kc, j0, nc, bp);
            return;
        }
        for (int t = 0; t < nc; t += NR) {
            int cols = Math.min(NR, nc - t);
            int base = t * kc;
            int js = j0 + t;
            if (cols == NR) {
                for (int p = 0; p < kc; p++) {
                    int s = rowOff[p0 + p] + js;
                    int d = base + p * NR;
                    FloatVector.fromArray(S, src, s).intoArray(bp, d);
                    FloatVector.fromArray(S, src, s + L).intoArray(bp, d + L);
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int s = rowOff[p0 + p] + js;
                    int d = base + p * NR;
                    for (int jj = 0; jj < cols; jj++) {
                        bp[d + jj] = src[s + jj];
                    }
                    for (int jj = cols; jj < NR; jj++) {
                        bp[d + jj] = 0f;
                    }
                }
            }
        }
    }

    /** Packs the transpose: depth {@code p} is output {@code p0 + p}, column {@code j} is tap {@code j0 + j}. */
    private void packTransposed(int p0, int kc, int j0, int nc, float[] bp) {
        for (int t = 0; t < nc; t += NR) {
            int cols = Math.min(NR, nc - t);
            int base = t * kc;
            for (int jj = 0; jj < cols; jj++) {
                int r = rowOff[j0 + t + jj] + p0;
                for (int p = 0, d = base + jj; p < kc; p++, d += NR) {
                    bp[d] = src[r + p];
                }
            }
            for (int jj = cols; jj < NR; jj++) {
                for (int p = 0, d = base + jj; p < kc; p++, d += NR) {
                    bp[d] = 0f;
                }
            }
        }
    }
}
