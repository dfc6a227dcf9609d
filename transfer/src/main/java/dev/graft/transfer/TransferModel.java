package dev.graft.transfer;

import dev.graft.engine.GradMode;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import dev.graft.nn.Parameter;
import dev.graft.nn.layers.BatchNorm;
import dev.graft.onnx.NodeInfo;
import dev.graft.onnx.OnnxModel;
import dev.graft.onnx.TensorInfo;
import dev.graft.onnx.export.OnnxExport;
import dev.graft.onnx.proto.Dim;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * A pretrained backbone with a new classifier head: the model transfer learning trains. Its
 * submodules are {@code backbone} and {@code head}, so parameter names read
 * {@code backbone.conv1_weight} and {@code head.0.weight}. The backbone starts frozen (its
 * BatchNorm layers then keep their running statistics), the head trainable.
 *
 * <pre>{@code
 * OnnxModel pretrained = OnnxImporter.load(Path.of("resnet18.onnx"));
 * TransferModel model = TransferModel.builder(pretrained)     // cut found: input of the final Gemm
 *         .classes(List.of("cat", "dog", "fox"))
 *         .mlpHead(256, 0.2)
 *         .build();
 * }</pre>
 */
public final class TransferModel extends Module {

    private final Module backbone;
    private final Module head;
    private final int[] inputShape;
    private final int[] featureShape;
    private final List<String> classNames;
    private final String cutTensor;

    private TransferModel(Module backbone, Module head, int[] inputShape, int[] featureShape, List<String> classNames,
                          String cutTensor) {
        this.backbone = registerModule("backbone", backbone);
        this.head = registerModule("head", head);
        this.inputShape = inputShape.clone();
        this.featureShape = featureShape.clone();
        this.classNames = List.copyOf(classNames);
        this.cutTensor = cutTensor;
    }

    /**
     * @param pretrained a whole pretrained model; it is not modified (the backbone is a cut copy)
     * @return a builder
     */
    public static Builder builder(OnnxModel pretrained) {
        return new Builder(pretrained);
    }

    /**
     * Wraps an existing backbone and head, e.g. to rebuild a model around a backbone that is not
     * ONNX. The backbone is not frozen here.
     *
     * @param backbone maps inputs of shape {@code [N, inputShape...]} to features
     * @param head maps those features to logits {@code [N, classes]}
     * @param inputShape one example's input shape
     * @param classNames the classes, in logit order
     */
    public static TransferModel of(Module backbone, Module head, int[] inputShape, List<String> classNames) {
        int[] features = featureShapeOf(backbone, inputShape);
        return new TransferModel(backbone, head, inputShape, features, classNames, null);
    }

    @Override
    public Tensor forward(Tensor input) {
        return head.forward(backbone.forward(input));
    }

    /** @return the feature extractor */
    public Module backbone() {
        return backbone;
    }

    /** @return the classifier head */
    public Module head() {
        return head;
    }

    /** @return one example's input shape, without the batch dimension */
    public int[] inputShape() {
        return inputShape.clone();
    }

    /** @return one example's feature shape (the backbone's output), without the batch dimension */
    public int[] featureShape() {
        return featureShape.clone();
    }

    /** @return the class names, in logit order */
    public List<String> classNames() {
        return classNames;
    }

    /** @return the tensor the pretrained graph was cut at, or null for a model built with {@link #of} */
    public String cutTensor() {
        return cutTensor;
    }

    /**
     * Writes the model (backbone with its current weights, then the head, in inference mode) as
     * one ONNX file whose output is named {@code logits}; ONNX Runtime and graft load it alike.
     *
     * @param out the file to write, replaced atomically
     * @throws IOException if it cannot be written
     * @throws IllegalStateException if the backbone is not an imported ONNX graph or a {@link GraphBackbone}
     */
    public void exportOnnx(Path out) throws IOException {
        OnnxModel graph = backbone instanceof GraphBackbone g ? g.graph() : backbone instanceof OnnxModel o ? o : null;
        if (graph == null) {
            throw new IllegalStateException("only a model whose backbone is an imported ONNX graph can be exported "
                    + "(this backbone is a " + backbone.getClass().getSimpleName() + ")");
        }
        OnnxExport.from(graph).then(head).outputName("logits").write(out);
    }

    /** @return the backbone's weight layers, in order; see {@link BackboneLayer} */
    public List<BackboneLayer> backboneLayers() {
        return BackboneLayer.of(backbone);
    }

    /** Freezes every backbone parameter; returns this. */
    public TransferModel freezeBackbone() {
        backbone.freeze();
        return this;
    }

    /**
     * Makes the last {@code n} weight layers of the backbone trainable and every earlier one
     * frozen (the head is untouched): the step of gradual unfreezing.
     *
     * @param n from 0 to the number of layers
     * @return this
     * @throws IllegalArgumentException if {@code n} is out of range
     */
    public TransferModel unfreezeLastLayers(int n) {
        List<BackboneLayer> layers = backboneLayers();
        if (n < 0 || n > layers.size()) {
            throw new IllegalArgumentException("cannot unfreeze the last " + n + " layers: the backbone has "
                    + layers.size() + " weight layers");
        }
        backbone.freeze();
        var params = backbone.namedParameters();
        for (BackboneLayer layer : layers.subList(layers.size() - n, layers.size())) {
            for (String name : layer.parameterNames()) {
                params.get(name).setTrainable(true);
            }
        }
        return this;
    }

    /**
     * Unfreezes the backbone parameters a glob selects (names as {@code backbone().namedParameters()}
     * shows them, e.g. {@code "layer4*"}).
     *
     * @return this
     * @throws IllegalArgumentException if the pattern selects nothing; the message lists the names
     */
    public TransferModel unfreezeBackbone(String glob) {
        backbone.unfreeze(glob);
        return this;
    }

    /**
     * Freezes the scale and shift of every batch normalisation in the backbone, which keeps it in
     * inference mode (running statistics used and kept) while the layers around it train. With the
     * small batches of few-shot fine-tuning, batch statistics are too noisy to replace statistics
     * gathered on the pretraining data (Keras gives the same advice for fine-tuning).
     *
     * @return this
     */
    public TransferModel freezeBackboneBatchNorm() {
        if (backbone instanceof OnnxModel graph) {
            for (NodeInfo n : graph.nodes()) {
                if (n.opType().equals("BatchNormalization")) {
                    for (String in : n.inputs().subList(1, Math.min(3, n.inputs().size()))) {
                        graph.parameter(in).setTrainable(false);
                    }
                }
            }
        } else {
            for (Module m : backbone.namedModules().values()) {
                if (m instanceof BatchNorm) {
                    m.freeze();
                }
            }
        }
        return this;
    }

    /** @return the trainable parameters of the backbone */
    public List<Parameter> trainableBackboneParameters() {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : backbone.parameters()) {
            if (p.trainable()) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Runs the backbone on one zero example to learn its output shape.
     *
     * @throws IllegalArgumentException if the backbone rejects an input of that shape
     */
    static int[] featureShapeOf(Module backbone, int[] inputShape) {
        int[] batched = new int[inputShape.length + 1];
        batched[0] = 1;
        System.arraycopy(inputShape, 0, batched, 1, inputShape.length);
        boolean wasTraining = backbone.isTraining();
        backbone.eval();
        int[] out;
        try (var noGrad = GradMode.noGrad()) {
            out = backbone.forward(Tensor.zeros(batched)).shape();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the backbone does not accept an input of shape "
                    + Arrays.toString(batched) + ": " + e.getMessage(), e);
        } finally {
            if (wasTraining) {
                backbone.train();
            }
        }
        if (out.length < 2 || out[0] != 1) {
            throw new IllegalArgumentException("the backbone maps a batch of 1 to shape " + Arrays.toString(out)
                    + "; features need a leading batch dimension");
        }
        return Arrays.copyOfRange(out, 1, out.length);
    }

    /** Settings of a {@link TransferModel} made from a pretrained ONNX model. */
    public static final class Builder {

        private final OnnxModel pretrained;
        private String cut;
        private int[] inputShape;
        private List<String> classNames;
        private Function<int[], Module> headFactory;
        private String headKind = "linear";
        private int hidden;
        private double dropout;
        private long seed;

        private Builder(OnnxModel pretrained) {
            this.pretrained = pretrained;
        }

        /**
         * Cuts at a tensor or node name instead of the automatically found classifier input.
         *
         * @param tensorOrNode a tensor name, or a node name meaning its first output
         */
        public Builder cut(String tensorOrNode) {
            this.cut = tensorOrNode;
            return this;
        }

        /**
         * One example's input shape, needed when the model's declared input has symbolic
         * dimensions besides the batch (e.g. {@code 3, 224, 224}).
         */
        public Builder inputShape(int... shape) {
            this.inputShape = shape.clone();
            return this;
        }

        /** The target classes, in label order; at least two. */
        public Builder classes(List<String> names) {
            this.classNames = List.copyOf(names);
            return this;
        }

        /** A new linear head (the default). */
        public Builder linearHead() {
            this.headKind = "linear";
            this.headFactory = null;
            return this;
        }

        /** A new two-layer head: linear, ReLU, dropout, linear. */
        public Builder mlpHead(int hiddenWidth, double dropoutProbability) {
            this.headKind = "mlp";
            this.hidden = hiddenWidth;
            this.dropout = dropoutProbability;
            this.headFactory = null;
            return this;
        }

        /** A head of your own, made from the feature shape (without the batch dimension). */
        public Builder head(Function<int[], Module> factory) {
            this.headFactory = factory;
            return this;
        }

        /** Seed of the head's initialisation and dropout. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * Cuts the pretrained graph, freezes the cut copy, measures its feature shape and attaches the head.
         *
         * @throws IllegalArgumentException naming what is missing or wrong (no classes, no cut point,
         *     an input shape that cannot be derived)
         */
        public TransferModel build() {
            if (classNames == null || classNames.size() < 2) {
                throw new IllegalArgumentException("give the target classes (at least two) with classes(...)");
            }
            String tensor = cut != null ? cut : CutPoint.find(pretrained).tensorName();
            OnnxModel backbone = pretrained.cut(tensor);
            backbone.freeze();
            backbone.eval();
            int[] shape = inputShape != null ? inputShape : declaredInputShape(backbone);
            int[] features = featureShapeOf(backbone, shape);
            Random random = new Random(seed);
            Module head;
            if (headFactory != null) {
                head = headFactory.apply(features.clone());
            } else if (headKind.equals("mlp")) {
                head = Heads.mlp(features, hidden, dropout, classNames.size(), random);
            } else {
                head = Heads.linear(features, classNames.size(), random);
            }
            return new TransferModel(backbone, head, shape, features, classNames, tensor);
        }

        private static int[] declaredInputShape(OnnxModel m) {
            if (m.inputs().size() != 1) {
                throw new IllegalArgumentException("the backbone has " + m.inputs().size() + " inputs "
                        + m.inputs().stream().map(TensorInfo::name).toList() + "; a transfer model takes one");
            }
            TensorInfo in = m.inputs().get(0);
            if (in.dims() == null || in.dims().isEmpty()) {
                throw new IllegalArgumentException("input '" + in.name() + "' declares no shape; give inputShape(...)");
            }
            int[] shape = new int[in.dims().size() - 1];
            for (int i = 1; i < in.dims().size(); i++) {
                Dim d = in.dims().get(i);
                if (!d.isFixed()) {
                    throw new IllegalArgumentException("input '" + in.name() + "' has symbolic dimension " + i + " ("
                            + d + "); give the example shape with inputShape(...)");
                }
                shape[i - 1] = (int) d.value();
            }
            return shape;
        }
    }
}
