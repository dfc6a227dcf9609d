package dev.graft.engine.kernels;

import dev.graft.engine.Parallel;
import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision general matrix multiply with row-major BLAS {@code sgemm} semantics:
 * {@code C = alpha * op(A) * op(B) + beta * C}.
 *
 * <p>The structure is the classic one of Goto and van de Geijn. {@code op(B)} is cut into panels of
 * up to 256 rows (the depth) by up to 128 micro-tile widths and packed into slivers one micro-tile
 * wide (two vectors: 16 columns on AVX2, 32 on AVX-512); {@code op(A)} is cut into blocks of up to
 * 80 rows and packed into slivers 5 rows tall. A register-blocked micro-kernel then multiplies one
 * A sliver by one B sliver, keeping a 5 x 2-vector tile of C in ten vector registers, reading each
 * packed element exactly once with unit stride. Transposes and alpha cost nothing beyond packing.
 *
 * <p>Large products are split over the shared {@link Parallel} threads by rows, or by columns when
 * that balances better (few rows), each task packing its own operands into per-thread buffers.
 * When A is a single block (up to 80 rows, a convolution's weights for instance) it is packed once
 * and B streams through panels narrow enough to stay in L2 between packing and use. B may also be
 * packed by the caller ({@link PanelSource}), which is how convolutions avoid a column matrix.
 * A product with a single row or column of C is a matrix-vector product, bound by memory rather
 * than arithmetic, and goes to {@link Gemv} unpacked.
 */
public final class Gemm {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * Rows of the micro-tile. Five rows give ten independent FMA chains, enough to cover the FMA
     * latency on two pipes, and leave room in the 16 AVX2 registers for the two B vectors and the
     * A broadcasts C2 likes to hoist. Six rows (twelve accumulators) run as fast on JDK 17 but make
     * JDK 25's C2 spill an accumulator to the stack inside the loop, costing about 15%. With
     * 512-bit vectors (32 registers) an eight-row kernel was measured against this one on both
     * JDKs (BENCHMARKS.md): no difference beyond the noise, so the five rows stay everywhere.
     */
    static final int MR = 5;
    /** Columns of the micro-tile: two vectors. */
    static final int NR = 2 * L;
    /**
     * Depth of a packed panel. Deep panels amortise what each micro-kernel call costs besides its
     * depth steps (above all reading and writing its tile of C, which in a large product comes
     * from memory): measured on Zen 4 with AVX-512, KC 768 against 256 took 4096x384x384 from 87
     * to 103 GFLOP/s and 4096x1536x384 from 89 to 105, while 128 lost 15-20%. A B sliver (KC x NR
     * floats, 96 KiB there) then streams from L2 rather than staying in L1, which the hardware
     * prefetcher hides.
     */
    static final int KC = 768;
    /** Rows of a packed A block: MC x KC floats (240 KiB) stay in L2 while every B sliver passes. */
    static final int MC = 16 * MR;
    /** Columns of a packed B panel: KC x NC floats (6 MiB on AVX2) are meant for the L3. */
    static final int NC = 128 * NR;
    /** Columns of a B panel when there is a single A block: 4 slivers, 384 KiB of B at KC on AVX-512. */
    static final int NARROW_NC = 4 * NR;
    /** Multiply-adds below which a task is not worth forking. */
    private static final long MIN_TASK_WORK = 1L << 18;

    /** Per-thread packing buffers, so packing never allocates after a thread's first call. */
    private static final class Scratch {
        final float[] a = new float[MC * KC];
        final float[] tile = new float[MR * NR];
        float[] b = new float[0];
        float[] aAll = new float[0];
        final int[] strides = new int[L];
        int strideOf = -1;

        float[] b(int size) {
            if (b.length < size) {
                b = new float[size];
            }
            return b;
        }

        float[] aAll(int size) {
            if (aAll.length < size) {
                aAll = new float[size];
            }
            return aAll;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Gemm() {
    }

    /**
     * Computes {@code C = alpha * op(A) * op(B) + beta * C} on row-major matrices, where
     * {@code op(X)} is {@code X} or its transpose, {@code op(A)} is {@code m x k}, {@code op(B)} is
     * {@code k x n} and {@code C} is {@code m x n}. When {@code beta == 0}, {@code C} is overwritten
     * without being read (NaN in it does not propagate); when {@code alpha == 0} or {@code k == 0},
     * {@code A} and {@code B} are not read. {@code C} must not overlap {@code A} or {@code B}.
     *
     * @param transA whether {@code op(A)} is {@code A}ᵀ (then {@code A} is stored {@code k x m})
     * @param transB whether {@code op(B)} is {@code B}ᵀ (then {@code B} is stored {@code n x k})
     * @param m rows of {@code op(A)} and {@code C}
     * @param n columns of {@code op(B)} and {@code C}
     * @param k columns of {@code op(A)}, rows of {@code op(B)}
     * @param alpha scale of the product
     * @param a storage of {@code A}
     * @param aOff index of {@code A[0][0]} in {@code a}
     * @param lda distance between row starts of the stored {@code A}, at least its column count
     * @param b storage of {@code B}
     * @param bOff index of {@code B[0][0]} in {@code b}
     * @param ldb distance between row starts of the stored {@code B}, at least its column count
     * @param beta scale of the old {@code C}
     * @param c storage of {@code C}
     * @param cOff index of {@code C[0][0]} in {@code c}
     * @param ldc distance between row starts of {@code C}, at least {@code n}
     * @throws IllegalArgumentException if a size or offset is negative, a leading dimension is
     *     smaller than its row, or an operand does not fit in its array
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        Objects.requireNonNull(a, "sgemm: a is null");
        Objects.requireNonNull(b, "sgemm: b is null");
        Objects.requireNonNull(c, "sgemm: c is null");
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(
                    "sgemm: m, n and k must be >= 0, got m=" + m + ", n=" + n + ", k=" + k);
        }
        Checks.matrix("sgemm", "a", a.length, aOff, transA ? k : m, transA ? m : k, lda);
        Checks.matrix("sgemm", "b", b.length, bOff, transB ? n : k, transB ? k : n, ldb);
        Checks.matrix("sgemm", "c", c.length, cOff, m, n, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (alpha == 0f || k == 0) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if (m == 1) {
            // C is one row: C^T = op(B)^T op(A)^T, a matrix-vector product over the stored B.
            Gemv.run(!transB, transB ? n : k, transB ? k : n, alpha, b, bOff, ldb,
                    a, aOff, transA ? lda : 1, beta, c, cOff, 1);
            return;
        }
        if (n == 1) {
            Gemv.run(transA, transA ? k : m, transA ? m : k, alpha, a, aOff, lda,
                    b, bOff, transB ? 1 : ldb, beta, c, cOff, ldc);
            return;
        }
        product(transA, m, n, k, alpha, a, aOff, lda, matrix(transB, b, bOff, ldb), beta, c, cOff, ldc, null);
    }

    /** A stored, row-major {@code B} (or its transpose) as a {@link PanelSource}. */
    static PanelSource matrix(boolean transB, float[] b, int bOff, int ldb) {
        return (p0, kc, j0, nc, bp) -> packB(transB, b, bOff, ldb, p0, kc, j0, nc, bp, 0);
    }

    /**
     * A source of B for {@link #product}: packs {@code op(B)[p0..p0+kc)[j0..j0+nc)} as slivers of
     * {@link #NR} columns, each stored row after row ({@code NR} consecutive floats per depth step),
     * zero-padded to a whole sliver. Convolutions implement it to pack straight from the image,
     * so their column matrix never exists beyond one cache-sized panel.
     */
    @FunctionalInterface
    interface PanelSource {
        /**
         * Packs one panel.
         *
         * @param p0 first depth row
         * @param kc depth rows
         * @param j0 first column
         * @param nc columns
         * @param bp the destination, {@code kc * roundUp(nc, NR)} floats from 0
         */
        void pack(int p0, int kc, int j0, int nc, float[] bp);
    }

    /**
     * {@code C = alpha * op(A) * B + beta * C} with B given by its packer rather than stored, split
     * over the {@link Parallel} threads (unless already in a parallel range) into row or column
     * bands, whichever divides more evenly, then {@code epilogue} (if not null) on every row
     * segment of C. Arguments are as for {@link #sgemm} and are not checked: callers in this
     * package guarantee them. Never takes the matrix-vector shortcut, which needs a stored B.
     */
    static void product(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                        PanelSource b, float beta, float[] c, int cOff, int ldc, RowEpilogue epilogue) {
        if (m == 0 || n == 0) {
            return;
        }
        if (alpha == 0f || k == 0) {
            scale(m, n, beta, c, cOff, ldc);
            finish(epilogue, 0, m, 0, n, c, cOff, ldc);
            return;
        }
        split(m, n, k, (m0, m1, n0, n1) ->
                block(null, transA, m0, m1, n0, n1, k, alpha, a, aOff, lda, null, b, beta, c, cOff, ldc, epilogue));
    }

    /**
     * {@code alpha * op(A)} packed once for every depth block, in the layout {@link #product} reads,
     * so a matrix used by many products (a convolution's weights, over images, calls or a frozen
     * model's lifetime) is packed only once. Block {@code b} starts at {@code b * kStep * rowsPadded};
     * within it, rows {@code i .. i+MR} are a sliver at {@code i * kc}.
     */
    static final class Packed {
        final float[] data;
        final int base;
        final int m;
        final int k;
        final int kStep;
        final int rowsPadded;

        private Packed(int m, int k, float[] data, int base) {
            this.m = m;
            this.k = k;
            this.kStep = depthStep(k);
            this.rowsPadded = roundUp(m, MR);
            this.data = data;
            this.base = base;
        }

        int blockOffset(int blk) {
            return base + blk * kStep * rowsPadded;
        }
    }

    /**
     * {@code op(B)} ({@code k x n}) packed once for every depth block and column sliver, in the
     * layout {@link #product} packs panels into, so a matrix that is the right operand of many
     * products (a linear layer's weights over batches, a frozen model's lifetime) is packed only
     * once; the products read it in place. Block {@code b} starts at {@code b * kStep * nPadded};
     * within it, the sliver of columns {@code j .. j+NR} is at {@code j * kc}.
     */
    public static final class PackedB implements PanelSource {
        final float[] data;
        final int k;
        final int n;
        final int kStep;
        final int nPadded;

        private PackedB(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
            this.k = k;
            this.n = n;
            this.kStep = depthStep(k);
            this.nPadded = roundUp(n, NR);
            int blocks = Math.max(1, (k + kStep - 1) / kStep);
            this.data = new float[Math.toIntExact((long) blocks * kStep * nPadded)];
            for (int pc = 0, blk = 0; pc < k; pc += kStep, blk++) {
                packB(transB, b, bOff, ldb, pc, Math.min(kStep, k - pc), 0, n, data, blk * kStep * nPadded);
            }
        }

        /**
         * Packs {@code op(B)}.
         *
         * @param transB whether {@code op(B)} is {@code B}ᵀ (then {@code B} is stored {@code n x k})
         * @param k rows of {@code op(B)}
         * @param n columns of {@code op(B)}
         * @param b storage of {@code B}
         * @param bOff index of {@code B[0][0]}
         * @param ldb distance between row starts of the stored {@code B}
         * @return the packed matrix
         * @throws IllegalArgumentException if a size is negative or B does not fit in its array
         */
        public static PackedB of(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
            Objects.requireNonNull(b, "sgemm: b is null");
            if (k < 0 || n < 0) {
                throw new IllegalArgumentException("sgemm: k and n must be >= 0, got k=" + k + ", n=" + n);
            }
            Checks.matrix("sgemm", "b", b.length, bOff, transB ? n : k, transB ? k : n, ldb);
            return new PackedB(transB, k, n, b, bOff, ldb);
        }

        /** @return whether this is a {@code k x n} matrix */
        public boolean fits(int rows, int cols) {
            return rows == k && cols == n;
        }

        /** Where the sliver of columns from {@code jc} of depth block {@code blk} (depth {@code kc}) starts. */
        int offset(int blk, int kc, int jc) {
            return blk * kStep * nPadded + jc * kc;
        }

        @Override
        public void pack(int p0, int kc, int j0, int nc, float[] bp) {
            // Only reached by a caller that bypasses the in-place read; copies the same floats.
            int blk = p0 / kStep;
            for (int t = 0; t < nc; t += NR) {
                System.arraycopy(data, offset(blk, kc, j0 + t), bp, t * kc, kc * NR);
            }
        }
    }

    /**
     * {@code C = A * B + beta * C} with a row-major A ({@code m x k}, not transposed) and B
     * packed beforehand.
     *
     * @param m rows of A and C
     * @param a storage of A
     * @param aOff index of {@code A[0][0]}
     * @param lda distance between row starts of A, at least {@code b}'s depth
     * @param b the packed right operand
     * @param beta scale of the old C
     * @param c storage of C
     * @param cOff index of {@code C[0][0]}
     * @param ldc distance between row starts of C, at least {@code b}'s columns
     * @throws IllegalArgumentException if a size or offset is negative or an operand does not fit
     */
    public static void sgemm(int m, float[] a, int aOff, int lda, PackedB b, float beta, float[] c, int cOff, int ldc) {
        sgemm(m, a, aOff, lda, b, beta, c, cOff, ldc, null);
    }

    /**
     * What a product does to its result while the result is still in cache: called once for every
     * row segment of C, after the last depth block has been added to it, on the thread that
     * computed it. A linear layer adds its bias here and applies its activation, instead of making
     * passes of their own over a C that has left the cache.
     */
    @FunctionalInterface
    public interface RowEpilogue {
        /**
         * @param c storage of C
         * @param at index of the segment's first element, {@code C[i][col0]}
         * @param col0 the column of C where the segment starts
         * @param cols the segment's length
         */
        void apply(float[] c, int at, int col0, int cols);
    }

    /**
     * {@link #sgemm(int, float[], int, int, PackedB, float, float[], int, int)}, then {@code epilogue}
     * on every element of C: each row segment goes through it once, right after its final value
     * was computed (also when the depth is 0).
     *
     * @param epilogue applied to C's final values, or null
     * @throws IllegalArgumentException if a size or offset is negative or an operand does not fit
     */
    public static void sgemm(int m, float[] a, int aOff, int lda, PackedB b, float beta, float[] c, int cOff, int ldc,
                             RowEpilogue epilogue) {
        Objects.requireNonNull(a, "sgemm: a is null");
        Objects.requireNonNull(b, "sgemm: packed b is null");
        Objects.requireNonNull(c, "sgemm: c is null");
        if (m < 0) {
            throw new IllegalArgumentException("sgemm: m must be >= 0, got m=" + m);
        }
        Checks.matrix("sgemm", "a", a.length, aOff, m, b.k, lda);
        Checks.matrix("sgemm", "c", c.length, cOff, m, b.n, ldc);
        product(false, m, b.n, b.k, 1f, a, aOff, lda, b, beta, c, cOff, ldc, epilogue);
    }

    /** Depth of each block when {@code k} is cut into equal blocks of at most {@link #KC}. */
    private static int depthStep(int k) {
        int kBlocks = Math.max(1, (k + KC - 1) / KC);
        return Math.max(1, (k + kBlocks - 1) / kBlocks);
    }

    /** Floats {@link #pack} needs for an {@code m x k} matrix. */
    static int packedSize(int m, int k) {
        int kStep = depthStep(k);
        int kBlocks = Math.max(1, (k + kStep - 1) / kStep);
        return Math.toIntExact((long) kBlocks * kStep * roundUp(m, MR));
    }

    /**
     * Packs {@code alpha * op(A)} ({@code m x k}) for {@link #product(Packed, int, PanelSource, float, float[], int, int)}
     * into {@code into} from {@code base}, which must hold {@link #packedSize} floats from there.
     */
    static Packed pack(boolean transA, int m, int k, float alpha, float[] a, int aOff, int lda, float[] into, int base) {
        Packed p = new Packed(m, k, into, base);
        for (int pc = 0, blk = 0; pc < k; pc += p.kStep, blk++) {
            packA(transA, alpha, a, aOff, lda, 0, m, pc, Math.min(p.kStep, k - pc), p.data, p.blockOffset(blk));
        }
        return p;
    }

    /** {@link #product} with A packed beforehand: {@code C = A * B + beta * C}. */
    static void product(Packed a, int n, PanelSource b, float beta, float[] c, int cOff, int ldc) {
        int m = a.m;
        int k = a.k;
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        split(m, n, k, (m0, m1, n0, n1) ->
                block(a, false, m0, m1, n0, n1, k, 1f, null, 0, 0, null, b, beta, c, cOff, ldc, null));
    }

    /**
     * {@code C = A * B + beta * C} where row {@code i} of the {@code m x k} matrix A is
     * {@code a[rows[i] .. rows[i] + k)}: rows anywhere in one array, read in place and never
     * packed. A convolution's weight gradient reads its column matrix this way, straight from the
     * padded image. Arguments are not checked: callers in this package guarantee them.
     */
    static void productRows(int m, int n, int k, float[] a, int[] rows, PanelSource b, float beta,
                            float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        split(m, n, k, (m0, m1, n0, n1) ->
                block(null, false, m0, m1, n0, n1, k, 1f, a, 0, 0, rows, b, beta, c, cOff, ldc, null));
    }

    /** One band {@code C[m0..m1)[n0..n1)} of a product. */
    @FunctionalInterface
    private interface Band {
        void run(int m0, int m1, int n0, int n1);
    }

    /**
     * Runs {@code band} over all of C: on this thread when the product is small, there is one
     * thread or this one already runs a parallel chunk; else over row or column bands, whichever
     * divides more evenly.
     */
    private static void split(int m, int n, int k, Band band) {
        int threads = Parallel.threads();
        long work = (long) m * n * k;
        if (threads == 1 || work < 2 * MIN_TASK_WORK || Parallel.nested()) {
            band.run(0, m, 0, n);
            return;
        }
        int rowUnits = (m + MR - 1) / MR;
        int colUnits = (n + NR - 1) / NR;
        if (waste(rowUnits, threads) <= waste(colUnits, threads)) {
            int grain = (int) Math.max(1, MIN_TASK_WORK / ((long) MR * n * k));
            Parallel.forRange(rowUnits, grain, (from, to) -> band.run(from * MR, Math.min(m, to * MR), 0, n));
        } else {
            int grain = (int) Math.max(1, MIN_TASK_WORK / ((long) NR * m * k));
            Parallel.forRange(colUnits, grain, (from, to) -> band.run(0, m, from * NR, Math.min(n, to * NR)));
        }
    }

    /** Idle fraction of the last round when {@code units} equal pieces go to {@code threads}. */
    private static double waste(int units, int threads) {
        int rounds = (units + threads - 1) / threads;
        return 1.0 - (double) units / ((long) rounds * threads);
    }

    /** Serial product of the band {@code C[m0..m1)[n0..n1)}, with A packed beforehand when {@code pa} is not null. */
    private static void block(Packed pa, boolean transA, int m0, int m1, int n0, int n1, int k,
                              float alpha, float[] a, int aOff, int lda, int[] aRows, PanelSource b,
                              float beta, float[] c, int cOff, int ldc, RowEpilogue epilogue) {
        Scratch s = SCRATCH.get();
        if (beta != 0f && beta != 1f) {
            // Scaling C once up front lets the micro-kernel merely add (or, for beta = 0, store).
            scale(m1 - m0, n1 - n0, beta, c, cOff + m0 * ldc + n0, ldc);
        }
        // The same depth blocks as Packed and PackedB, whose layouts this loop reads.
        int kStep = depthStep(k);
        int kBlocks = (k + kStep - 1) / kStep;
        int mc0 = m1 - m0;
        // A the micro-kernel can read in place, where packing it would only copy it
        boolean inPlace = pa == null && aRows == null && !transA && alpha == 1f;
        if (mc0 <= MC && aRows == null && !(inPlace && b instanceof PackedB)) {
            // One A block (a convolution's weights, say): pack it whole, once, and stream B through
            // panels narrow enough to stay in L2 from packing to use, since no second A block will
            // reuse them. Not when B is prepacked and A can be read in place: then nothing needs
            // packing, and the loop below reads both where they are (a feed-forward block's
            // 80-row steps take that path).
            int kPadded = kStep * roundUp(mc0, MR);
            float[] ap = pa != null ? pa.data : s.aAll(kBlocks * kPadded);
            for (int pc = 0, blk = 0; pc < k && pa == null; pc += kStep, blk++) {
                packA(transA, alpha, a, aOff, lda, m0, mc0, pc, Math.min(kStep, k - pc), ap, blk * kPadded);
            }
            float[] bp = b instanceof PackedB pb ? pb.data : s.b(kStep * NARROW_NC);
            for (int jc = n0; jc < n1; jc += NARROW_NC) {
                int nc = Math.min(NARROW_NC, n1 - jc);
                for (int pc = 0, blk = 0; pc < k; pc += kStep, blk++) {
                    int kc = Math.min(kStep, k - pc);
                    int bo = panel(b, blk, pc, kc, jc, nc, bp);
                    int ao = pa != null ? pa.blockOffset(blk) + m0 * kc : blk * kPadded;
                    macro(mc0, nc, kc, ap, ao, bp, bo, pc == 0 && beta == 0f,
                            c, cOff + m0 * ldc + jc, ldc, s.tile);
                }
                finish(epilogue, m0, mc0, jc, nc, c, cOff, ldc);
            }
            return;
        }
        for (int jc = n0; jc < n1; jc += NC) {
            int nc = Math.min(NC, n1 - jc);
            float[] bp = b instanceof PackedB pb ? pb.data : s.b(kStep * roundUp(nc, NR));
            for (int pc = 0, blk = 0; pc < k; pc += kStep, blk++) {
                int kc = Math.min(kStep, k - pc);
                // Only the first depth block may overwrite C; later ones add onto what it wrote.
                boolean overwrite = pc == 0 && beta == 0f;
                int bo = panel(b, blk, pc, kc, jc, nc, bp);
                for (int ic = m0; ic < m1; ic += MC) {
                    int mc = Math.min(MC, m1 - ic);
                    if (pa != null) {
                        macro(mc, nc, kc, pa.data, pa.blockOffset(blk) + ic * kc, bp, bo, overwrite,
                                c, cOff + ic * ldc + jc, ldc, s.tile);
                    } else if (aRows != null) {
                        macroDirect(mc, nc, kc, a, 0, 0, aRows, ic, pc, bp, bo, overwrite,
                                c, cOff + ic * ldc + jc, ldc, s);
                    } else if (inPlace) {
                        macroDirect(mc, nc, kc, a, aOff, lda, null, ic, pc, bp, bo, overwrite,
                                c, cOff + ic * ldc + jc, ldc, s);
                    } else {
                        packA(transA, alpha, a, aOff, lda, ic, mc, pc, kc, s.a, 0);
                        macro(mc, nc, kc, s.a, 0, bp, bo, overwrite, c, cOff + ic * ldc + jc, ldc, s.tile);
                    }
                    if (pc + kc == k) {
                        finish(epilogue, ic, mc, jc, nc, c, cOff, ldc);
                    }
                }
            }
        }
    }

    /** Runs the epilogue, if any, over rows {@code i0 .. i0+mc} of C, columns {@code jc .. jc+nc}. */
    private static void finish(RowEpilogue epilogue, int i0, int mc, int jc, int nc, float[] c, int cOff, int ldc) {
        if (epilogue == null) {
            return;
        }
        for (int i = i0; i < i0 + mc; i++) {
            epilogue.apply(c, cOff + i * ldc + jc, jc, nc);
        }
    }

    /**
     * Makes the B panel of depth block {@code blk} and columns {@code jc .. jc+nc} ready and says
     * where it starts: in the prepacked matrix itself when B is a {@link PackedB}, else packed
     * into {@code bp} from 0.
     */
    private static int panel(PanelSource b, int blk, int pc, int kc, int jc, int nc, float[] bp) {
        if (b instanceof PackedB pb) {
            return pb.offset(blk, kc, jc);
        }
        b.pack(pc, kc, jc, nc, bp);
        return 0;
    }

    private static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
    }

    /**
     * Packs {@code op(A)[i0..i0+mc)[p0..p0+kc)} as slivers of {@link #MR} rows, each stored
     * column after column ({@code MR} consecutive floats per depth step), zero-padded to a whole
     * sliver so the micro-kernel never needs a row count. Alpha is applied here, to m x k values,
     * rather than to every tile of C.
     */
    private static void packA(boolean transA, float alpha, float[] a, int aOff, int lda,
                              int i0, int mc, int p0, int kc, float[] ap, int apOff) {
        for (int s = 0; s < mc; s += MR) {
            int rows = Math.min(MR, mc - s);
            int base = apOff + s * kc;
            if (transA) {
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (p0 + p) * lda + i0 + s;
                    int dst = base + p * MR;
                    for (int r = 0; r < rows; r++) {
                        ap[dst + r] = alpha * a[src + r];
                    }
                    for (int r = rows; r < MR; r++) {
                        ap[dst + r] = 0f;
                    }
                }
            } else if (rows == MR) {
                // Five read streams and one sequential write: the common case, unrolled by hand
                // (MR is 5) since C2 will not interleave the rows itself.
                int s0 = aOff + (i0 + s) * lda + p0;
                int s1 = aOff + (i0 + s + 1) * lda + p0;
                int s2 = aOff + (i0 + s + 2) * lda + p0;
                int s3 = aOff + (i0 + s + 3) * lda + p0;
                int s4 = aOff + (i0 + s + 4) * lda + p0;
                for (int p = 0, d = base; p < kc; p++, d += MR) {
                    ap[d] = alpha * a[s0 + p];
                    ap[d + 1] = alpha * a[s1 + p];
                    ap[d + 2] = alpha * a[s2 + p];
                    ap[d + 3] = alpha * a[s3 + p];
                    ap[d + 4] = alpha * a[s4 + p];
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    int src = aOff + (i0 + s + r) * lda + p0;
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * MR + r] = alpha * a[src + p];
                    }
                }
                for (int r = rows; r < MR; r++) {
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * MR + r] = 0f;
                    }
                }
            }
        }
    }

    /** {@code 0, ldb, 2 ldb, ...} for one vector of lanes, kept per thread for the last {@code ldb}. */
    private static int[] gatherStrides(int ldb) {
        Scratch s = SCRATCH.get();
        if (s.strideOf != ldb) {
            for (int i = 0; i < L; i++) {
                s.strides[i] = i * ldb;
            }
            s.strideOf = ldb;
        }
        return s.strides;
    }

    /**
     * Packs {@code op(B)[p0..p0+kc)[j0..j0+nc)} as slivers of {@link #NR} columns, each stored row
     * after row ({@code NR} consecutive floats per depth step), zero-padded to a whole sliver.
     */
    private static void packB(boolean transB, float[] b, int bOff, int ldb,
                              int p0, int kc, int j0, int nc, float[] bp, int bpOff) {
        for (int t = 0; t < nc; t += NR) {
            int cols = Math.min(NR, nc - t);
            int base = bpOff + t * kc;
            if (transB && cols == NR) {
                // Each depth step is a column of the stored B: two gathers, ldb apart lane to lane.
                int[] columns = gatherStrides(ldb);
                int src = bOff + (j0 + t) * ldb + p0;
                for (int p = 0; p < kc; p++) {
                    FloatVector.fromArray(S, b, src + p, columns, 0).intoArray(bp, base + p * NR);
                    FloatVector.fromArray(S, b, src + L * ldb + p, columns, 0).intoArray(bp, base + p * NR + L);
                }
            } else if (transB) {
                for (int j = 0; j < cols; j++) {
                    int src = bOff + (j0 + t + j) * ldb + p0;
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * NR + j] = b[src + p];
                    }
                }
                for (int j = cols; j < NR; j++) {
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * NR + j] = 0f;
                    }
                }
            } else if (cols == NR) {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (p0 + p) * ldb + j0 + t;
                    int dst = base + p * NR;
                    FloatVector.fromArray(S, b, src).intoArray(bp, dst);
                    FloatVector.fromArray(S, b, src + L).intoArray(bp, dst + L);
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (p0 + p) * ldb + j0 + t;
                    int dst = base + p * NR;
                    for (int j = 0; j < cols; j++) {
                        bp[dst + j] = b[src + j];
                    }
                    for (int j = cols; j < NR; j++) {
                        bp[dst + j] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Multiplies a packed {@code mc x kc} A block by a packed {@code kc x nc} B panel into C. The B
     * sliver is the outer loop so it stays in L1 while the A slivers stream from L2. Edge tiles run
     * the same full-size micro-kernel into a scratch tile and copy back only the valid part.
     */
    private static void macro(int mc, int nc, int kc, float[] ap, int apOff, float[] bp, int bpOff, boolean overwrite,
                              float[] c, int cOff, int ldc, float[] tile) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int co = cOff + ir * ldc + jr;
                if (mr == MR && nr == NR) {
                    kernel(kc, ap, apOff + ir * kc, bp, bpOff + jr * kc, c, co, ldc, overwrite);
                } else {
                    kernel(kc, ap, apOff + ir * kc, bp, bpOff + jr * kc, tile, 0, NR, true);
                    storeTile(tile, mr, nr, overwrite, c, co, ldc);
                }
            }
        }
    }

    /**
     * {@link #macro} reading A in place instead of from a packed copy: row {@code i} of the block
     * is {@code a[aOff + (i0 + i) * lda + p0 + p]}, or {@code a[rows[i0 + i] + p0 + p]} when
     * {@code rows} is given. For a tall A (activations times weights) each A block
     * meets every B sliver once, so packing it cost a pass over A for little gain in locality;
     * the rows may also lie anywhere in {@code a} (a convolution's column matrix, read from the
     * padded image). A last row sliver shorter than {@link #MR} is gathered, zero-padded, and goes
     * through the packed kernel.
     */
    private static void macroDirect(int mc, int nc, int kc, float[] a, int aOff, int lda, int[] rows, int i0, int p0,
                                    float[] bp, int bpOff, boolean overwrite, float[] c, int cOff, int ldc, Scratch s) {
        int full = mc - mc % MR;
        float[] tile = s.tile;
        if (full < mc) {
            float[] ap = s.a;
            for (int r = 0; r < MR; r++) {
                int row = i0 + full + r;
                int src = r >= mc - full ? -1 : (rows == null ? aOff + row * lda : rows[row]) + p0;
                for (int p = 0; p < kc; p++) {
                    ap[p * MR + r] = src < 0 ? 0f : a[src + p];
                }
            }
        }
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int co = cOff + ir * ldc + jr;
                boolean direct = mr == MR;
                int r = i0 + ir;
                boolean whole = direct && nr == NR;
                float[] dst = whole ? c : tile;
                int dOff = whole ? co : 0;
                int dLd = whole ? ldc : NR;
                if (direct && rows == null) {
                    kernelDirect(kc, a, aOff + r * lda + p0, lda, bp, bpOff + jr * kc, dst, dOff, dLd, overwrite || !whole);
                } else if (direct) {
                    kernelRows(kc, a, rows[r] + p0, rows[r + 1] + p0, rows[r + 2] + p0, rows[r + 3] + p0,
                            rows[r + 4] + p0, bp, bpOff + jr * kc, dst, dOff, dLd, overwrite || !whole);
                }
                if (whole) {
                    continue;
                }
                if (!direct) {
                    kernel(kc, s.a, 0, bp, bpOff + jr * kc, tile, 0, NR, true);
                }
                storeTile(tile, mr, nr, overwrite, c, co, ldc);
            }
        }
    }

    /** Writes (or adds) the valid {@code mr x nr} corner of an edge tile computed into {@code tile}. */
    private static void storeTile(float[] tile, int mr, int nr, boolean overwrite, float[] c, int co, int ldc) {
        for (int r = 0; r < mr; r++) {
            for (int j = 0; j < nr; j++) {
                int ci = co + r * ldc + j;
                c[ci] = overwrite ? tile[r * NR + j] : c[ci] + tile[r * NR + j];
            }
        }
    }

    /**
     * {@link #kernel} with A read in place from five rows of a row-major matrix, {@code lda}
     * apart, rather than from a packed sliver.
     */
    private static void kernelDirect(int kc, float[] a, int ao, int lda, float[] bp, int bo,
                                     float[] c, int co, int ldc, boolean overwrite) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        int r1 = ao + lda;
        int r2 = r1 + lda;
        int r3 = r2 + lda;
        int r4 = r3 + lda;
        for (int p = 0, bi = bo; p < kc; p++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[ao + p]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[r1 + p]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[r2 + p]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[r3 + p]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[r4 + p]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
        }
        // Written out in each kernel: a helper taking the ten vectors would box them.
        if (overwrite) {
            c00.intoArray(c, co);
            c01.intoArray(c, co + L);
            c10.intoArray(c, co + ldc);
            c11.intoArray(c, co + ldc + L);
            c20.intoArray(c, co + 2 * ldc);
            c21.intoArray(c, co + 2 * ldc + L);
            c30.intoArray(c, co + 3 * ldc);
            c31.intoArray(c, co + 3 * ldc + L);
            c40.intoArray(c, co + 4 * ldc);
            c41.intoArray(c, co + 4 * ldc + L);
        } else {
            c00.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c01.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
            c10.add(FloatVector.fromArray(S, c, co + ldc)).intoArray(c, co + ldc);
            c11.add(FloatVector.fromArray(S, c, co + ldc + L)).intoArray(c, co + ldc + L);
            c20.add(FloatVector.fromArray(S, c, co + 2 * ldc)).intoArray(c, co + 2 * ldc);
            c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + L)).intoArray(c, co + 2 * ldc + L);
            c30.add(FloatVector.fromArray(S, c, co + 3 * ldc)).intoArray(c, co + 3 * ldc);
            c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + L)).intoArray(c, co + 3 * ldc + L);
            c40.add(FloatVector.fromArray(S, c, co + 4 * ldc)).intoArray(c, co + 4 * ldc);
            c41.add(FloatVector.fromArray(S, c, co + 4 * ldc + L)).intoArray(c, co + 4 * ldc + L);
        }
    }

    /**
     * {@link #kernel} with A read in place from five rows starting anywhere, at {@code ao, r1,
     * .. r4}. Kept apart from {@link #kernelDirect}: taking the five starts as parameters made C2
     * compile that kernel about 12% slower for plain matrices.
     */
    private static void kernelRows(int kc, float[] a, int ao, int r1, int r2, int r3, int r4, float[] bp, int bo,
                                     float[] c, int co, int ldc, boolean overwrite) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        for (int p = 0, bi = bo; p < kc; p++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[ao + p]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[r1 + p]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[r2 + p]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[r3 + p]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[r4 + p]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
        }
        // Written out in each kernel: a helper taking the ten vectors would box them.
        if (overwrite) {
            c00.intoArray(c, co);
            c01.intoArray(c, co + L);
            c10.intoArray(c, co + ldc);
            c11.intoArray(c, co + ldc + L);
            c20.intoArray(c, co + 2 * ldc);
            c21.intoArray(c, co + 2 * ldc + L);
            c30.intoArray(c, co + 3 * ldc);
            c31.intoArray(c, co + 3 * ldc + L);
            c40.intoArray(c, co + 4 * ldc);
            c41.intoArray(c, co + 4 * ldc + L);
        } else {
            c00.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c01.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
            c10.add(FloatVector.fromArray(S, c, co + ldc)).intoArray(c, co + ldc);
            c11.add(FloatVector.fromArray(S, c, co + ldc + L)).intoArray(c, co + ldc + L);
            c20.add(FloatVector.fromArray(S, c, co + 2 * ldc)).intoArray(c, co + 2 * ldc);
            c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + L)).intoArray(c, co + 2 * ldc + L);
            c30.add(FloatVector.fromArray(S, c, co + 3 * ldc)).intoArray(c, co + 3 * ldc);
            c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + L)).intoArray(c, co + 3 * ldc + L);
            c40.add(FloatVector.fromArray(S, c, co + 4 * ldc)).intoArray(c, co + 4 * ldc);
            c41.add(FloatVector.fromArray(S, c, co + 4 * ldc + L)).intoArray(c, co + 4 * ldc + L);
        }
    }

    /**
     * The micro-kernel: {@code C[MR][NR] (+)= sum_p A[.][p] B[p][.]} over one packed A sliver and
     * one packed B sliver, storing when {@code overwrite} and adding otherwise. Each depth step
     * loads two B vectors, broadcasts five A values and issues ten independent FMAs.
     */
    private static void kernel(int kc, float[] ap, int ao, float[] bp, int bo,
                               float[] c, int co, int ldc, boolean overwrite) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        // Stepping the two packed indices directly (rather than deriving them from a counter) lets
        // C2 prove the A reads in bounds once per call instead of testing them every step.
        int aEnd = ao + kc * MR;
        for (int ai = ao, bi = bo; ai < aEnd; ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, ap[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
        }
        if (overwrite) {
            c00.intoArray(c, co);
            c01.intoArray(c, co + L);
            c10.intoArray(c, co + ldc);
            c11.intoArray(c, co + ldc + L);
            c20.intoArray(c, co + 2 * ldc);
            c21.intoArray(c, co + 2 * ldc + L);
            c30.intoArray(c, co + 3 * ldc);
            c31.intoArray(c, co + 3 * ldc + L);
            c40.intoArray(c, co + 4 * ldc);
            c41.intoArray(c, co + 4 * ldc + L);
        } else {
            c00.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c01.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
            c10.add(FloatVector.fromArray(S, c, co + ldc)).intoArray(c, co + ldc);
            c11.add(FloatVector.fromArray(S, c, co + ldc + L)).intoArray(c, co + ldc + L);
            c20.add(FloatVector.fromArray(S, c, co + 2 * ldc)).intoArray(c, co + 2 * ldc);
            c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + L)).intoArray(c, co + 2 * ldc + L);
            c30.add(FloatVector.fromArray(S, c, co + 3 * ldc)).intoArray(c, co + 3 * ldc);
            c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + L)).intoArray(c, co + 3 * ldc + L);
            c40.add(FloatVector.fromArray(S, c, co + 4 * ldc)).intoArray(c, co + 4 * ldc);
            c41.add(FloatVector.fromArray(S, c, co + 4 * ldc + L)).intoArray(c, co + 4 * ldc + L);
        }
    }

    /** {@code C = beta * C}, writing zeros (not {@code 0 * C}) when beta is 0. */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = beta == 0f ? 0f : beta * c[row + j];
            }
        }
    }
}
