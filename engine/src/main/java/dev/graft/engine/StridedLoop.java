package dev.graft.engine;

/**
 * Walks the elements of one or more strided operands of a common shape as rows: the shape is
 * first coalesced (adjacent dimensions that are laid out alike in every operand merge into one),
 * so contiguous operands become a single long row that a vector kernel can stream through. Rows
 * (or chunks of one long row) are spread over the shared pool.
 */
final class StridedLoop {

    /** Work on one row: {@code offsets[k]} is where operand k's row starts; it advances by {@link #innerStride(int)}. */
    @FunctionalInterface
    interface RowBody {
        void row(int[] offsets, int length);
    }

    private static final int PARALLEL_ELEMENTS = 1 << 15;
    private static final int MIN_CHUNK = 1 << 12;

    private final int[] dims;
    private final int[][] strides;
    private final int inner;

    /**
     * @param shape the common shape
     * @param strides one stride array per operand (already broadcast to {@code shape})
     */
    StridedLoop(int[] shape, int[]... strides) {
        int k = strides.length;
        int[] d = new int[shape.length];
        int[][] s = new int[k][shape.length];
        int n = 0;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1) {
                continue;
            }
            if (n > 0 && mergeable(s, n - 1, strides, i, shape[i])) {
                d[n - 1] *= shape[i];
                for (int op = 0; op < k; op++) {
                    s[op][n - 1] = strides[op][i];
                }
            } else {
                d[n] = shape[i];
                for (int op = 0; op < k; op++) {
                    s[op][n] = strides[op][i];
                }
                n++;
            }
        }
        if (n == 0) {
            this.dims = new int[] {shape.length == 0 ? 1 : Shape.numel(shape)};
            this.strides = new int[k][1];
        } else {
            this.dims = java.util.Arrays.copyOf(d, n);
            this.strides = new int[k][];
            for (int op = 0; op < k; op++) {
                this.strides[op] = java.util.Arrays.copyOf(s[op], n);
            }
        }
        this.inner = dims[dims.length - 1];
    }

    /** An outer dimension merges with the next when, in every operand, it steps exactly over the inner one. */
    private static boolean mergeable(int[][] placed, int last, int[][] strides, int i, int size) {
        for (int op = 0; op < strides.length; op++) {
            if (placed[op][last] != strides[op][i] * size) {
                return false;
            }
        }
        return true;
    }

    /** @return the stride of operand {@code k} along the rows */
    int innerStride(int k) {
        return strides[k][strides[k].length - 1];
    }

    /**
     * Runs {@code body} over every row.
     *
     * @param base starting offset of each operand
     */
    void run(int[] base, RowBody body) {
        int rank = dims.length;
        long total = 1;
        for (int d : dims) {
            total *= d;
        }
        if (total == 0) {
            return;
        }
        int rows = (int) (total / inner);
        int threads = Parallel.threads();
        int chunk = inner;
        if (total >= PARALLEL_ELEMENTS && rows < 4 * threads) {
            chunk = Math.max(MIN_CHUNK, (int) ((total + 8L * threads - 1) / (8L * threads)));
            chunk = Math.min(chunk, inner);
        }
        int perRow = (inner + chunk - 1) / Math.max(chunk, 1);
        int segments = rows * perRow;
        int grain = total < PARALLEL_ELEMENTS ? Integer.MAX_VALUE : Math.max(1, PARALLEL_ELEMENTS / Math.max(chunk, 1));
        int ops = base.length;
        final int fchunk = chunk;
        Parallel.forRange(segments, grain, (from, to) -> {
            int[] offsets = new int[ops];
            for (int seg = from; seg < to; seg++) {
                int r = seg / perRow;
                int c = seg - r * perRow;
                for (int k = 0; k < ops; k++) {
                    offsets[k] = base[k];
                }
                int rem = r;
                for (int dim = rank - 2; dim >= 0; dim--) {
                    int idx = rem % dims[dim];
                    rem /= dims[dim];
                    for (int k = 0; k < ops; k++) {
                        offsets[k] += idx * strides[k][dim];
                    }
                }
                int start = c * fchunk;
                for (int k = 0; k < ops; k++) {
                    offsets[k] += start * strides[k][rank - 1];
                }
                body.row(offsets, Math.min(fchunk, inner - start));
            }
        });
    }
}
