package dev.graft.transfer;

import dev.graft.onnx.OnnxModel;
import java.util.List;

/**
 * A backbone module that wraps an imported ONNX graph behind an input format of its own (token ids
 * packed into a float tensor, say) and knows its own layers. {@link TransferModel} exports such a
 * backbone by writing {@link #graph()} with the head after it, and unfreezes by {@link #layers()}
 * instead of looking for weight layers in the graph.
 */
public interface GraphBackbone {

    /**
     * @return the imported graph this backbone runs, whose single output the head reads; an
     *     export writes its inputs as the file's inputs
     */
    OnnxModel graph();

    /**
     * @return the units of "unfreeze the last N layers", first to last, with parameter names as
     *     the backbone's {@code namedParameters()} shows them
     */
    List<BackboneLayer> layers();
}
