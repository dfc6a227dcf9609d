package dev.graft.engine;

import dev.graft.engine.kernels.Gemm;

/** Matrix products with numpy semantics: 1-D operands are promoted, batch dimensions broadcast. */
final class MatMul {

    private MatMul() {
    }

    static Tensor matmul(Tensor a, Tensor b) {
        if (a.dim() == 0 || b.dim() == 0) {
            throw new IllegalArgumentException("matmul: operands must have at least one dimension, got "
                    + Shape.str(a.shape) + " and " + Shape.str(b.shape));
        }
        if (a.dim() == 1 && b.dim() == 1) {
            return matmul(a.unsqueeze(0), b.unsqueeze(1)).reshape();
        }
        if (a.dim() == 1) {
            return matmul(a.unsqueeze(0), b).squeeze(-2);
        }
        if (b.dim() == 1) {
            return matmul(a, b.unsqueeze(1)).squeeze(-1);
        }
        int m = a.shape[a.dim() - 2];
        int k = a.shape[a.dim() - 1];
        int n = b.shape[b.dim() - 1];
        if (b.shape[b.dim() - 2] != k) {
            throw new IllegalArgumentException("matmul: shapes " + Shape.str(a.shape) + " and " + Shape.str(b.shape)
                    + " do not chain (" + k + " columns vs " + b.shape[b.dim() - 2] + " rows)");
        }
        int[] batch = Shape.broadcast("matmul", java.util.Arrays.copyOf(a.shape, a.dim() - 2),
                java.util.Arrays.copyOf(b.shape, b.dim() - 2));
        int[] outShape = java.util.Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Operand pa = Operand.of(a, batch, m, k);
        Operand pb = Operand.of(b, batch, k, n);
        float[] out = new float[Shape.numel(outShape)];
        int count = Shape.numel(batch);
        int[] bs = Shape.contiguousStrides(batch);
        Parallel.forRange(count, count >= Parallel.threads() ? 1 : Integer.MAX_VALUE, (from, to) -> {
            for (int i = from; i < to; i++) {
                Gemm.sgemm(pa.transposed, pb.transposed, m, n, k, 1f, pa.t.data, pa.offset(i, bs), pa.ld,
                        pb.t.data, pb.offset(i, bs), pb.ld, 0f, out, i * m * n, n);
            }
        });
        Tensor y = Tensor.wrap(out, outShape);
        return Autograd.record(y, "matmul", g -> new Tensor[] {
            a.requiresGrad() ? Reductions.sumToShape(g.matmul(b.transpose(-1, -2)), a.shape) : null,
            b.requiresGrad() ? Reductions.sumToShape(a.transpose(-1, -2).matmul(g), b.shape) : null}, a, b);
    }

    /**
     * One operand as GEMM sees it: its storage, whether its matrices are stored transposed, the
     * leading dimension, and batch strides. Views whose matrices are row- or column-major are used
     * in place; anything else is copied once.
     */
    record Operand(Tensor t, boolean transposed, int ld, int[] batchStrides) {

        static Operand of(Tensor x, int[] batch, int rows, int cols) {
            int r = x.dim();
            int sr = x.strides[r - 2];
            int sc = x.strides[r - 1];
            Tensor v = x;
            boolean trans;
            int ld;
            if (sc == 1 && (sr >= cols || rows == 1)) {
                trans = false;
                ld = rows == 1 ? Math.max(cols, 1) : sr;
            } else if (sr == 1 && (sc >= rows || cols == 1)) {
                trans = true;
                ld = cols == 1 ? Math.max(rows, 1) : sc;
            } else {
                v = new Tensor(x.data, x.offset, x.shape, x.strides).contiguous();
                trans = false;
                ld = Math.max(cols, 1);
            }
            int[] full = java.util.Arrays.copyOf(batch, batch.length + 2);
            full[batch.length] = rows;
            full[batch.length + 1] = cols;
            int[] st = Shape.broadcastStrides("matmul", v.shape, v.strides, full);
            return new Operand(v, trans, ld, java.util.Arrays.copyOf(st, batch.length));
        }

        int offset(int batchIndex, int[] batchContiguous) {
            int off = t.offset;
            int rem = batchIndex;
            for (int d = 0; d < batchStrides.length; d++) {
                int idx = rem / batchContiguous[d];
                rem -= idx * batchContiguous[d];
                off += idx * batchStrides[d];
            }
            return off;
        }
    }
}
