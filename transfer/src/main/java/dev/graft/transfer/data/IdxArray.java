package dev.graft.transfer.data;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The contents of one IDX file: an element type, the dimensions, and the elements as the file
 * stores them (big-endian, row-major). Immutable; conversions return new arrays.
 */
public final class IdxArray {

    private final IdxType type;
    private final int[] dims;
    private final byte[] payload;

    private IdxArray(IdxType type, int[] dims, byte[] payload) {
        this.type = type;
        this.dims = dims;
        this.payload = payload;
    }

    /**
     * @param type the element type
     * @param payload the elements in IDX order (big-endian, row-major); kept, not copied
     * @param dims the dimensions, each at least 0
     * @throws IllegalArgumentException if the payload length does not match type and dims
     */
    public static IdxArray of(IdxType type, byte[] payload, int... dims) {
        if (dims.length == 0) {
            throw new IllegalArgumentException("IdxArray: at least one dimension is required");
        }
        long count = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("IdxArray: negative dimension in " + Arrays.toString(dims));
            }
            count = Math.multiplyExact(count, d);
        }
        if (count * type.bytes() != payload.length) {
            throw new IllegalArgumentException("IdxArray: " + payload.length + " payload bytes for " + type + " "
                    + Arrays.toString(dims) + " (" + count * type.bytes() + " expected)");
        }
        return new IdxArray(type, dims.clone(), payload);
    }

    /**
     * @param values unsigned bytes (0..255 stored as Java bytes); kept, not copied
     * @param dims the dimensions
     * @return an {@link IdxType#UNSIGNED_BYTE} array
     */
    public static IdxArray unsignedBytes(byte[] values, int... dims) {
        return of(IdxType.UNSIGNED_BYTE, values, dims);
    }

    /** @return the element type */
    public IdxType type() {
        return type;
    }

    /** @return a copy of the dimensions */
    public int[] dims() {
        return dims.clone();
    }

    /** @return the number of elements */
    public int count() {
        return payload.length / type.bytes();
    }

    /** @return a copy of the raw big-endian payload */
    public byte[] payload() {
        return payload.clone();
    }

    /** The raw payload without a copy, for writing. */
    byte[] payloadView() {
        return payload;
    }

    /** @return every element as a float, in row-major order */
    public float[] toFloats() {
        float[] out = new float[count()];
        if (type == IdxType.UNSIGNED_BYTE) {
            for (int i = 0; i < out.length; i++) {
                out[i] = payload[i] & 0xFF;
            }
            return out;
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) read(b, i);
        }
        return out;
    }

    /**
     * @return every element as a long, in row-major order
     * @throws IllegalStateException if the elements are floating point
     */
    public long[] toLongs() {
        if (!type.isIntegral()) {
            throw new IllegalStateException("IDX elements of type " + type + " are not integers; labels need an integer type");
        }
        long[] out = new long[count()];
        ByteBuffer b = ByteBuffer.wrap(payload);
        for (int i = 0; i < out.length; i++) {
            out[i] = (long) read(b, i);
        }
        return out;
    }

    private double read(ByteBuffer b, int i) {
        return switch (type) {
            case UNSIGNED_BYTE -> b.get(i) & 0xFF;
            case SIGNED_BYTE -> b.get(i);
            case SHORT -> b.getShort(i * 2);
            case INT -> b.getInt(i * 4);
            case FLOAT -> b.getFloat(i * 4);
            case DOUBLE -> b.getDouble(i * 8);
        };
    }

    @Override
    public String toString() {
        return "IdxArray[" + type + " " + Arrays.toString(dims) + "]";
    }
}
