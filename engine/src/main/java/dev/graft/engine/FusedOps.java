package dev.graft.engine;

import dev.graft.engine.kernels.Erf;
import dev.graft.engine.kernels.Gemm;
import dev.graft.engine.kernels.UnaryKernel;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Inference-only fusions of op sequences that transformer encoders repeat: a linear layer with
 * its bias, the feed-forward block, multi-head attention, the erf GELU and layer normalisation,
 * each computed in one call that allocates only its result, and not even that while a
 * {@link Workspace} is open on the calling thread: every element of a result is written, so its
 * array may be a recycled one. The composed ops they replace (e.g. {@code matmul}, {@code add},
 * {@code softmax}) make every intermediate a full tensor; attention's score tensor alone is
 * {@code [batch, heads, tokens, tokens]}. These ops record nothing on the tape, so they refuse
 * inputs that need a gradient while recording is on; training uses the composed ops.
 */
public final class FusedOps {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Elements per task of the elementwise fusions, and per block that stays in cache between passes. */
    private static final int BLOCK = 4096;
    /**
     * Rows of a feed-forward block per step: their expansion (80 x 1536 floats, 480 KiB, for a
     * MiniLM-sized block) stays in L2 from the first product to the second; 80 is also the row
     * block of {@link Gemm}, so each step is one A block.
     */
    static final int FEED_FORWARD_ROWS = 80;
    /** Per-thread expansion of one block of feed-forward rows. */
    private static final ThreadLocal<float[][]> HIDDEN = ThreadLocal.withInitial(() -> new float[1][0]);
    /** Per-thread score rows of attention, so a head never allocates. */
    private static final ThreadLocal<float[][]> SCORES = ThreadLocal.withInitial(() -> new float[1][0]);

    private FusedOps() {
    }

    private static void inferenceOnly(String op, Tensor... inputs) {
        if (!GradMode.isEnabled()) {
            return;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                throw new IllegalStateException(op + ": a fused inference op records no gradient, but an input requires "
                        + "one; call it under GradMode.noGrad() or use the composed ops");
            }
        }
    }

    // ---------------------------------------------------------------- linear

    /**
     * {@code x @ w + bias} as one matrix product over all leading dimensions of {@code x}, the
     * bias written into the output before the product accumulates onto it.
     *
     * @param x {@code [..., K]}
     * @param w {@code [K, N]} (a transposed view is read in place)
     * @param bias {@code [N]}, or null
     * @return {@code [..., N]}
     * @throws IllegalArgumentException if the shapes do not chain
     * @throws IllegalStateException if an input requires a gradient while recording is on
     */
    public static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        inferenceOnly("linear", x, w, bias);
        return linearInto(x, w, bias, false);
    }

    /**
     * {@link #linear} followed by {@link #gelu}, the GELU applied in place to the product: the
     * feed-forward block's expansion without a second {@code [..., N]} tensor.
     *
     * @throws IllegalArgumentException if the shapes do not chain
     * @throws IllegalStateException if an input requires a gradient while recording is on
     */
    public static Tensor linearGelu(Tensor x, Tensor w, Tensor bias) {
        inferenceOnly("linearGelu", x, w, bias);
        return linearInto(x, w, bias, true);
    }

    private static void checkLinear(String op, Tensor x, Tensor w, Tensor bias) {
        if (x.dim() < 1 || w.dim() != 2 || x.shape[x.dim() - 1] != w.shape[0]
                || (bias != null && (bias.dim() != 1 || bias.shape[0] != w.shape[1]))) {
            throw new IllegalArgumentException(op + ": expected x [..., K], w [K, N] and bias [N] or null, got "
                    + Shape.str(x.shape) + ", " + Shape.str(w.shape) + " and " + (bias == null ? "null" : Shape.str(bias.shape)));
        }
    }

    private static Tensor linearInto(Tensor x, Tensor w, Tensor bias, boolean gelu) {
        checkLinear("linear", x, w, bias);
        int k = w.shape[0];
        int n = w.shape[1];
        Tensor xc = x.contiguous();
        int rows = Shape.numel(Arrays.copyOf(x.shape, x.dim() - 1));
        Tensor b = bias == null ? null : bias.contiguous();
        // every element is written: by the product with beta 0, or by the bias fill
        float[] out = Workspace.floats(rows * n);
        if (!w.requiresGrad() && rows > 1 && k > 0 && n > 0) {
            // bias and GELU applied to each row segment of the product while it is still in cache
            Gemm.sgemm(rows, xc.data, xc.offset, k, constantWeights(w, k, n), 0f, out, 0, n, epilogue(b, gelu));
        } else {
            if (b != null) {
                Parallel.forRange(rows, Math.max(1, BLOCK / Math.max(n, 1)), (from, to) -> {
                    for (int r = from; r < to; r++) {
                        System.arraycopy(b.data, b.offset, out, r * n, n);
                    }
                });
            }
            MatMul.Operand mw = MatMul.Operand.of(w, new int[0], k, n);
            Gemm.sgemm(false, mw.transposed(), rows, n, k, 1f, xc.data, xc.offset, Math.max(k, 1), mw.t().data,
                    mw.t().offset, mw.ld(), b == null ? 0f : 1f, out, 0, Math.max(n, 1));
            if (gelu) {
                Erf.gelu(out, 0, out, 0, rows * n);
            }
        }
        int[] shape = x.shape.clone();
        shape[shape.length - 1] = n;
        return Tensor.wrap(out, shape);
    }

    /**
     * A transformer's feed-forward block, {@code gelu(x @ w1 + b1) @ w2 + b2}, computed
     * {@link #FEED_FORWARD_ROWS} rows at a time: the expansion ({@code [rows, H]}, typically four
     * times the width of x) exists for one block of rows at a time, in a per-thread buffer that
     * stays in cache between the two products, instead of as a whole tensor written to memory by
     * the first product and read back by the second. Each thread takes an equal share of the rows,
     * so the block is also one parallel phase rather than two. Equal bit for bit to
     * {@code linear(linearGelu(x, w1, b1), w2, b2)}.
     *
     * @param x {@code [..., K]}
     * @param w1 {@code [K, H]}
     * @param b1 {@code [H]}, or null
     * @param w2 {@code [H, N]}
     * @param b2 {@code [N]}, or null
     * @return {@code [..., N]}
     * @throws IllegalArgumentException if the shapes do not chain
     * @throws IllegalStateException if an input requires a gradient while recording is on
     */
    public static Tensor feedForward(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
        inferenceOnly("feedForward", x, w1, b1, w2, b2);
        checkLinear("feedForward", x, w1, b1);
        if (w2.dim() != 2 || w2.shape[0] != w1.shape[1] || (b2 != null && (b2.dim() != 1 || b2.shape[0] != w2.shape[1]))) {
            throw new IllegalArgumentException("feedForward: expected w2 [" + w1.shape[1] + ", N] and b2 [N] or null after w1 "
                    + Shape.str(w1.shape) + ", got " + Shape.str(w2.shape) + " and " + (b2 == null ? "null" : Shape.str(b2.shape)));
        }
        int k = w1.shape[0];
        int h = w1.shape[1];
        int n = w2.shape[1];
        int rows = Shape.numel(Arrays.copyOf(x.shape, x.dim() - 1));
        if (w1.requiresGrad() || w2.requiresGrad() || rows < 2 || k == 0 || h == 0 || n == 0) {
            // weights being trained are not packed once for good; tiny or empty products gain nothing
            return linearInto(linearInto(x, w1, b1, true), w2, b2, false);
        }
        Tensor xc = x.contiguous();
        Gemm.PackedB p1 = constantWeights(w1, k, h);
        Gemm.PackedB p2 = constantWeights(w2, h, n);
        Gemm.RowEpilogue expand = epilogue(b1 == null ? null : b1.contiguous(), true);
        Gemm.RowEpilogue contract = epilogue(b2 == null ? null : b2.contiguous(), false);
        float[] out = Workspace.floats(rows * n);
        Parallel.forRange(rows, FEED_FORWARD_ROWS, (from, to) -> {
            float[][] holder = HIDDEN.get();
            if (holder[0].length < FEED_FORWARD_ROWS * h) {
                holder[0] = new float[FEED_FORWARD_ROWS * h];
            }
            float[] hidden = holder[0];
            for (int r0 = from; r0 < to; r0 += FEED_FORWARD_ROWS) {
                int m = Math.min(FEED_FORWARD_ROWS, to - r0);
                Gemm.sgemm(m, xc.data, xc.offset + r0 * k, k, p1, 0f, hidden, 0, h, expand);
                Gemm.sgemm(m, hidden, 0, h, p2, 0f, out, r0 * n, n, contract);
            }
        });
        int[] shape = x.shape.clone();
        shape[shape.length - 1] = n;
        return Tensor.wrap(out, shape);
    }

    /** Adds {@code bias} (if any) to a row segment of a product, then applies the GELU (if asked). */
    private static Gemm.RowEpilogue epilogue(Tensor bias, boolean gelu) {
        if (bias == null && !gelu) {
            return null;
        }
        return (c, at, col0, cols) -> {
            if (bias != null) {
                // A plain loop, which C2 vectorises by itself: with Vector API code here (inline or
                // through BinaryKernel), JDK 17 later compiled Erf's loop without its intrinsics,
                // the GELU 3-20x slower (measured; JDK 25 was not affected).
                float[] bd = bias.data;
                int bo = bias.offset + col0;
                for (int j = 0; j < cols; j++) {
                    c[at + j] += bd[bo + j];
                }
            }
            if (gelu) {
                Erf.gelu(c, at, c, at, cols);
            }
        };
    }

    /**
     * The packed form of {@code [k, n]} weights that do not require grad, packed on first use and
     * kept with the tensor (as {@link Convolution} keeps a convolution's), so a model run without
     * the tape packs each weight matrix once instead of on every call.
     */
    private static Gemm.PackedB constantWeights(Tensor w, int k, int n) {
        return w.derived(Gemm.PackedB.class, packed -> packed.fits(k, n), () -> {
            MatMul.Operand mw = MatMul.Operand.of(w, new int[0], k, n);
            return Gemm.PackedB.of(mw.transposed(), k, n, mw.t().data, mw.t().offset, mw.ld());
        });
    }

    // ---------------------------------------------------------------- attention

    /**
     * Scaled dot-product attention, {@code softmax(q @ k * scale + mask) @ v} over the last axis,
     * one (batch, head) matrix at a time: the scores of one head live in a per-thread buffer and
     * never become a tensor. Leading dimensions must be equal for {@code q}, {@code k} and {@code v};
     * the mask broadcasts (e.g. {@code [batch, 1, 1, S]} for padding).
     *
     * @param q queries {@code [..., T, d]}
     * @param k keys, already transposed: {@code [..., d, S]} (a permuted view is read in place)
     * @param v values {@code [..., S, dv]}
     * @param scale multiplies the scores, typically {@code 1 / sqrt(d)}
     * @param mask added to the scaled scores, broadcastable to {@code [..., T, S]}, or null
     * @return {@code [..., T, dv]}
     * @throws IllegalArgumentException if the shapes do not fit together
     * @throws IllegalStateException if an input requires a gradient while recording is on
     */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, float scale, Tensor mask) {
        inferenceOnly("attention", q, k, v, mask);
        return attentionInto(q, k, v, scale, mask, false);
    }

    /**
     * {@link #attention} for 4-D inputs {@code [batch, heads, tokens, d]}, with the result laid out
     * {@code [batch, T, heads, dv]}: each token's heads side by side, as a transformer's output
     * projection reads them after merging the heads. Written that way directly, the merge is a
     * free reshape instead of a copy of the transposed result.
     *
     * @return {@code [batch, T, heads, dv]}
     * @throws IllegalArgumentException if the inputs are not 4-D or do not fit together
     * @throws IllegalStateException if an input requires a gradient while recording is on
     */
    public static Tensor attentionByToken(Tensor q, Tensor k, Tensor v, float scale, Tensor mask) {
        inferenceOnly("attention", q, k, v, mask);
        if (q.dim() != 4) {
            throw new IllegalArgumentException("attentionByToken: expected q [batch, heads, T, d], got " + Shape.str(q.shape));
        }
        return attentionInto(q, k, v, scale, mask, true);
    }

    private static Tensor attentionInto(Tensor q, Tensor k, Tensor v, float scale, Tensor mask, boolean byToken) {
        int r = q.dim();
        if (r < 2 || k.dim() != r || v.dim() != r
                || !Arrays.equals(q.shape, 0, r - 2, k.shape, 0, r - 2) || !Arrays.equals(q.shape, 0, r - 2, v.shape, 0, r - 2)
                || k.shape[r - 2] != q.shape[r - 1] || v.shape[r - 2] != k.shape[r - 1]) {
            throw new IllegalArgumentException("attention: expected q [..., T, d], k [..., d, S] and v [..., S, dv] with the "
                    + "same leading dimensions, got " + Shape.str(q.shape) + ", " + Shape.str(k.shape) + " and " + Shape.str(v.shape));
        }
        int t = q.shape[r - 2];
        int d = q.shape[r - 1];
        int s = k.shape[r - 1];
        int dv = v.shape[r - 1];
        int[] lead = Arrays.copyOf(q.shape, r - 2);
        int batch = Shape.numel(lead);
        int[] scoreShape = Arrays.copyOf(lead, r);
        scoreShape[r - 2] = t;
        scoreShape[r - 1] = s;
        int[] maskStrides = mask == null ? null : Shape.broadcastStrides("attention mask", mask.shape, mask.strides, scoreShape);
        MatMul.Operand mq = MatMul.Operand.of(q, lead, t, d);
        MatMul.Operand mk = MatMul.Operand.of(k, lead, d, s);
        MatMul.Operand mv = MatMul.Operand.of(v, lead, s, dv);
        int[] leadStrides = Shape.contiguousStrides(lead);
        float[] out = Workspace.floats(batch * t * dv);
        // by token: head h of batch b starts at [b, 0, h, 0], its rows heads * dv apart
        int heads = byToken ? lead[1] : 1;
        int ldo = heads * dv;
        if (s == 0) {
            // no keys: the products over an empty axis are zeros
            Arrays.fill(out, 0f);
        } else if (t > 0 && dv > 0) {
            Parallel.forRange(batch, 1, (from, to) -> {
                float[][] holder = SCORES.get();
                if (holder[0].length < t * s) {
                    holder[0] = new float[t * s];
                }
                float[] scores = holder[0];
                float[] lanes = new float[L];
                for (int i = from; i < to; i++) {
                    // alpha 1, so the GEMM reads the queries in place; the scale comes with the mask
                    Gemm.sgemm(mq.transposed(), mk.transposed(), t, s, d, 1f, mq.t().data, mq.offset(i, leadStrides), mq.ld(),
                            mk.t().data, mk.offset(i, leadStrides), mk.ld(), 0f, scores, 0, s);
                    int maskBase = mask == null ? 0 : offset(mask.offset, maskStrides, i, leadStrides);
                    for (int row = 0; row < t; row++) {
                        if (mask == null) {
                            shiftRow(scores, row * s, s, scale, null, 0, 0);
                        } else {
                            shiftRow(scores, row * s, s, scale, mask.data, maskBase + row * maskStrides[r - 2], maskStrides[r - 1]);
                        }
                    }
                    // one call for the head's t x s exponentials rather than one per row of s
                    UnaryKernel.apply(UnaryKernel.Op.EXP, scores, 0, scores, 0, t * s);
                    for (int row = 0; row < t; row++) {
                        normalizeRow(scores, row * s, s, lanes);
                    }
                    int at = byToken ? (i / heads) * t * ldo + (i % heads) * dv : i * t * dv;
                    Gemm.sgemm(false, mv.transposed(), t, dv, s, 1f, scores, 0, s, mv.t().data, mv.offset(i, leadStrides), mv.ld(),
                            0f, out, at, ldo);
                }
            });
        }
        int[] shape = byToken ? new int[] {lead[0], t, heads, dv} : Arrays.copyOf(lead, r);
        if (!byToken) {
            shape[r - 2] = t;
            shape[r - 1] = dv;
        }
        return Tensor.wrap(out, shape);
    }

    private static int offset(int base, int[] strides, int index, int[] leadStrides) {
        int off = base;
        int rem = index;
        for (int dim = 0; dim < leadStrides.length; dim++) {
            int idx = rem / leadStrides[dim];
            rem -= idx * leadStrides[dim];
            off += idx * strides[dim];
        }
        return off;
    }

    /**
     * In place, the first half of a softmax row as the composed ops compute it: {@code x * scale
     * + mask} (two roundings, as Mul then Add), then minus the row's maximum, which the first pass
     * tracks as it writes (the maximum's lane order does not change its value). The fixed-order
     * sums of {@link #normalizeRow} make the result independent of the JIT's compilation state.
     */
    private static void shiftRow(float[] x, int at, int n, float scale, float[] mask, int maskAt, int maskStride) {
        int end = S.loopBound(n);
        FloatVector scaleV = FloatVector.broadcast(S, scale);
        FloatVector maxV = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int j = 0;
        if (mask == null || maskStride == 1) {
            for (; j < end; j += L) {
                FloatVector v = FloatVector.fromArray(S, x, at + j).mul(scaleV);
                if (mask != null) {
                    v = v.add(FloatVector.fromArray(S, mask, maskAt + j));
                }
                v.intoArray(x, at + j);
                maxV = maxV.max(v);
            }
        }
        float max = maxV.reduceLanes(VectorOperators.MAX);
        for (; j < n; j++) {
            float v = x[at + j] * scale;
            if (mask != null) {
                v += mask[maskAt + j * maskStride];
            }
            x[at + j] = v;
            // NaN wins, as in ReduceKernel.max
            max = Float.isNaN(v) || Float.isNaN(max) ? Float.NaN : Math.max(max, v);
        }
        FloatVector shift = FloatVector.broadcast(S, max);
        j = 0;
        for (; j < end; j += L) {
            FloatVector.fromArray(S, x, at + j).sub(shift).intoArray(x, at + j);
        }
        for (; j < n; j++) {
            x[at + j] -= max;
        }
    }

    /**
     * In place, the second half of a softmax row: the exponentials times the reciprocal of their
     * sum (within an ulp of dividing by it, and a multiply is several times cheaper than a divide).
     */
    private static void normalizeRow(float[] x, int at, int n, float[] lanes) {
        // the sum as layer norm's (see there), not through ReduceKernel.sum
        int end = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (; j < end; j += L) {
            acc = acc.add(FloatVector.fromArray(S, x, at + j));
        }
        acc.intoArray(lanes, 0);
        float sum = inOrder(lanes);
        for (; j < n; j++) {
            sum += x[at + j];
        }
        float inverse = 1f / sum;
        FloatVector inverseV = FloatVector.broadcast(S, inverse);
        for (j = 0; j < end; j += L) {
            FloatVector.fromArray(S, x, at + j).mul(inverseV).intoArray(x, at + j);
        }
        for (; j < n; j++) {
            x[at + j] *= inverse;
        }
    }

    // ---------------------------------------------------------------- GELU

    /**
     * The erf GELU as PyTorch exports it, {@code x * (1 + erf(x / 1.4142135)) * 0.5}, in one pass
     * ({@link Erf#gelu}); equal to the composed ops bit for bit.
     *
     * @throws IllegalStateException if {@code x} requires a gradient while recording is on
     */
    public static Tensor gelu(Tensor x) {
        inferenceOnly("gelu", x);
        Tensor xc = x.contiguous();
        int n = Shape.numel(x.shape);
        float[] out = Workspace.floats(n);
        Erf.gelu(xc.data, xc.offset, out, 0, n);
        return Tensor.wrap(out, x.shape);
    }

    // ---------------------------------------------------------------- layer normalisation

    /**
     * Layer normalisation over the last axis, {@code (x - mean) / sqrt(var + eps) * weight + bias}
     * with the biased variance, one row at a time.
     *
     * @param x {@code [..., D]}
     * @param weight {@code [D]}, or null for ones
     * @param bias {@code [D]}, or null for zeros
     * @param eps added to the variance
     * @throws IllegalArgumentException if weight or bias is not {@code [D]}
     * @throws IllegalStateException if an input requires a gradient while recording is on
     */
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        return layerNorm(x, null, weight, bias, eps);
    }

    /**
     * Layer normalisation of {@code x + residual} (a transformer block's residual connection),
     * the sum never stored as a tensor of its own.
     *
     * @param residual the same shape as {@code x}, or null
     * @throws IllegalArgumentException if residual is not the shape of x, or weight or bias is not {@code [D]}
     * @throws IllegalStateException if an input requires a gradient while recording is on
     */
    public static Tensor layerNorm(Tensor x, Tensor residual, Tensor weight, Tensor bias, float eps) {
        inferenceOnly("layerNorm", x, residual, weight, bias);
        if (residual != null && !Arrays.equals(residual.shape, x.shape)) {
            throw new IllegalArgumentException("layerNorm: residual " + Shape.str(residual.shape) + " is not the shape of x "
                    + Shape.str(x.shape));
        }
        int r = x.dim();
        if (r < 1) {
            throw new IllegalArgumentException("layerNorm: expected x [..., D], got a scalar");
        }
        int d = x.shape[r - 1];
        for (Tensor p : new Tensor[] {weight, bias}) {
            if (p != null && (p.dim() != 1 || p.shape[0] != d)) {
                throw new IllegalArgumentException("layerNorm: weight and bias must be [" + d + "] for x "
                        + Shape.str(x.shape) + ", got " + Shape.str(p.shape));
            }
        }
        Tensor xc = x.contiguous();
        Tensor rc = residual == null ? null : residual.contiguous();
        // Absent parameters become ones and negative zeros, which change no value, not even the
        // sign of a zero (x + -0 is x): the row loop then has no branch that picks a vector, which
        // JDK 17's C2 boxed in some runs, allocating on every vector.
        Tensor wc = weight == null ? Tensor.full(1f, d) : weight.contiguous();
        Tensor bc = bias == null ? Tensor.full(-0f, d) : bias.contiguous();
        int rows = d == 0 ? 0 : Shape.numel(x.shape) / d;
        float[] out = Workspace.floats(rows * d);
        if (rows > 0) {
            Parallel.forRange(rows, Math.max(1, BLOCK / Math.max(d, 1)), (from, to) -> {
                float[] lanes = new float[L];
                for (int row = from; row < to; row++) {
                    normalizeRow(xc.data, xc.offset + row * d, rc == null ? null : rc.data,
                            rc == null ? 0 : rc.offset + row * d, out, row * d, d, wc, bc, eps, lanes);
                }
            });
        }
        return Tensor.wrap(out, x.shape);
    }

    private static void normalizeRow(float[] src, int so, float[] res, int ro, float[] y, int yo, int d,
                                     Tensor w, Tensor b, float eps, float[] lanes) {
        int end = S.loopBound(d);
        float[] x = src;
        int xo = so;
        if (res != null) {
            // the residual sum goes to the output row first and is normalised there
            int j = 0;
            for (; j < end; j += L) {
                FloatVector.fromArray(S, src, so + j).add(FloatVector.fromArray(S, res, ro + j)).intoArray(y, yo + j);
            }
            for (; j < d; j++) {
                y[yo + j] = src[so + j] + res[ro + j];
            }
            x = y;
            xo = yo;
        }
        // The row's sums accumulate here, in vectors, and their lanes are added in a fixed order
        // (inOrder): the same bits in every JIT state. Not through ReduceKernel.sum: a small vector
        // method called per row was, in some JDK 17 runs, left in its C1 form, whose vectors are
        // heap objects, for good.
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (; j < end; j += L) {
            acc = acc.add(FloatVector.fromArray(S, x, xo + j));
        }
        acc.intoArray(lanes, 0);
        float total = inOrder(lanes);
        for (; j < d; j++) {
            total += x[xo + j];
        }
        float mean = total / d;
        FloatVector meanV = FloatVector.broadcast(S, mean);
        FloatVector squares = FloatVector.zero(S);
        for (j = 0; j < end; j += L) {
            FloatVector c = FloatVector.fromArray(S, x, xo + j).sub(meanV);
            squares = c.fma(c, squares);
        }
        squares.intoArray(lanes, 0);
        float variance = inOrder(lanes);
        for (; j < d; j++) {
            float c = x[xo + j] - mean;
            variance = Math.fma(c, c, variance);
        }
        float std = (float) Math.sqrt(variance / d + eps);
        // broadcast again rather than kept across the call to inOrder (see Erf.geluRange)
        meanV = FloatVector.broadcast(S, mean);
        FloatVector stdV = FloatVector.broadcast(S, std);
        // arrays and offsets in locals, so nothing in the loop may need the vectors on the heap
        float[] wd = w.data;
        float[] bd = b.data;
        int wo = w.offset;
        int bo = b.offset;
        for (j = 0; j < end; j += L) {
            FloatVector.fromArray(S, x, xo + j).sub(meanV).div(stdV).mul(FloatVector.fromArray(S, wd, wo + j))
                    .add(FloatVector.fromArray(S, bd, bo + j)).intoArray(y, yo + j);
        }
        for (; j < d; j++) {
            y[yo + j] = (x[xo + j] - mean) / std * wd[wo + j] + bd[bo + j];
        }
    }

    /** The lanes of one vector, stored in {@code lanes}, added from lane 0 upwards. */
    private static float inOrder(float[] lanes) {
        float s = lanes[0];
        for (int i = 1; i < L; i++) {
            s += lanes[i];
        }
        return s;
    }
}
