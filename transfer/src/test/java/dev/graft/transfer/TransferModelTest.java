package dev.graft.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.nn.Parameter;
import dev.graft.onnx.OnnxImporter;
import dev.graft.onnx.OnnxModel;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransferModelTest {

    static OnnxModel shippedModel() throws IOException {
        try (InputStream in = TransferModelTest.class.getResourceAsStream("/dev/graft/transfer/fashion-cnn-0to4.onnx")) {
            return OnnxImporter.load(in.readAllBytes());
        }
    }

    @Test
    void findsTheClassifierInputAsCutPoint() throws IOException {
        CutPoint cut = CutPoint.find(shippedModel());
        assertEquals("features", cut.tensorName());
    }

    @Test
    void buildsAFrozenBackboneWithATrainableHead() throws IOException {
        TransferModel m = TransferModel.builder(shippedModel()).classes(List.of("a", "b", "c")).seed(1).build();
        assertArrayEquals(new int[] {1, 28, 28}, m.inputShape());
        assertEquals(1, m.featureShape().length);
        assertTrue(m.backbone().parameters().stream().noneMatch(Parameter::trainable));
        assertTrue(m.head().parameters().stream().allMatch(Parameter::trainable));
        assertArrayEquals(new int[] {4, 3}, m.forward(dev.graft.engine.Tensor.zeros(4, 1, 28, 28)).shape());
    }

    @Test
    void unfreezesTheLastLayersOnly() throws IOException {
        TransferModel m = TransferModel.builder(shippedModel()).classes(List.of("a", "b")).build();
        List<BackboneLayer> layers = m.backboneLayers();
        assertTrue(layers.size() >= 2, "layers: " + layers);
        m.unfreezeLastLayers(1);
        var params = m.backbone().namedParameters();
        for (BackboneLayer layer : layers) {
            boolean last = layer == layers.get(layers.size() - 1);
            for (String name : layer.parameterNames()) {
                assertEquals(last, params.get(name).trainable(), name);
            }
        }
        assertFalse(m.trainableBackboneParameters().isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.unfreezeLastLayers(layers.size() + 1));
        assertTrue(e.getMessage().contains("weight layers"), e.getMessage());
    }

    @Test
    void aMissingClassListIsNamed() throws IOException {
        OnnxModel pretrained = shippedModel();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TransferModel.builder(pretrained).build());
        assertTrue(e.getMessage().contains("classes"), e.getMessage());
    }
}
