package dev.graft.transfer.train;

import dev.graft.engine.GradMode;
import dev.graft.engine.Shape;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import dev.graft.transfer.data.Batch;
import dev.graft.transfer.data.BatchIterator;
import dev.graft.transfer.data.DataLoader;
import dev.graft.transfer.data.Dataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The outputs of a frozen backbone, computed once per example and kept, as a {@link Dataset} of
 * feature vectors with the source's labels. Training a head on it costs one small forward and
 * backward per step instead of a pass through the whole backbone (DL4J's TransferLearningHelper
 * does this by hand; here the fine-tuner does it whenever the backbone is frozen and the data has
 * no random augmentation, since a cached feature of an augmented image would freeze one draw).
 *
 * <p>Features that fit the memory budget live on the heap; beyond it they go to a temporary file
 * mapped into memory in chunks, so the operating system pages them in and out and the heap stays
 * small. {@link #close()} deletes the file.
 */
public final class FeatureCache implements Dataset, AutoCloseable {

    /** Largest mapping of one chunk; a MappedByteBuffer is indexed by int. */
    private static final long CHUNK_BYTES = 1L << 30;

    private final Dataset source;
    private final int[] featureShape;
    private final int featureNumel;
    private final float[] heap;
    private final List<FloatBuffer> chunks;
    private final int examplesPerChunk;
    private final Path file;

    private FeatureCache(Dataset source, int[] featureShape, float[] heap, List<FloatBuffer> chunks,
                         int examplesPerChunk, Path file) {
        this.source = source;
        this.featureShape = featureShape;
        this.featureNumel = Shape.numel(featureShape);
        this.heap = heap;
        this.chunks = chunks;
        this.examplesPerChunk = examplesPerChunk;
        this.file = file;
    }

    /**
     * Runs {@code backbone} in eval mode without the tape over every example of {@code data}.
     *
     * @param backbone the frozen part of the model
     * @param data the examples; must not augment
     * @param batchSize examples per forward pass
     * @param memoryBudgetBytes features larger than this go to a memory-mapped temporary file
     * @param listener progress receiver (phase {@code "features"})
     * @return the cache; close it to delete its file, if any
     * @throws IllegalArgumentException if {@code data} augments its inputs
     */
    public static FeatureCache compute(Module backbone, Dataset data, int batchSize, long memoryBudgetBytes,
                                       TrainingListener listener) {
        if (data.augments()) {
            throw new IllegalArgumentException("cannot cache features of a dataset with random augmentation: each "
                    + "epoch must see a new draw (turn the augmentation off, or train without the cache)");
        }
        if (data.size() == 0) {
            throw new IllegalArgumentException("cannot cache features of an empty dataset");
        }
        boolean wasTraining = backbone.isTraining();
        backbone.eval();
        DataLoader loader = DataLoader.builder(data).batchSize(batchSize).shuffle(false).prefetch(1).build();
        listener.phaseStarted("features", loader.batchCount());
        FeatureCache cache = null;
        int written = 0;
        int done = 0;
        try (var noGrad = GradMode.noGrad(); BatchIterator it = loader.epoch(0)) {
            while (it.hasNext()) {
                Batch b = it.next();
                Tensor f = backbone.forward(b.inputs());
                if (cache == null) {
                    cache = allocate(data, Arrays.copyOfRange(f.shape(), 1, f.dim()), memoryBudgetBytes);
                }
                cache.write(written, f);
                written += b.size();
                listener.step(++done, Double.NaN, Double.NaN);
            }
        } catch (RuntimeException e) {
            if (cache != null) {
                cache.close();
            }
            throw e;
        } finally {
            if (wasTraining) {
                backbone.train();
            }
        }
        listener.note(String.format("cached %d feature vectors of shape %s (%.1f MB, %s)", data.size(),
                Arrays.toString(cache.featureShape), cache.bytes() / 1e6,
                cache.inMemory() ? "on the heap" : "memory-mapped " + cache.file));
        return cache;
    }

    private static FeatureCache allocate(Dataset data, int[] shape, long budget) {
        long numel = Shape.numel(shape);
        long bytes = Math.multiplyExact(numel * Float.BYTES, (long) data.size());
        if (bytes <= budget && numel * data.size() <= Integer.MAX_VALUE - 8) {
            return new FeatureCache(data, shape, new float[(int) (numel * data.size())], null, 0, null);
        }
        if (numel * Float.BYTES > CHUNK_BYTES) {
            throw new IllegalArgumentException("one feature vector of shape " + Arrays.toString(shape)
                    + " is over 1 GiB; cut the model at a smaller tensor");
        }
        int perChunk = (int) Math.min(data.size(), CHUNK_BYTES / (numel * Float.BYTES));
        try {
            Path file = Files.createTempFile("graft-features-", ".f32");
            file.toFile().deleteOnExit();
            List<FloatBuffer> chunks = new ArrayList<>();
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                for (long first = 0; first < data.size(); first += perChunk) {
                    long count = Math.min(perChunk, data.size() - first);
                    MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, first * numel * Float.BYTES,
                            count * numel * Float.BYTES);
                    chunks.add(m.order(ByteOrder.nativeOrder()).asFloatBuffer());
                }
            }
            return new FeatureCache(data, shape, null, chunks, perChunk, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the feature cache file (" + bytes + " bytes) in "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
        }
    }

    private void write(int first, Tensor features) {
        float[] values = features.toArray();
        int n = features.size(0);
        for (int i = 0; i < n; i++) {
            int index = first + i;
            if (heap != null) {
                System.arraycopy(values, i * featureNumel, heap, index * featureNumel, featureNumel);
            } else {
                chunks.get(index / examplesPerChunk).put((index % examplesPerChunk) * featureNumel, values,
                        i * featureNumel, featureNumel);
            }
        }
    }

    /** @return whether the features live on the heap (else in a memory-mapped file) */
    public boolean inMemory() {
        return heap != null;
    }

    /** @return the size of the cached features in bytes */
    public long bytes() {
        return (long) featureNumel * Float.BYTES * size();
    }

    @Override
    public int size() {
        return source.size();
    }

    @Override
    public int[] sampleShape() {
        return featureShape.clone();
    }

    @Override
    public int sampleNumel() {
        return featureNumel;
    }

    @Override
    public List<String> classNames() {
        return source.classNames();
    }

    @Override
    public long label(int index) {
        return source.label(index);
    }

    @Override
    public void copyInput(int index, float[] dst, int offset, RandomGenerator random) {
        checkIndex(index);
        if (heap != null) {
            System.arraycopy(heap, index * featureNumel, dst, offset, featureNumel);
        } else {
            chunks.get(index / examplesPerChunk).get((index % examplesPerChunk) * featureNumel, dst, offset,
                    featureNumel);
        }
    }

    /** Deletes the backing file, if any; the cache must not be used afterwards. */
    @Override
    public void close() {
        if (file != null) {
            chunks.clear();
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the feature cache file " + file, e);
            }
        }
    }
}
