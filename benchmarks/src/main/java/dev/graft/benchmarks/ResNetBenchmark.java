package dev.graft.benchmarks;

import dev.graft.engine.GradMode;
import dev.graft.engine.Tensor;
import dev.graft.onnx.OnnxImporter;
import dev.graft.onnx.OnnxModel;
import java.io.IOException;
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
 * Inference of ResNet-18 (random seeded weights, exported by
 * {@code benchmarks/reference/make_models.py}) imported with {@link OnnxImporter}, in eval mode
 * without recording gradients, on a 224x224 batch. The model folder comes from
 * {@code -Dgraft.bench.models}, threads from {@code -Dgraft.threads}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
public class ResNetBenchmark {

    /** Images per batch. */
    @Param("1")
    public int batch;

    private OnnxModel model;
    private Tensor input;

    /**
     * Loads the model and makes a random batch.
     *
     * @throws IOException if the model cannot be read
     */
    @Setup
    public void setUp() throws IOException {
        model = OnnxImporter.load(Workload.models().resolve("resnet18.onnx"));
        model.eval();
        input = Tensor.randn(1, batch, 3, 224, 224);
    }

    /** @return the logits */
    @Benchmark
    public Tensor resnet18() {
        try (var noGrad = GradMode.noGrad()) {
            return model.forward(input);
        }
    }
}
