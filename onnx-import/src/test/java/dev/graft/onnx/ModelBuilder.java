package dev.graft.onnx;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small ModelProto files for tests of malformed and edge-case models, field numbers as in
 * the ONNX IR specification. Tests of numerical results use models and golden data made by the
 * reference implementation instead (see scripts/onnx).
 */
final class ModelBuilder {

    private long opset = 17;
    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> inits = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();

    ModelBuilder opset(long v) {
        opset = v;
        return this;
    }

    /** Declares a float input; a negative dimension becomes the symbolic dimension "N". */
    ModelBuilder input(String name, long... dims) {
        inputs.add(valueInfo(name, 1, dims));
        return this;
    }

    ModelBuilder output(String name) {
        outputs.add(valueInfo(name, 1, null));
        return this;
    }

    /** A float initializer stored as raw little-endian bytes. */
    ModelBuilder floatInit(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        inits.add(tensor(name, 1, dims, b.array(), null));
        return this;
    }

    /** An initializer with arbitrary raw bytes (possibly disagreeing with its shape). */
    ModelBuilder rawInit(String name, int dataType, byte[] raw, long... dims) {
        inits.add(tensor(name, dataType, dims, raw, null));
        return this;
    }

    /** An initializer whose data lives in an external file. */
    ModelBuilder externalInit(String name, String location, long... dims) {
        inits.add(tensor(name, 1, dims, null, location));
        return this;
    }

    /** A node; attributes are given as {@link Attr} values. */
    ModelBuilder node(String name, String opType, List<String> in, List<String> out, Attr... attrs) {
        nodes.add(write(o -> {
            for (String s : in) {
                o.writeString(1, s);
            }
            for (String s : out) {
                o.writeString(2, s);
            }
            o.writeString(3, name);
            o.writeString(4, opType);
            for (Attr a : attrs) {
                o.writeByteArray(5, a.bytes());
            }
        }));
        return this;
    }

    byte[] build() {
        byte[] graph = write(o -> {
            for (byte[] n : nodes) {
                o.writeByteArray(1, n);
            }
            o.writeString(2, "test");
            for (byte[] t : inits) {
                o.writeByteArray(5, t);
            }
            for (byte[] v : inputs) {
                o.writeByteArray(11, v);
            }
            for (byte[] v : outputs) {
                o.writeByteArray(12, v);
            }
        });
        byte[] opsetId = write(o -> {
            o.writeString(1, "");
            o.writeInt64(2, opset);
        });
        return write(o -> {
            o.writeInt64(1, 8);
            o.writeString(2, "graft-test");
            o.writeByteArray(7, graph);
            o.writeByteArray(8, opsetId);
        });
    }

    /** One attribute, already encoded. */
    record Attr(byte[] bytes) {
        static Attr i(String name, long v) {
            return new Attr(write(o -> {
                o.writeString(1, name);
                o.writeInt64(3, v);
                o.writeInt32(20, 2);
            }));
        }

        static Attr f(String name, float v) {
            return new Attr(write(o -> {
                o.writeString(1, name);
                o.writeFloat(2, v);
                o.writeInt32(20, 1);
            }));
        }

        static Attr ints(String name, long... v) {
            return new Attr(write(o -> {
                o.writeString(1, name);
                for (long x : v) {
                    o.writeInt64(8, x);
                }
                o.writeInt32(20, 7);
            }));
        }

        static Attr tensor(String name, int dataType, long[] dims, byte[] raw) {
            return new Attr(write(o -> {
                o.writeString(1, name);
                o.writeByteArray(5, ModelBuilder.tensor("", dataType, dims, raw, null));
                o.writeInt32(20, 4);
            }));
        }
    }

    private static byte[] valueInfo(String name, int elemType, long[] dims) {
        return write(o -> {
            o.writeString(1, name);
            o.writeByteArray(2, write(t -> t.writeByteArray(1, write(tt -> {
                tt.writeInt32(1, elemType);
                if (dims != null) {
                    tt.writeByteArray(2, write(shape -> {
                        for (long d : dims) {
                            shape.writeByteArray(1, write(dim -> {
                                if (d >= 0) {
                                    dim.writeInt64(1, d);
                                } else {
                                    dim.writeString(2, "N");
                                }
                            }));
                        }
                    }));
                }
            }))));
        });
    }

    static byte[] tensor(String name, int dataType, long[] dims, byte[] raw, String location) {
        return write(o -> {
            for (long d : dims) {
                o.writeInt64(1, d);
            }
            o.writeInt32(2, dataType);
            o.writeString(8, name);
            if (raw != null) {
                o.writeByteArray(9, raw);
            }
            if (location != null) {
                o.writeByteArray(13, write(e -> {
                    e.writeString(1, "location");
                    e.writeString(2, location);
                }));
                o.writeInt32(14, 1);
            }
        });
    }

    /** Something that writes protobuf fields. */
    interface Writer {
        void write(CodedOutputStream o) throws IOException;
    }

    static byte[] write(Writer w) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream o = CodedOutputStream.newInstance(bytes);
            w.write(o);
            o.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
