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
 * <p>The weight gradient reads the same rows, {@link #src} from {@link #rowOff}, in place as the
 * left operand of its product. The fields are set by one thread before the product starts and
 * only read while it runs, so one instance may serve every worker.
 */
final class ImagePanel implements Gemm.PanelSource {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int NR = Gemm.NR;

    float[] src;
    int[] rowOff;

    @Override
    public void pack(int p0, int kc, int j0, int nc, float[] bp) {
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
}
