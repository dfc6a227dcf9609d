package dev.graft.onnx.proto;

/**
 * IEEE half-precision and bfloat16 conversions (Java 17 has no {@code Float.float16ToFloat}).
 */
public final class Half {

    private Half() {
    }

    /** @return the float value of IEEE binary16 bits */
    public static float toFloat(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            // subnormal: the value is mant * 2^-24 exactly, which float represents
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** @return the nearest binary16 value (ties to even), as bits */
    public static int fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xFF;
        int mant = bits & 0x7FFFFF;
        if (exp == 0xFF) {
            return sign | 0x7C00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0);
        }
        int e = exp - 127 + 15;
        if (e >= 0x1F) {
            return sign | 0x7C00;
        }
        if (e <= 0) {
            if (e < -10) {
                return sign;
            }
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >>> shift;
            int rem = m & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) != 0)) {
                half++;
            }
            return sign | half;
        }
        int half = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
            half++;
        }
        return sign | half;
    }

    /** @return {@code f} rounded to binary16 precision and back */
    public static float roundToHalf(float f) {
        return toFloat(fromFloat(f));
    }

    /** @return the float value of bfloat16 bits */
    public static float bfloat16ToFloat(int bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** @return {@code f} rounded (ties to even) to bfloat16 precision and back */
    public static float roundToBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return f;
        }
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(rounded & 0xFFFF0000);
    }
}
