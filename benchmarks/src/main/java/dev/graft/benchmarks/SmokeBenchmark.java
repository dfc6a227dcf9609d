package dev.graft.benchmarks;

import dev.graft.engine.Conv2dSpec;
import dev.graft.engine.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One quick measurement of each primitive family: elementwise, reduction, matmul, convolution. A
 * regression here shows up in minutes; the detailed benchmarks live in their own classes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SmokeBenchmark {

    private static final int MILLION = 1 << 20;

    private Tensor a;
    private Tensor b;
    private Tensor m1;
    private Tensor m2;
    private Tensor image;
    private Tensor kernel;
    private Conv2dSpec same;

    /** Random inputs, made once per fork. */
    @Setup
    public void setUp() {
        a = Tensor.randn(1, MILLION);
        b = Tensor.randn(2, MILLION);
        m1 = Tensor.randn(3, 256, 256);
        m2 = Tensor.randn(4, 256, 256);
        image = Tensor.randn(5, 1, 64, 56, 56);
        kernel = Tensor.randn(6, 64, 64, 3, 3);
        same = Conv2dSpec.of(1, 1, 1, 1);
    }

    /** @return the elementwise sum of two 2^20-element vectors */
    @Benchmark
    public Tensor add1M() {
        return a.add(b);
    }

    /** @return the sum of a 2^20-element vector */
    @Benchmark
    public Tensor sum1M() {
        return a.sum();
    }

    /** @return a 256x256 by 256x256 matrix product */
    @Benchmark
    public Tensor matmul256() {
        return m1.matmul(m2);
    }

    /** @return a 3x3, 64 to 64 channel, stride 1, pad 1 convolution of one 56x56 image */
    @Benchmark
    public Tensor conv3x3x64on56() {
        return image.conv2d(kernel, null, same);
    }
}
