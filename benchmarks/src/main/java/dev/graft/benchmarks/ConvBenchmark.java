package dev.graft.benchmarks;

import dev.graft.engine.kernels.Conv2dGeometry;
import dev.graft.engine.kernels.Conv2dKernel;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One pass of a convolution through {@link Conv2dKernel}: forward, input gradient or weight
 * gradient, each writing a preallocated result (PyTorch's reference times the same three calls of
 * {@code aten::convolution_backward} separately). Threads come from {@code -Dgraft.threads}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 300, timeUnit = TimeUnit.MILLISECONDS)
public class ConvBenchmark {

    /** The convolution (see {@link Workload#conv}). */
    @Param("n8c64h56o64k3s1p1g1")
    public String conv;

    private Conv2dGeometry g;
    private float[] x;
    private float[] w;
    private float[] y;
    private float[] dy;
    private float[] dx;
    private float[] dw;

    /** Random operands, made once per fork. */
    @Setup
    public void setUp() {
        int[] p = Workload.conv(conv);
        int n = p[0];
        int c = p[1];
        int h = p[2];
        int o = p[3];
        int k = p[4];
        int s = p[5];
        int pad = p[6];
        int groups = p[7];
        int out = (h + 2 * pad - k) / s + 1;
        g = new Conv2dGeometry(n, c, h, h, o, k, k, s, s, pad, pad, 1, 1, groups, out, out);
        Random random = new Random(1);
        x = random(random, g.inputSize());
        w = random(random, g.weightSize());
        dy = random(random, g.outputSize());
        y = new float[g.outputSize()];
        dx = new float[g.inputSize()];
        dw = new float[g.weightSize()];
    }

    private static float[] random(Random random, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = random.nextFloat() - 0.5f;
        }
        return a;
    }

    /** @return the output */
    @Benchmark
    public float[] forward() {
        Conv2dKernel.forward(g, x, 0, w, 0, null, 0, y, 0);
        return y;
    }

    /** @return the input gradient */
    @Benchmark
    public float[] inputGrad() {
        Conv2dKernel.inputGrad(g, dy, 0, w, 0, dx, 0);
        return dx;
    }

    /** @return the weight gradient */
    @Benchmark
    public float[] weightGrad() {
        Conv2dKernel.weightGrad(g, x, 0, dy, 0, dw, 0);
        return dw;
    }
}
