package dev.graft.onnx.proto;

/**
 * One dimension of a declared tensor shape: a fixed size, a symbolic name, or unknown.
 *
 * @param value the size, or -1 when symbolic or unknown
 * @param param the symbolic name ({@code "batch"}), or null
 */
public record Dim(long value, String param) {

    /** @return whether the size is fixed */
    public boolean isFixed() {
        return value >= 0;
    }

    @Override
    public String toString() {
        return value >= 0 ? Long.toString(value) : param != null ? param : "?";
    }
}
