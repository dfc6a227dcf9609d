package dev.graft.onnx.ops;

import dev.graft.onnx.DataType;
import dev.graft.onnx.Value;

/** Cast and CastLike. Casts to float types keep gradients; casts to integers or bool end them. */
final class CastOps {

    private CastOps() {
    }

    static void register(OpRegistry r) {
        r.add("Cast", new int[] {1, 6, 9, 13, 19, 21}, n -> {
            if (!n.has("to")) {
                throw n.invalid("attribute 'to' is required");
            }
            // Cast-1 named the type with a string
            DataType to = n.version() < 6 ? byName(n, n.stringAttr("to", "")) : DataType.fromCode(n.intAttr("to", 0));
            if (to.kind() == DataType.Kind.UNSUPPORTED) {
                throw n.unsupported("cast to " + to);
            }
            return (in, ctx) -> new Value[] {Values.cast(in[0], to)};
        });
        r.add("CastLike", new int[] {15, 19, 21}, n -> (in, ctx) -> new Value[] {Values.cast(in[0], in[1].type())});
    }

    private static DataType byName(NodeSpec n, String name) {
        try {
            return DataType.valueOf(name.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw n.invalid("attribute 'to' names no tensor type: '" + name + "'");
        }
    }
}
