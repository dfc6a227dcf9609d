package dev.graft.transfer.data;

/** The element types an IDX file can declare in the third byte of its magic number. */
public enum IdxType {
    /** 0x08: unsigned 8-bit, the type of MNIST pixels and labels. */
    UNSIGNED_BYTE(0x08, 1),
    /** 0x09: signed 8-bit. */
    SIGNED_BYTE(0x09, 1),
    /** 0x0B: big-endian signed 16-bit. */
    SHORT(0x0B, 2),
    /** 0x0C: big-endian signed 32-bit. */
    INT(0x0C, 4),
    /** 0x0D: big-endian IEEE 754 32-bit float. */
    FLOAT(0x0D, 4),
    /** 0x0E: big-endian IEEE 754 64-bit float. */
    DOUBLE(0x0E, 8);

    private final int code;
    private final int bytes;

    IdxType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** @return the type code stored in the magic number */
    public int code() {
        return code;
    }

    /** @return the size of one element in bytes */
    public int bytes() {
        return bytes;
    }

    /** @return whether the elements are integers (so they can serve as labels) */
    public boolean isIntegral() {
        return this != FLOAT && this != DOUBLE;
    }

    /**
     * @param code the third byte of an IDX magic number
     * @return the type it names, or {@code null} if it names none
     */
    public static IdxType fromCode(int code) {
        for (IdxType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
