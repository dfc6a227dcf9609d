package dev.graft.engine;

import java.util.Arrays;
import dev.graft.engine.kernels.BinaryKernel;
import dev.graft.engine.kernels.UnaryKernel;
import java.util.Random;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A float32 tensor: a shared storage array read through a shape, strides and an offset, so that
 * reshape, permute, slice, squeeze, unsqueeze and expand are views that copy nothing.
 *
 * <p>Tensors are immutable to their users: every op returns a new tensor. When recording is on
 * ({@link GradMode}) and an input {@linkplain #requiresGrad() requires grad}, the result remembers
 * the op that made it, and {@link #backward()} walks that tape back to the leaves.
 */
public final class Tensor {

    final float[] data;
    final int offset;
    final int[] shape;
    final int[] strides;
    private boolean requiresGrad;
    private boolean retainGrad;
    private Node node;
    private Tensor grad;
    /** What {@link #derived} computed last; racy by design, since a lost write only costs a recompute. */
    private volatile Object derived;

    Tensor(float[] data, int offset, int[] shape, int[] strides) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
    }

    /** A contiguous tensor over {@code data}, which the caller hands over. */
    static Tensor wrap(float[] data, int[] shape) {
        return new Tensor(data, 0, shape.clone(), Shape.contiguousStrides(shape));
    }

    /**
     * Data a kernel derives from this tensor's values (a convolution's or a linear layer's packed
     * weights), kept with the tensor for the next call as long as {@code fits} accepts it. Callers
     * use it only for tensors that do not require grad, whose values nothing in the library
     * changes.
     */
    <T> T derived(Class<T> type, Predicate<T> fits, Supplier<T> make) {
        Object kept = derived;
        if (type.isInstance(kept) && fits.test(type.cast(kept))) {
            return type.cast(kept);
        }
        T made = make.get();
        derived = made;
        return made;
    }

    // ---------------------------------------------------------------- creation

    /**
     * Wraps a row-major array without copying it. The tensor takes the array over: changing it
     * afterwards is not supported, since kernels may keep data derived from a tensor's values
     * (packed convolution weights, for instance).
     *
     * @throws IllegalArgumentException if {@code data.length} is not the product of {@code shape}
     */
    public static Tensor of(float[] data, int... shape) {
        if (data.length != Shape.numel(shape)) {
            throw new IllegalArgumentException("Tensor.of: " + data.length + " values do not fill shape "
                    + Shape.str(shape) + " (" + Shape.numel(shape) + " expected)");
        }
        return wrap(data, shape);
    }

    /** @return a rank-0 tensor holding {@code value} */
    public static Tensor scalar(float value) {
        return wrap(new float[] {value}, new int[0]);
    }

    /** @return a tensor of zeros */
    public static Tensor zeros(int... shape) {
        return wrap(new float[Shape.numel(shape)], shape);
    }

    /** @return a tensor of ones */
    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    /** @return a tensor filled with {@code value} */
    public static Tensor full(float value, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        Arrays.fill(d, value);
        return wrap(d, shape);
    }

    /** @return {@code [0, 1, ..., n-1]} */
    public static Tensor arange(int n) {
        float[] d = new float[Shape.numel(new int[] {n})];
        for (int i = 0; i < n; i++) {
            d[i] = i;
        }
        return wrap(d, new int[] {n});
    }

    /** @return uniform values in [0, 1), reproducible from {@code seed} */
    public static Tensor rand(long seed, int... shape) {
        Random r = new Random(seed);
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextFloat();
        }
        return wrap(d, shape);
    }

    /** @return standard normal values, reproducible from {@code seed} */
    public static Tensor randn(long seed, int... shape) {
        Random r = new Random(seed);
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return wrap(d, shape);
    }

    // ---------------------------------------------------------------- inspection

    /** @return a copy of the dimensions */
    public int[] shape() {
        return shape.clone();
    }

    /** @return the number of dimensions */
    public int dim() {
        return shape.length;
    }

    /** @return the size of one dimension (negative axes count from the end) */
    public int size(int axis) {
        return shape[Shape.axis("size", axis, shape.length)];
    }

    /** @return the number of elements */
    public int numel() {
        return Shape.numel(shape);
    }

    /** @return whether the elements lie in row-major order without gaps */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /**
     * @param index one index per dimension
     * @return the element at {@code index}
     */
    public float get(int... index) {
        return data[flatIndex("get", index)];
    }

    int flatIndex(String op, int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException(op + ": " + index.length + " indices for a tensor of shape " + Shape.str(shape));
        }
        int off = offset;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException(op + ": index " + Arrays.toString(index)
                        + " is out of bounds for shape " + Shape.str(shape));
            }
            off += index[i] * strides[i];
        }
        return off;
    }

    /** @return the only element of a one-element tensor */
    public float item() {
        if (numel() != 1) {
            throw new IllegalStateException("item: tensor of shape " + Shape.str(shape) + " has " + numel() + " elements, expected 1");
        }
        return data[offset];
    }

    /** @return the elements in row-major order, as a new array */
    public float[] toArray() {
        if (isContiguous() && offset == 0 && data.length == numel()) {
            return data.clone();
        }
        float[] out = new float[numel()];
        copyInto(out, 0, Shape.contiguousStrides(shape));
        return out;
    }

    /** Copies this tensor into {@code dst} laid out with {@code dstStrides} over this tensor's shape. */
    void copyInto(float[] dst, int dstOffset, int[] dstStrides) {
        StridedLoop loop = new StridedLoop(shape, strides, dstStrides);
        int si = loop.innerStride(0);
        int di = loop.innerStride(1);
        loop.run(new int[] {offset, dstOffset}, (off, n) -> {
            if (si == 1 && di == 1) {
                System.arraycopy(data, off[0], dst, off[1], n);
            } else {
                for (int i = 0, s = off[0], d = off[1]; i < n; i++, s += si, d += di) {
                    dst[d] = data[s];
                }
            }
        });
    }

    /**
     * This tensor when it already is contiguous, else a contiguous copy; kernels read its
     * {@link #data} from its {@link #offset}. Records nothing on the tape: callers use it for raw
     * storage access, not as an op.
     */
    Tensor packed() {
        return isContiguous() ? this : wrap(toArray(), shape);
    }

    @Override
    public String toString() {
        int n = numel();
        float[] v = toArray();
        StringBuilder sb = new StringBuilder("Tensor").append(Shape.str(shape)).append(' ');
        sb.append(Arrays.toString(n <= 16 ? v : Arrays.copyOf(v, 16)));
        if (n > 16) {
            sb.setLength(sb.length() - 1);
            sb.append(", ... (").append(n).append(" values)]");
        }
        if (requiresGrad) {
            sb.append(node == null ? " requiresGrad" : " grad_fn=" + node.op());
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- autograd

    /** @return whether gradients flow to or through this tensor */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Marks a leaf tensor as a parameter whose gradient {@link #backward()} accumulates.
     *
     * @return this tensor
     * @throws IllegalStateException on a tensor made by a recorded op
     */
    public Tensor requiresGrad(boolean on) {
        if (node != null) {
            throw new IllegalStateException("requiresGrad can only be set on a leaf tensor; this one was made by "
                    + node.op() + " (use detach() first)");
        }
        requiresGrad = on;
        return this;
    }

    /** Keeps this intermediate tensor's gradient after {@link #backward()} (leaves always keep theirs). */
    public Tensor retainGrad() {
        retainGrad = true;
        return this;
    }

    boolean retainsGrad() {
        return retainGrad;
    }

    /** @return the accumulated gradient, or null before any backward pass reached this tensor */
    public Tensor grad() {
        return grad;
    }

    /** Forgets the accumulated gradient. */
    public void zeroGrad() {
        grad = null;
    }

    Node node() {
        return node;
    }

    void attach(Node n) {
        node = n;
        requiresGrad = true;
    }

    void accumulateGrad(Tensor g) {
        grad = grad == null ? wrap(g.toArray(), shape) : grad.add(g);
    }

    /**
     * Back-propagates from a one-element tensor (a loss).
     *
     * @throws IllegalStateException if this tensor does not require grad or has more than one element
     */
    public void backward() {
        if (numel() != 1) {
            throw new IllegalStateException("backward() needs a one-element tensor, got shape " + Shape.str(shape)
                    + "; pass a gradient with backward(gradOutput)");
        }
        backward(ones(shape));
    }

    /**
     * Back-propagates {@code gradOutput}, the gradient of some scalar with respect to this tensor.
     *
     * @throws IllegalArgumentException if the gradient's shape differs from this tensor's
     */
    public void backward(Tensor gradOutput) {
        if (!requiresGrad) {
            throw new IllegalStateException("backward: this tensor does not require grad (no input of the ops that made it did)");
        }
        Shape.checkSameShape("backward", shape, gradOutput.shape);
        Autograd.backward(this, gradOutput);
    }

    /** @return a tensor sharing this one's storage with no history and no gradient */
    public Tensor detach() {
        return new Tensor(data, offset, shape, strides);
    }

    // ---------------------------------------------------------------- views

    /**
     * A tensor of a new shape with the same elements in row-major order; a view when this tensor is
     * contiguous, else a copy. One dimension may be -1 and is then inferred.
     */
    public Tensor reshape(int... newShape) {
        int[] target = Shape.reshapeTarget("reshape", shape, newShape);
        Tensor src = isContiguous() ? this : contiguous();
        Tensor out = new Tensor(src.data, src.offset, target, Shape.contiguousStrides(target));
        int[] original = shape;
        return Autograd.record(out, "reshape", g -> new Tensor[] {g.reshape(original)}, src);
    }

    /** @return a contiguous tensor with the same values (this one if already contiguous) */
    public Tensor contiguous() {
        if (isContiguous()) {
            return this;
        }
        return Autograd.record(wrap(toArray(), shape), "contiguous", g -> new Tensor[] {g}, this);
    }

    /** A view with the dimensions reordered: result dimension i is this tensor's dimension {@code axes[i]}. */
    public Tensor permute(int... axes) {
        if (axes.length != shape.length) {
            throw new IllegalArgumentException("permute: " + axes.length + " axes given for a tensor of rank "
                    + shape.length + " (shape " + Shape.str(shape) + ")");
        }
        int[] perm = new int[axes.length];
        boolean[] seen = new boolean[axes.length];
        int[] inverse = new int[axes.length];
        int[] ns = new int[axes.length];
        int[] st = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            int a = Shape.axis("permute", axes[i], axes.length);
            if (seen[a]) {
                throw new IllegalArgumentException("permute: axes " + Arrays.toString(axes) + " are not a permutation");
            }
            seen[a] = true;
            perm[i] = a;
            inverse[a] = i;
            ns[i] = shape[a];
            st[i] = strides[a];
        }
        return Autograd.record(new Tensor(data, offset, ns, st), "permute", g -> new Tensor[] {g.permute(inverse)}, this);
    }

    /** A view with two dimensions swapped. */
    public Tensor transpose(int a, int b) {
        int[] perm = new int[shape.length];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        int x = Shape.axis("transpose", a, shape.length);
        int y = Shape.axis("transpose", b, shape.length);
        perm[x] = y;
        perm[y] = x;
        return permute(perm);
    }

    /**
     * A view of every {@code step}-th index from {@code start} (inclusive) to {@code end} (exclusive)
     * along {@code axis}. Negative {@code start}/{@code end} count from the end; both are clamped to
     * the dimension as in Python.
     */
    public Tensor slice(int axis, int start, int end, int step) {
        int ax = Shape.axis("slice", axis, shape.length);
        if (step <= 0) {
            throw new IllegalArgumentException("slice: step must be positive, got " + step);
        }
        int dim = shape[ax];
        int s = clampIndex(start, dim);
        int e = clampIndex(end, dim);
        int len = e > s ? (e - s + step - 1) / step : 0;
        int[] ns = shape.clone();
        int[] st = strides.clone();
        ns[ax] = len;
        st[ax] = strides[ax] * step;
        Tensor out = new Tensor(data, offset + (len > 0 ? s * strides[ax] : 0), ns, st);
        int[] inShape = shape;
        return Autograd.record(out, "slice", g -> {
            float[] z = new float[Shape.numel(inShape)];
            int[] cs = Shape.contiguousStrides(inShape);
            int[] gs = cs.clone();
            gs[ax] = cs[ax] * step;
            g.copyInto(z, s * cs[ax], gs);
            return new Tensor[] {wrap(z, inShape)};
        }, this);
    }

    private static int clampIndex(int i, int dim) {
        int r = i < 0 ? i + dim : i;
        return Math.max(0, Math.min(r, dim));
    }

    /** Removes the given size-1 dimensions, or all size-1 dimensions when none are given. */
    public Tensor squeeze(int... axes) {
        boolean[] drop = new boolean[shape.length];
        if (axes.length == 0) {
            for (int i = 0; i < shape.length; i++) {
                drop[i] = shape[i] == 1;
            }
        } else {
            for (int a : axes) {
                int ax = Shape.axis("squeeze", a, shape.length);
                if (shape[ax] != 1) {
                    throw new IllegalArgumentException("squeeze: dimension " + a + " of shape " + Shape.str(shape) + " is not 1");
                }
                drop[ax] = true;
            }
        }
        int kept = 0;
        for (boolean d : drop) {
            kept += d ? 0 : 1;
        }
        int[] ns = new int[kept];
        int[] st = new int[kept];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (!drop[i]) {
                ns[j] = shape[i];
                st[j++] = strides[i];
            }
        }
        return restride("squeeze", ns, st);
    }

    /** Inserts a size-1 dimension at {@code axis} (negative counts from the end of the result). */
    public Tensor unsqueeze(int axis) {
        int ax = Shape.axis("unsqueeze", axis, shape.length + 1);
        int[] ns = new int[shape.length + 1];
        int[] st = new int[shape.length + 1];
        for (int i = 0, j = 0; i < ns.length; i++) {
            if (i == ax) {
                ns[i] = 1;
                st[i] = ax < shape.length ? strides[ax] * shape[ax] : 1;
            } else {
                ns[i] = shape[j];
                st[i] = strides[j++];
            }
        }
        return restride("unsqueeze", ns, st);
    }

    private Tensor restride(String op, int[] ns, int[] st) {
        int[] original = shape;
        return Autograd.record(new Tensor(data, offset, ns, st), op, g -> new Tensor[] {g.reshape(original)}, this);
    }

    /**
     * A broadcast view: size-1 dimensions repeat to the target size without copying; new leading
     * dimensions may be added. A target size of -1 keeps the dimension.
     */
    public Tensor expand(int... target) {
        int[] t = target.clone();
        int lead = t.length - shape.length;
        for (int i = 0; i < t.length; i++) {
            if (t[i] == -1) {
                if (i < lead) {
                    throw new IllegalArgumentException("expand: -1 is not allowed for new leading dimension " + i);
                }
                t[i] = shape[i - lead];
            }
        }
        int[] st = Shape.broadcastStrides("expand", shape, strides, t);
        int[] original = shape;
        return Autograd.record(new Tensor(data, offset, t, st), "expand",
                g -> new Tensor[] {Reductions.sumToShape(g, original)}, this);
    }

    /** Merges dimensions {@code startAxis..} into one. */
    public Tensor flatten(int startAxis) {
        int ax = shape.length == 0 ? 0 : Shape.axis("flatten", startAxis, shape.length);
        int[] ns = Arrays.copyOf(shape, ax + 1);
        ns[ax] = -1;
        if (shape.length == 0) {
            return reshape(1);
        }
        return reshape(ns);
    }

    // ---------------------------------------------------------------- elementwise

    /** @return {@code this + other}, broadcasting */
    public Tensor add(Tensor other) {
        return Elementwise.binary(BinaryKernel.Op.ADD, this, other);
    }

    /** @return {@code this - other}, broadcasting */
    public Tensor sub(Tensor other) {
        return Elementwise.binary(BinaryKernel.Op.SUB, this, other);
    }

    /** @return {@code this * other}, broadcasting */
    public Tensor mul(Tensor other) {
        return Elementwise.binary(BinaryKernel.Op.MUL, this, other);
    }

    /** @return {@code this / other}, broadcasting */
    public Tensor div(Tensor other) {
        return Elementwise.binary(BinaryKernel.Op.DIV, this, other);
    }

    /** @return {@code this ^ other}, broadcasting */
    public Tensor pow(Tensor other) {
        return Elementwise.binary(BinaryKernel.Op.POW, this, other);
    }

    /** @return the elementwise minimum, broadcasting (ties share the gradient equally) */
    public Tensor minimum(Tensor other) {
        return Elementwise.binary(BinaryKernel.Op.MIN, this, other);
    }

    /** @return the elementwise maximum, broadcasting (ties share the gradient equally) */
    public Tensor maximum(Tensor other) {
        return Elementwise.binary(BinaryKernel.Op.MAX, this, other);
    }

    /** @return {@code this + value} */
    public Tensor add(float value) {
        return add(scalar(value));
    }

    /** @return {@code this - value} */
    public Tensor sub(float value) {
        return sub(scalar(value));
    }

    /** @return {@code this * value} */
    public Tensor mul(float value) {
        return mul(scalar(value));
    }

    /** @return {@code this / value} */
    public Tensor div(float value) {
        return div(scalar(value));
    }

    /** @return {@code this ^ value} */
    public Tensor pow(float value) {
        return pow(scalar(value));
    }

    /** @return {@code cond ? a : b} elementwise, broadcasting all three */
    public static Tensor where(BoolTensor cond, Tensor a, Tensor b) {
        return Elementwise.where(cond, a, b);
    }

    /** @return {@code this == other}, broadcasting */
    public BoolTensor eq(Tensor other) {
        return Elementwise.compare(Comparison.EQ, this, other);
    }

    /** @return {@code this < other}, broadcasting */
    public BoolTensor lt(Tensor other) {
        return Elementwise.compare(Comparison.LT, this, other);
    }

    /** @return {@code this <= other}, broadcasting */
    public BoolTensor le(Tensor other) {
        return Elementwise.compare(Comparison.LE, this, other);
    }

    /** @return {@code this > other}, broadcasting */
    public BoolTensor gt(Tensor other) {
        return Elementwise.compare(Comparison.GT, this, other);
    }

    /** @return {@code this >= other}, broadcasting */
    public BoolTensor ge(Tensor other) {
        return Elementwise.compare(Comparison.GE, this, other);
    }

    /** @return {@code -this} */
    public Tensor neg() {
        return Elementwise.unary(UnaryKernel.Op.NEG, this);
    }

    /** @return e to the power of each element */
    public Tensor exp() {
        return Elementwise.unary(UnaryKernel.Op.EXP, this);
    }

    /** @return the natural logarithm */
    public Tensor log() {
        return Elementwise.unary(UnaryKernel.Op.LOG, this);
    }

    /** @return the square root */
    public Tensor sqrt() {
        return Elementwise.unary(UnaryKernel.Op.SQRT, this);
    }

    /** @return one over the square root */
    public Tensor rsqrt() {
        return Elementwise.unary(UnaryKernel.Op.RSQRT, this);
    }

    /** @return the absolute value */
    public Tensor abs() {
        return Elementwise.unary(UnaryKernel.Op.ABS, this);
    }

    /** @return the hyperbolic tangent */
    public Tensor tanh() {
        return Elementwise.unary(UnaryKernel.Op.TANH, this);
    }

    /** @return the logistic function {@code 1 / (1 + e^-x)} */
    public Tensor sigmoid() {
        return Elementwise.unary(UnaryKernel.Op.SIGMOID, this);
    }

    /** @return the Gauss error function */
    public Tensor erf() {
        return Elementwise.unary(UnaryKernel.Op.ERF, this);
    }

    /** @return the sine, in radians */
    public Tensor sin() {
        return Elementwise.unary(UnaryKernel.Op.SIN, this);
    }

    /** @return the cosine, in radians */
    public Tensor cos() {
        return Elementwise.unary(UnaryKernel.Op.COS, this);
    }

    /** @return the tangent, in radians */
    public Tensor tan() {
        return Elementwise.unary(UnaryKernel.Op.TAN, this);
    }

    /** @return the arcsine in {@code [-pi/2, pi/2]}; NaN outside {@code [-1, 1]} */
    public Tensor asin() {
        return Elementwise.unary(UnaryKernel.Op.ASIN, this);
    }

    /** @return the arccosine in {@code [0, pi]}; NaN outside {@code [-1, 1]} */
    public Tensor acos() {
        return Elementwise.unary(UnaryKernel.Op.ACOS, this);
    }

    /** @return the arctangent in {@code (-pi/2, pi/2)} */
    public Tensor atan() {
        return Elementwise.unary(UnaryKernel.Op.ATAN, this);
    }

    /** @return {@code max(x, 0)} */
    public Tensor relu() {
        return Elementwise.unary(UnaryKernel.Op.RELU, this);
    }

    /** @return {@code 1 / x} */
    public Tensor reciprocal() {
        return Elementwise.unary(UnaryKernel.Op.RECIPROCAL, this);
    }

    /** @return {@code x * x} */
    public Tensor square() {
        return Elementwise.unary(UnaryKernel.Op.SQUARE, this);
    }

    /** @return each element limited to {@code [min, max]}; the gradient passes where {@code min <= x <= max} */
    public Tensor clamp(float min, float max) {
        return Activations.clamp(this, min, max);
    }

    /** @return {@code x} where positive, {@code alpha * x} elsewhere */
    public Tensor leakyRelu(float alpha) {
        return Activations.leakyRelu(this, alpha);
    }

    /** @return {@code x} where positive, {@code alpha * (e^x - 1)} elsewhere */
    public Tensor elu(float alpha) {
        return Activations.elu(this, alpha);
    }

    /** @return the scaled ELU with the standard self-normalising constants */
    public Tensor selu() {
        return Activations.selu(this);
    }

    /** @return {@code log(1 + e^x)}, computed without overflow */
    public Tensor softplus() {
        return Activations.softplus(this);
    }

    /** @return GELU in its exact form {@code x * Phi(x)} */
    public Tensor gelu() {
        return Activations.gelu(this);
    }

    /** @return GELU in its tanh approximation */
    public Tensor geluTanh() {
        return Activations.geluTanh(this);
    }

    /** @return SiLU (swish) {@code x * sigmoid(x)} */
    public Tensor silu() {
        return Activations.silu(this);
    }

    /** @return {@code clamp(alpha * x + beta, 0, 1)} (ONNX HardSigmoid; PyTorch uses alpha 1/6, beta 0.5) */
    public Tensor hardSigmoid(float alpha, float beta) {
        return Activations.hardSigmoid(this, alpha, beta);
    }

    /** @return {@code x * relu6(x + 3) / 6} */
    public Tensor hardSwish() {
        return Activations.hardSwish(this);
    }

    /** @return {@code clamp(x, 0, 6)} */
    public Tensor relu6() {
        return clamp(0f, 6f);
    }

    // ---------------------------------------------------------------- reductions

    /** @return the sum of all elements, as a rank-0 tensor */
    public Tensor sum() {
        return Reductions.sum(this, new int[0], false);
    }

    /** @return the sum over {@code axes} (empty: all), keeping them as size 1 when {@code keepDims} */
    public Tensor sum(int[] axes, boolean keepDims) {
        return Reductions.sum(this, axes, keepDims);
    }

    /** @return the mean of all elements */
    public Tensor mean() {
        return Reductions.mean(this, new int[0], false);
    }

    /** @return the mean over {@code axes} (empty: all) */
    public Tensor mean(int[] axes, boolean keepDims) {
        return Reductions.mean(this, axes, keepDims);
    }

    /** @return the largest element */
    public Tensor max() {
        return Reductions.extreme(this, new int[0], false, true);
    }

    /** @return the maximum over {@code axes} (empty: all); tied maxima share the gradient equally */
    public Tensor max(int[] axes, boolean keepDims) {
        return Reductions.extreme(this, axes, keepDims, true);
    }

    /** @return the smallest element */
    public Tensor min() {
        return Reductions.extreme(this, new int[0], false, false);
    }

    /** @return the minimum over {@code axes} (empty: all); tied minima share the gradient equally */
    public Tensor min(int[] axes, boolean keepDims) {
        return Reductions.extreme(this, axes, keepDims, false);
    }

    /** @return the index of the first maximum along {@code axis} */
    public LongTensor argmax(int axis, boolean keepDims) {
        return Reductions.argExtreme(this, axis, keepDims, true);
    }

    /** @return the index of the first minimum along {@code axis} */
    public LongTensor argmin(int axis, boolean keepDims) {
        return Reductions.argExtreme(this, axis, keepDims, false);
    }

    /** @return softmax along {@code axis} */
    public Tensor softmax(int axis) {
        return Reductions.softmax(this, axis);
    }

    /** @return log-softmax along {@code axis} */
    public Tensor logSoftmax(int axis) {
        return Reductions.logSoftmax(this, axis);
    }

    // ---------------------------------------------------------------- linear algebra

    /**
     * Matrix product with numpy semantics: 2-D times 2-D, 1-D operands promoted to a row or column
     * and dropped again, and leading batch dimensions broadcast.
     */
    public Tensor matmul(Tensor other) {
        return MatMul.matmul(this, other);
    }

    /**
     * 2-D convolution (cross-correlation, as in every deep-learning library) of NCHW input.
     *
     * @param weight {@code [O, C/groups, kH, kW]}
     * @param bias {@code [O]}, or null
     * @param spec stride, padding, dilation and groups
     */
    public Tensor conv2d(Tensor weight, Tensor bias, Conv2dSpec spec) {
        return Convolution.conv2d(this, weight, bias, spec);
    }

    // ---------------------------------------------------------------- pooling

    /** Max pooling over the last two dimensions of NCHW input; ties route the gradient to the first maximum. */
    public Tensor maxPool2d(Pool2dSpec spec) {
        return Pooling.maxPool2d(this, spec);
    }

    /**
     * Average pooling over the last two dimensions of NCHW input.
     *
     * @param countIncludePad divide by the full window size even where it overlaps the padding
     */
    public Tensor avgPool2d(Pool2dSpec spec, boolean countIncludePad) {
        return Pooling.avgPool2d(this, spec, countIncludePad);
    }

    /** @return the mean over H and W of NCHW input, as {@code [N, C, 1, 1]} */
    public Tensor globalAvgPool2d() {
        Pooling.checkNchw("globalAvgPool2d", this);
        return mean(new int[] {2, 3}, true);
    }

    /** @return the maximum over H and W of NCHW input, as {@code [N, C, 1, 1]} */
    public Tensor globalMaxPool2d() {
        Pooling.checkNchw("globalMaxPool2d", this);
        return max(new int[] {2, 3}, true);
    }

    // ---------------------------------------------------------------- structure

    /** @return the tensors joined along {@code axis}; all other dimensions must agree */
    public static Tensor concat(int axis, Tensor... tensors) {
        return Indexing.concat(axis, tensors);
    }

    /** @return views of consecutive pieces of the given sizes along {@code axis} */
    public Tensor[] split(int axis, int... sizes) {
        return Indexing.split(this, axis, sizes);
    }

    /**
     * ONNX Gather: picks slices along {@code axis}; the result has shape
     * {@code shape[:axis] + indices.shape + shape[axis+1:]}. Negative indices count from the end.
     */
    public Tensor gather(int axis, LongTensor indices) {
        return Indexing.gather(this, axis, indices);
    }

    /**
     * torch.gather / ONNX GatherElements: {@code out[i][j] = this[indices[i][j]][j]} for axis 0,
     * and likewise for any axis. {@code indices} has this tensor's rank; negative indices wrap.
     */
    public Tensor gatherElements(int axis, LongTensor indices) {
        return Indexing.gatherElements(this, axis, indices);
    }

    /** @return the slices at the given 1-D indices along {@code axis} */
    public Tensor indexSelect(int axis, LongTensor indices) {
        if (indices.dim() != 1) {
            throw new IllegalArgumentException("indexSelect: indices must be 1-D, got shape " + Shape.str(indices.shape()));
        }
        return Indexing.gather(this, axis, indices);
    }

    /**
     * Pads (or, with negative amounts, crops) every dimension.
     *
     * @param pads ONNX layout: {@code [x1_begin, x2_begin, ..., x1_end, x2_end, ...]}
     * @param mode how new elements are filled
     * @param value the fill value for {@link PadMode#CONSTANT}
     */
    public Tensor pad(int[] pads, PadMode mode, float value) {
        return Indexing.pad(this, pads, mode, value);
    }

    /** @return the elements truncated toward zero as int64 */
    public LongTensor toLong() {
        float[] v = toArray();
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            if (Float.isNaN(v[i]) || Float.isInfinite(v[i])) {
                throw new ArithmeticException("toLong: element " + i + " is " + v[i] + ", which has no int64 value");
            }
            out[i] = (long) v[i];
        }
        return LongTensor.of(out, shape);
    }

    /** @return {@code this != 0} */
    public BoolTensor toBool() {
        float[] v = toArray();
        boolean[] out = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] != 0f;
        }
        return BoolTensor.of(out, shape);
    }
}
