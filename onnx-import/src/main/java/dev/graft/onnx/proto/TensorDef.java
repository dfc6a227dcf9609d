package dev.graft.onnx.proto;

import java.util.Map;

/**
 * A serialized tensor ({@code TensorProto}) as read from the file, before its data is checked
 * against its shape and decoded (see {@link TensorDecoder}). Exactly one data field is normally
 * present; the others are null.
 *
 * @param name the tensor name
 * @param dataType the {@code TensorProto.DataType} number
 * @param dims the declared dimensions
 * @param raw little-endian packed data, or null
 * @param floatData the {@code float_data} field, or null
 * @param int32Data the {@code int32_data} field (int32, int16, int8, uint16, uint8, bool, float16 bits), or null
 * @param int64Data the {@code int64_data} field, or null
 * @param doubleData the {@code double_data} field, or null
 * @param uint64Data the {@code uint64_data} field (uint32, uint64), or null
 * @param stringCount how many {@code string_data} entries there were
 * @param externalData the {@code external_data} key/value pairs, or null when the data is inline
 */
public record TensorDef(String name, int dataType, long[] dims, byte[] raw, float[] floatData, int[] int32Data,
                        long[] int64Data, double[] doubleData, long[] uint64Data, int stringCount,
                        Map<String, String> externalData) {
}
