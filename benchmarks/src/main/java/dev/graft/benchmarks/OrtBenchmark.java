package dev.graft.benchmarks;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The reference figures from ONNX Runtime's Java package (native MLAS kernels): the same
 * workloads as {@link GemmBenchmark}, {@link ConvBenchmark#forward} and {@link ResNetBenchmark},
 * each run as an ONNX model written by {@code benchmarks/reference/make_models.py}. The session
 * is pinned to {@code -Dgraft.threads} intra-op threads, sequential execution, all graph
 * optimisations on. ONNX Runtime has no backward pass, so it has no gradient figures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1)
@Warmup(iterations = 3, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 300, timeUnit = TimeUnit.MILLISECONDS)
public class OrtBenchmark {

    /**
     * {@code sgemm:MxNxK}, {@code conv:<conv name>} or {@code resnet18:<batch>}; the model file is
     * {@code sgemm_MxNxK.onnx}, {@code conv_<name>.onnx} or {@code resnet18.onnx}.
     */
    @Param("sgemm:1024x1024x1024")
    public String workload;

    private OrtEnvironment env;
    private OrtSession session;
    private final Map<String, OnnxTensor> inputs = new HashMap<>();

    /**
     * Opens the session and makes random inputs; a dynamic (batch) dimension takes the batch size.
     *
     * @throws OrtException if ONNX Runtime cannot load the model
     */
    @Setup
    public void setUp() throws OrtException {
        String[] parts = workload.split(":", 2);
        String file = parts[0].equals("resnet18") ? "resnet18.onnx" : parts[0] + "_" + parts[1] + ".onnx";
        long batch = parts[0].equals("resnet18") ? Long.parseLong(parts[1]) : 1;
        int threads = Integer.getInteger("graft.threads", Runtime.getRuntime().availableProcessors());
        env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = env.createSession(Workload.models().resolve(file).toString(), options);
        Random random = new Random(1);
        for (Map.Entry<String, NodeInfo> in : session.getInputInfo().entrySet()) {
            long[] shape = ((TensorInfo) in.getValue().getInfo()).getShape().clone();
            long size = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shape[i] < 0 ? batch : shape[i];
                size *= shape[i];
            }
            float[] data = new float[Math.toIntExact(size)];
            for (int i = 0; i < data.length; i++) {
                data[i] = random.nextFloat() - 0.5f;
            }
            inputs.put(in.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape));
        }
    }

    /**
     * Closes the inputs and the session.
     *
     * @throws OrtException if ONNX Runtime fails to release them
     */
    @TearDown
    public void tearDown() throws OrtException {
        for (OnnxTensor t : inputs.values()) {
            t.close();
        }
        session.close();
    }

    /**
     * @return the number of outputs, after closing them
     * @throws OrtException if the run fails
     */
    @Benchmark
    public int run() throws OrtException {
        try (OrtSession.Result result = session.run(inputs)) {
            return result.size();
        }
    }
}
