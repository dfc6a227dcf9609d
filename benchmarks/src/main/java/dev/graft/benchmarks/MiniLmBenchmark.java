package dev.graft.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.graft.engine.GradMode;
import dev.graft.engine.LongTensor;
import dev.graft.engine.Parallel;
import dev.graft.engine.Tensor;
import dev.graft.onnx.OnnxImporter;
import dev.graft.onnx.OnnxModel;
import dev.graft.onnx.Value;
import dev.graft.transfer.text.EncoderFiles;
import dev.graft.transfer.text.Encoding;
import dev.graft.transfer.text.Padding;
import dev.graft.transfer.text.TokenizerJson;
import dev.graft.transfer.text.Truncation;
import dev.graft.transfer.text.WordPieceTokenizer;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sentence-encoder throughput: all-MiniLM-L6-v2 on a batch of 32 sentences of 128 tokens each,
 * graft's imported model against ONNX Runtime's Java package (native MLAS kernels, all graph
 * optimisations) on the same token ids. Scores are sentences per second. Both use
 * {@code -Dgraft.threads} threads (ONNX Runtime: intra-op threads, sequential execution). The
 * model jar comes from {@code -Dgraft.text.model} (default
 * {@code transfer/target/models/all-minilm-l6-v2.jar}, which the transfer build puts there).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 2, time = 6)
@Measurement(iterations = 5, time = 6)
public class MiniLmBenchmark {

    /** Sentences per batch. */
    public static final int BATCH = 32;
    /** Tokens per sentence, special tokens included. */
    public static final int LENGTH = 128;

    private OnnxModel model;
    private final Map<String, Value> graftInputs = new LinkedHashMap<>();
    private OrtEnvironment env;
    private OrtSession session;
    private final Map<String, OnnxTensor> ortInputs = new HashMap<>();

    /**
     * Loads the model into both engines and tokenizes 32 sentences, each cut to 128 tokens.
     *
     * @throws IOException if the model jar cannot be read
     * @throws OrtException if ONNX Runtime cannot load the model
     */
    @Setup
    public void setUp() throws IOException, OrtException {
        EncoderFiles files = EncoderFiles.locate(Path.of(System.getProperty("graft.text.model",
                "transfer/target/models/all-minilm-l6-v2.jar")));
        WordPieceTokenizer tokenizer = TokenizerJson.parse(files.tokenizerJson(), files.source())
                .withTruncation(Truncation.of(LENGTH)).withPadding(Padding.batchLongest(0, "[PAD]").withFixedLength(LENGTH));
        List<Encoding> encodings = tokenizer.encodeBatch(sentences());
        long[] ids = new long[BATCH * LENGTH];
        long[] mask = new long[BATCH * LENGTH];
        long[] types = new long[BATCH * LENGTH];
        for (int s = 0; s < BATCH; s++) {
            Encoding e = encodings.get(s);
            if (e.tokenCount() != LENGTH) {
                throw new IllegalStateException("sentence " + s + " has " + e.tokenCount() + " tokens, expected " + LENGTH);
            }
            for (int t = 0; t < LENGTH; t++) {
                ids[s * LENGTH + t] = e.ids()[t];
                mask[s * LENGTH + t] = e.attentionMask()[t];
                types[s * LENGTH + t] = e.typeIds()[t];
            }
        }
        model = OnnxImporter.load(files.onnx());
        model.eval();
        graftInputs.put("input_ids", Value.of(LongTensor.of(ids, BATCH, LENGTH)));
        graftInputs.put("attention_mask", Value.of(LongTensor.of(mask, BATCH, LENGTH)));
        graftInputs.put("token_type_ids", Value.of(LongTensor.of(types, BATCH, LENGTH)));

        env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(Parallel.threads());
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = env.createSession(files.onnx(), options);
        long[] shape = {BATCH, LENGTH};
        ortInputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
        ortInputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
        ortInputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
    }

    /** 32 different sentences, each long enough to fill 128 tokens. */
    private static List<String> sentences() {
        String[] words = ("graft imports a pretrained transformer, freezes it and trains a small head on a few labels; "
                + "the sentence encoder averages the token vectors the attention mask keeps and scales them to unit length, "
                + "so that similar package descriptions end up close together on the unit sphere").split(" ");
        List<String> out = new ArrayList<>();
        for (int s = 0; s < BATCH; s++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < 2 * LENGTH; w++) {
                sb.append(words[(w * 7 + s * 3) % words.length]).append(' ');
            }
            out.add(sb.toString());
        }
        return out;
    }

    /**
     * Releases ONNX Runtime's inputs and session.
     *
     * @throws OrtException if ONNX Runtime fails to release them
     */
    @TearDown
    public void tearDown() throws OrtException {
        for (OnnxTensor t : ortInputs.values()) {
            t.close();
        }
        session.close();
    }

    /** @return graft's token vectors for the batch */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Tensor graft() {
        try (var noGrad = GradMode.noGrad()) {
            return model.run(graftInputs).get(model.outputNames().get(0)).floatTensor();
        }
    }

    /**
     * @return the number of outputs ONNX Runtime computed for the batch
     * @throws OrtException if the run fails
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int onnxRuntime() throws OrtException {
        try (OrtSession.Result result = session.run(ortInputs)) {
            return result.size();
        }
    }
}
