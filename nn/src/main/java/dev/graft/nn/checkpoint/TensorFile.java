package dev.graft.nn.checkpoint;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Tensor;
import java.util.Map;

/**
 * The contents of a safetensors file: float32 tensors, int64 tensors and string metadata, each
 * map in file order and unmodifiable.
 *
 * @param floats tensors stored as {@code F32}, by name
 * @param longs tensors stored as {@code I64}, by name
 * @param metadata the {@code __metadata__} entries (empty when absent)
 */
public record TensorFile(Map<String, Tensor> floats, Map<String, LongTensor> longs, Map<String, String> metadata) {

    /** Copies the maps so the record stays immutable. */
    public TensorFile {
        floats = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(floats));
        longs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(longs));
        metadata = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
    }

    /**
     * @return the float tensor called {@code name}
     * @throws IllegalArgumentException if there is none (naming the dtype when it is an int64 tensor)
     */
    public Tensor floatTensor(String name) {
        Tensor t = floats.get(name);
        if (t == null) {
            throw new IllegalArgumentException(longs.containsKey(name) ? "tensor '" + name + "' is I64, expected F32"
                    : "no tensor '" + name + "' in the file");
        }
        return t;
    }

    /**
     * @return the int64 tensor called {@code name}
     * @throws IllegalArgumentException if there is none (naming the dtype when it is a float tensor)
     */
    public LongTensor longTensor(String name) {
        LongTensor t = longs.get(name);
        if (t == null) {
            throw new IllegalArgumentException(floats.containsKey(name) ? "tensor '" + name + "' is F32, expected I64"
                    : "no tensor '" + name + "' in the file");
        }
        return t;
    }
}
