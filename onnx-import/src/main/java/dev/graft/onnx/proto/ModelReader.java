package dev.graft.onnx.proto;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.graft.onnx.OnnxFormatException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes an ONNX {@code ModelProto} by hand over protobuf's {@link CodedInputStream}, field
 * numbers as in the ONNX IR specification. Hand decoding (rather than generated classes) lets
 * every length be checked against the bytes actually left before anything is allocated, and
 * leaves graph-valued attributes undecoded, so no input can make the reader recurse deeply.
 * Unknown fields are skipped, as protobuf requires.
 */
public final class ModelReader {

    private ModelReader() {
    }

    /**
     * @param bytes the whole model file
     * @return the decoded model
     * @throws OnnxFormatException if the bytes are not a well-formed ModelProto
     */
    public static ModelDef read(byte[] bytes) {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        try {
            ModelDef m = model(in);
            if (m.graph() == null) {
                throw new OnnxFormatException("model has no graph (ModelProto field 7); is this an ONNX model file?");
            }
            return m;
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxFormatException("corrupt or truncated ONNX file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new OnnxFormatException("cannot decode ONNX file: " + e.getMessage(), e);
        }
    }

    /**
     * Decodes one {@code TensorProto} on its own, as in the backend test suite's {@code .pb} files.
     *
     * @param bytes the serialized tensor
     * @return the tensor, data not yet checked
     * @throws OnnxFormatException if the bytes are not a well-formed TensorProto
     */
    public static TensorDef readTensor(byte[] bytes) {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        try {
            return tensor(in);
        } catch (IOException e) {
            throw new OnnxFormatException("corrupt or truncated TensorProto: " + e.getMessage(), e);
        }
    }

    private static ModelDef model(CodedInputStream in) throws IOException {
        long ir = 0;
        Map<String, Long> opsets = new LinkedHashMap<>();
        String producer = "";
        GraphDef graph = null;
        int functions = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> ir = varint(in, tag, "ModelProto.ir_version");
                case 2 -> producer = string(in, tag, "ModelProto.producer_name");
                case 7 -> {
                    int old = enter(in, tag, "ModelProto.graph");
                    graph = graph(in);
                    in.popLimit(old);
                }
                case 8 -> {
                    int old = enter(in, tag, "ModelProto.opset_import");
                    String domain = "";
                    long version = 0;
                    int t;
                    while ((t = in.readTag()) != 0) {
                        switch (WireFormat.getTagFieldNumber(t)) {
                            case 1 -> domain = string(in, t, "OperatorSetIdProto.domain");
                            case 2 -> version = varint(in, t, "OperatorSetIdProto.version");
                            default -> in.skipField(t);
                        }
                    }
                    in.popLimit(old);
                    String key = domain.equals("ai.onnx") ? "" : domain;
                    if (opsets.put(key, version) != null) {
                        throw new OnnxFormatException("opset_import lists domain '" + domain + "' twice");
                    }
                }
                case 25 -> {
                    functions++;
                    in.skipField(tag);
                }
                default -> in.skipField(tag);
            }
        }
        return new ModelDef(ir, opsets, producer, graph, functions);
    }

    private static GraphDef graph(CodedInputStream in) throws IOException {
        String name = "";
        List<NodeDef> nodes = new ArrayList<>();
        List<TensorDef> inits = new ArrayList<>();
        List<ValueInfoDef> inputs = new ArrayList<>();
        List<ValueInfoDef> outputs = new ArrayList<>();
        List<ValueInfoDef> valueInfo = new ArrayList<>();
        int sparse = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag);
            switch (field) {
                case 1 -> {
                    int old = enter(in, tag, "GraphProto.node");
                    nodes.add(node(in));
                    in.popLimit(old);
                }
                case 2 -> name = string(in, tag, "GraphProto.name");
                case 5 -> {
                    int old = enter(in, tag, "GraphProto.initializer");
                    inits.add(tensor(in));
                    in.popLimit(old);
                }
                case 11, 12, 13 -> {
                    int old = enter(in, tag, "GraphProto.input/output/value_info");
                    ValueInfoDef v = valueInfo(in);
                    in.popLimit(old);
                    (field == 11 ? inputs : field == 12 ? outputs : valueInfo).add(v);
                }
                case 15 -> {
                    sparse++;
                    in.skipField(tag);
                }
                default -> in.skipField(tag);
            }
        }
        return new GraphDef(name, nodes, inits, inputs, outputs, valueInfo, sparse);
    }

    private static NodeDef node(CodedInputStream in) throws IOException {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String opType = "";
        String domain = "";
        Map<String, AttributeDef> attrs = new LinkedHashMap<>();
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> inputs.add(string(in, tag, "NodeProto.input"));
                case 2 -> outputs.add(string(in, tag, "NodeProto.output"));
                case 3 -> name = string(in, tag, "NodeProto.name");
                case 4 -> opType = string(in, tag, "NodeProto.op_type");
                case 7 -> domain = string(in, tag, "NodeProto.domain");
                case 5 -> {
                    int old = enter(in, tag, "NodeProto.attribute");
                    AttributeDef a = attribute(in);
                    in.popLimit(old);
                    if (attrs.put(a.name(), a) != null) {
                        throw new OnnxFormatException("node '" + name + "' (" + opType + ") has attribute '" + a.name() + "' twice");
                    }
                }
                default -> in.skipField(tag);
            }
        }
        if (opType.isEmpty()) {
            throw new OnnxFormatException("node '" + name + "' has no op_type (NodeProto field 4)");
        }
        return new NodeDef(name, opType, domain.equals("ai.onnx") ? "" : domain, inputs, outputs, attrs);
    }

    private static AttributeDef attribute(CodedInputStream in) throws IOException {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        byte[] s = null;
        TensorDef t = null;
        FloatList floats = new FloatList();
        LongList ints = new LongList();
        List<byte[]> strings = new ArrayList<>();
        List<TensorDef> tensors = new ArrayList<>();
        boolean graph = false;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> name = string(in, tag, "AttributeProto.name");
                case 20 -> type = (int) varint(in, tag, "AttributeProto.type");
                case 2 -> {
                    expect(tag, WireFormat.WIRETYPE_FIXED32, "AttributeProto.f");
                    f = in.readFloat();
                }
                case 3 -> i = varint(in, tag, "AttributeProto.i");
                case 4 -> s = bytes(in, tag, "AttributeProto.s");
                case 5 -> {
                    int old = enter(in, tag, "AttributeProto.t");
                    t = tensor(in);
                    in.popLimit(old);
                }
                case 6, 11 -> {
                    graph = true;
                    in.skipField(tag);
                }
                case 7 -> readFloats(in, tag, floats, "AttributeProto.floats");
                case 8 -> readVarints(in, tag, ints, "AttributeProto.ints");
                case 9 -> strings.add(bytes(in, tag, "AttributeProto.strings"));
                case 10 -> {
                    int old = enter(in, tag, "AttributeProto.tensors");
                    tensors.add(tensor(in));
                    in.popLimit(old);
                }
                default -> in.skipField(tag);
            }
        }
        if (name.isEmpty()) {
            throw new OnnxFormatException("an attribute has no name (AttributeProto field 1)");
        }
        return new AttributeDef(name, type, f, i, s, t, floats.toArray(), ints.toArray(), strings, tensors, graph);
    }

    private static ValueInfoDef valueInfo(CodedInputStream in) throws IOException {
        String name = "";
        int elem = 0;
        List<Dim> dims = null;
        boolean isTensor = false;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> name = string(in, tag, "ValueInfoProto.name");
                case 2 -> {
                    int oldType = enter(in, tag, "ValueInfoProto.type");
                    int t;
                    while ((t = in.readTag()) != 0) {
                        if (WireFormat.getTagFieldNumber(t) != 1) {
                            in.skipField(t);
                            continue;
                        }
                        isTensor = true;
                        int oldTensor = enter(in, t, "TypeProto.tensor_type");
                        int u;
                        while ((u = in.readTag()) != 0) {
                            switch (WireFormat.getTagFieldNumber(u)) {
                                case 1 -> elem = (int) varint(in, u, "TypeProto.Tensor.elem_type");
                                case 2 -> {
                                    int oldShape = enter(in, u, "TypeProto.Tensor.shape");
                                    dims = shape(in);
                                    in.popLimit(oldShape);
                                }
                                default -> in.skipField(u);
                            }
                        }
                        in.popLimit(oldTensor);
                    }
                    in.popLimit(oldType);
                }
                default -> in.skipField(tag);
            }
        }
        return new ValueInfoDef(name, elem, dims, isTensor);
    }

    private static List<Dim> shape(CodedInputStream in) throws IOException {
        List<Dim> dims = new ArrayList<>();
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (WireFormat.getTagFieldNumber(tag) != 1) {
                in.skipField(tag);
                continue;
            }
            int old = enter(in, tag, "TensorShapeProto.dim");
            long value = -1;
            String param = null;
            int t;
            while ((t = in.readTag()) != 0) {
                switch (WireFormat.getTagFieldNumber(t)) {
                    case 1 -> value = varint(in, t, "Dimension.dim_value");
                    case 2 -> param = string(in, t, "Dimension.dim_param");
                    default -> in.skipField(t);
                }
            }
            in.popLimit(old);
            dims.add(new Dim(value, param));
        }
        return dims;
    }

    private static TensorDef tensor(CodedInputStream in) throws IOException {
        LongList dims = new LongList();
        int dataType = 0;
        String name = "";
        byte[] raw = null;
        FloatList floats = null;
        LongList int32 = null;
        LongList int64 = null;
        DoubleList doubles = null;
        LongList uint64 = null;
        int strings = 0;
        Map<String, String> external = null;
        boolean externalLocation = false;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> readVarints(in, tag, dims, "TensorProto.dims");
                case 2 -> dataType = (int) varint(in, tag, "TensorProto.data_type");
                case 4 -> readFloats(in, tag, floats = floats == null ? new FloatList() : floats, "TensorProto.float_data");
                case 5 -> readVarints(in, tag, int32 = int32 == null ? new LongList() : int32, "TensorProto.int32_data");
                case 6 -> {
                    strings++;
                    in.skipField(tag);
                }
                case 7 -> readVarints(in, tag, int64 = int64 == null ? new LongList() : int64, "TensorProto.int64_data");
                case 8 -> name = string(in, tag, "TensorProto.name");
                case 9 -> raw = bytes(in, tag, "TensorProto.raw_data");
                case 10 -> readDoubles(in, tag, doubles = doubles == null ? new DoubleList() : doubles, "TensorProto.double_data");
                case 11 -> readVarints(in, tag, uint64 = uint64 == null ? new LongList() : uint64, "TensorProto.uint64_data");
                case 13 -> {
                    int old = enter(in, tag, "TensorProto.external_data");
                    String key = "";
                    String value = "";
                    int t;
                    while ((t = in.readTag()) != 0) {
                        switch (WireFormat.getTagFieldNumber(t)) {
                            case 1 -> key = string(in, t, "StringStringEntryProto.key");
                            case 2 -> value = string(in, t, "StringStringEntryProto.value");
                            default -> in.skipField(t);
                        }
                    }
                    in.popLimit(old);
                    if (external == null) {
                        external = new LinkedHashMap<>();
                    }
                    external.put(key, value);
                }
                case 14 -> externalLocation = varint(in, tag, "TensorProto.data_location") == 1;
                default -> in.skipField(tag);
            }
        }
        if (externalLocation && external == null) {
            throw new OnnxFormatException("tensor '" + name + "' has data_location EXTERNAL but no external_data entries");
        }
        int[] int32Data = null;
        if (int32 != null) {
            long[] wide = int32.toArray();
            int32Data = new int[wide.length];
            for (int k = 0; k < wide.length; k++) {
                int32Data[k] = (int) wide[k];
            }
        }
        return new TensorDef(name, dataType, dims.toArray(), raw, floats == null ? null : floats.toArray(), int32Data,
                int64 == null ? null : int64.toArray(), doubles == null ? null : doubles.toArray(),
                uint64 == null ? null : uint64.toArray(), strings, externalLocation ? external : null);
    }

    // ---------------------------------------------------------------- wire helpers

    private static void expect(int tag, int wireType, String field) {
        if (WireFormat.getTagWireType(tag) != wireType) {
            throw new OnnxFormatException(field + " has wire type " + WireFormat.getTagWireType(tag)
                    + ", expected " + wireType + " (corrupt file?)");
        }
    }

    /** Enters a length-delimited sub-message, checking its length against what is left. */
    private static int enter(CodedInputStream in, int tag, String field) throws IOException {
        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, field);
        int len = in.readRawVarint32();
        if (len < 0 || len > in.getBytesUntilLimit()) {
            throw new OnnxFormatException(field + " claims " + len + " bytes but only " + in.getBytesUntilLimit()
                    + " remain (truncated or corrupt file)");
        }
        return in.pushLimit(len);
    }

    private static long varint(CodedInputStream in, int tag, String field) throws IOException {
        expect(tag, WireFormat.WIRETYPE_VARINT, field);
        return in.readRawVarint64();
    }

    private static byte[] bytes(CodedInputStream in, int tag, String field) throws IOException {
        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, field);
        int len = in.readRawVarint32();
        if (len < 0 || len > in.getBytesUntilLimit()) {
            throw new OnnxFormatException(field + " claims " + len + " bytes but only " + in.getBytesUntilLimit()
                    + " remain (truncated or corrupt file)");
        }
        return in.readRawBytes(len);
    }

    private static String string(CodedInputStream in, int tag, String field) throws IOException {
        return new String(bytes(in, tag, field), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void readFloats(CodedInputStream in, int tag, FloatList out, String field) throws IOException {
        if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_FIXED32) {
            out.add(in.readFloat());
            return;
        }
        int old = enter(in, tag, field);
        if (in.getBytesUntilLimit() % 4 != 0) {
            throw new OnnxFormatException(field + " is a packed float list of " + in.getBytesUntilLimit()
                    + " bytes, not a multiple of 4");
        }
        out.reserve(in.getBytesUntilLimit() / 4);
        while (in.getBytesUntilLimit() > 0) {
            out.add(in.readFloat());
        }
        in.popLimit(old);
    }

    private static void readDoubles(CodedInputStream in, int tag, DoubleList out, String field) throws IOException {
        if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_FIXED64) {
            out.add(in.readDouble());
            return;
        }
        int old = enter(in, tag, field);
        if (in.getBytesUntilLimit() % 8 != 0) {
            throw new OnnxFormatException(field + " is a packed double list of " + in.getBytesUntilLimit()
                    + " bytes, not a multiple of 8");
        }
        while (in.getBytesUntilLimit() > 0) {
            out.add(in.readDouble());
        }
        in.popLimit(old);
    }

    private static void readVarints(CodedInputStream in, int tag, LongList out, String field) throws IOException {
        if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
            out.add(in.readRawVarint64());
            return;
        }
        int old = enter(in, tag, field);
        while (in.getBytesUntilLimit() > 0) {
            out.add(in.readRawVarint64());
        }
        in.popLimit(old);
    }

    /** A growable float array: decoding must not box millions of weights. */
    private static final class FloatList {
        private float[] a = new float[8];
        private int n;

        void reserve(int extra) {
            if (n + extra > a.length) {
                a = Arrays.copyOf(a, n + extra);
            }
        }

        void add(float v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    /** A growable long array. */
    private static final class LongList {
        private long[] a = new long[8];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    /** A growable double array. */
    private static final class DoubleList {
        private double[] a = new double[8];
        private int n;

        void add(double v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        double[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
