package dev.graft.onnx;

/**
 * ONNX tensor element types ({@code TensorProto.DataType}) and how graft holds each: floating
 * types as float32 {@link dev.graft.engine.Tensor}s, integer types as int64
 * {@link dev.graft.engine.LongTensor}s (wrapped to the type's range after arithmetic), booleans as
 * {@link dev.graft.engine.BoolTensor}s.
 */
public enum DataType {
    /** 32-bit IEEE float. */
    FLOAT(1, Kind.FLOAT, 4),
    /** unsigned 8-bit integer. */
    UINT8(2, Kind.INT, 1),
    /** signed 8-bit integer. */
    INT8(3, Kind.INT, 1),
    /** unsigned 16-bit integer. */
    UINT16(4, Kind.INT, 2),
    /** signed 16-bit integer. */
    INT16(5, Kind.INT, 2),
    /** signed 32-bit integer. */
    INT32(6, Kind.INT, 4),
    /** signed 64-bit integer. */
    INT64(7, Kind.INT, 8),
    /** UTF-8 string (not supported for computation). */
    STRING(8, Kind.UNSUPPORTED, 0),
    /** boolean, one byte per element in raw data. */
    BOOL(9, Kind.BOOL, 1),
    /** IEEE half precision; computed in float32. */
    FLOAT16(10, Kind.FLOAT, 2),
    /** 64-bit IEEE float; computed in float32. */
    DOUBLE(11, Kind.FLOAT, 8),
    /** unsigned 32-bit integer. */
    UINT32(12, Kind.INT, 4),
    /** unsigned 64-bit integer (values above 2^63 are not representable). */
    UINT64(13, Kind.INT, 8),
    /** complex float pair (not supported). */
    COMPLEX64(14, Kind.UNSUPPORTED, 8),
    /** complex double pair (not supported). */
    COMPLEX128(15, Kind.UNSUPPORTED, 16),
    /** brain float: the upper half of a float32; computed in float32. */
    BFLOAT16(16, Kind.FLOAT, 2),
    /** 8-bit float E4M3FN (not supported). */
    FLOAT8E4M3FN(17, Kind.UNSUPPORTED, 1),
    /** 8-bit float E4M3FNUZ (not supported). */
    FLOAT8E4M3FNUZ(18, Kind.UNSUPPORTED, 1),
    /** 8-bit float E5M2 (not supported). */
    FLOAT8E5M2(19, Kind.UNSUPPORTED, 1),
    /** 8-bit float E5M2FNUZ (not supported). */
    FLOAT8E5M2FNUZ(20, Kind.UNSUPPORTED, 1),
    /** unsigned 4-bit integer, packed two per byte (not supported). */
    UINT4(21, Kind.UNSUPPORTED, 1),
    /** signed 4-bit integer, packed two per byte (not supported). */
    INT4(22, Kind.UNSUPPORTED, 1);

    /** How elements of a type are held in memory. */
    public enum Kind {
        /** float32 tensor. */
        FLOAT,
        /** int64 tensor. */
        INT,
        /** boolean tensor. */
        BOOL,
        /** no in-memory representation in graft. */
        UNSUPPORTED
    }

    private final int code;
    private final Kind kind;
    private final int byteSize;

    DataType(int code, Kind kind, int byteSize) {
        this.code = code;
        this.kind = kind;
        this.byteSize = byteSize;
    }

    /** @return the {@code TensorProto.DataType} number */
    public int code() {
        return code;
    }

    /** @return how values of this type are held */
    public Kind kind() {
        return kind;
    }

    /** @return bytes per element in {@code raw_data} (0 for strings) */
    public int byteSize() {
        return byteSize;
    }

    /**
     * @param code a {@code TensorProto.DataType} number
     * @return the type
     * @throws OnnxFormatException if the number names no type
     */
    public static DataType fromCode(int code) {
        for (DataType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new OnnxFormatException("unknown tensor element type " + code + " (expected a TensorProto.DataType 1..22)");
    }

    /** @return {@code v} wrapped to this integer type's range, as a cast in C would */
    public long wrap(long v) {
        return switch (this) {
            case UINT8 -> v & 0xFF;
            case INT8 -> (byte) v;
            case UINT16 -> v & 0xFFFF;
            case INT16 -> (short) v;
            case INT32 -> (int) v;
            case UINT32 -> v & 0xFFFFFFFFL;
            default -> v;
        };
    }
}
