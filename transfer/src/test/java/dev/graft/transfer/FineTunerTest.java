package dev.graft.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.nn.Parameter;
import dev.graft.transfer.data.Dataset;
import dev.graft.transfer.data.FashionMnist;
import dev.graft.transfer.data.StratifiedSplit;
import dev.graft.transfer.train.EpochRecord;
import dev.graft.transfer.train.Evaluation;
import dev.graft.transfer.train.TrainingListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FineTunerTest {

    private static Dataset train;
    private static Dataset validation;

    @BeforeAll
    static void load() throws IOException {
        var sample = FashionMnist.sample(FashionMnist.Split.TRAIN).normalize(new float[] {0.3139f}, new float[] {0.3626f});
        var split = StratifiedSplit.split(sample, 0.3, 5);
        train = split.train();
        validation = split.validation();
    }

    private static TransferModel model(long seed) throws IOException {
        return TransferModel.builder(TransferModelTest.shippedModel()).classes(train.classNames()).seed(seed).build();
    }

    @Test
    void headOnlyTrainsOnCachedFeaturesAndLearns() throws IOException {
        TransferModel m = model(1);
        FineTuner.Result r = FineTuner.fit(m, train, validation, new FineTuneOptions().headEpochs(15).seed(2),
                TrainingListener.NONE);
        assertTrue(r.featuresCached());
        assertEquals(15, r.history().epochs().size());
        double accuracy = Evaluation.of(m, validation, 100).accuracy();
        assertTrue(accuracy > 0.6, "validation accuracy " + accuracy);
        assertTrue(m.backbone().parameters().stream().noneMatch(Parameter::trainable));
    }

    @Test
    void cachedEpochsAreAtLeastTenTimesFasterThanFullForwardPasses() throws IOException {
        FineTuneOptions o = new FineTuneOptions().headEpochs(4).seed(2);
        FineTuner.Result cached = FineTuner.fit(model(1), train, null, o, TrainingListener.NONE);
        FineTuner.Result full = FineTuner.fit(model(1), train, null, o.cacheFeatures(false), TrainingListener.NONE);
        assertFalse(full.featuresCached());
        double cachedEpoch = minSeconds(cached.history().epochs());
        double fullEpoch = minSeconds(full.history().epochs());
        assertTrue(fullEpoch >= 10 * cachedEpoch,
                "epoch on cached features " + cachedEpoch + " s, with forward passes " + fullEpoch + " s");
    }

    @Test
    void sameSeedGivesTheSameModel() throws IOException {
        FineTuneOptions o = new FineTuneOptions().headEpochs(3).fineTuneEpochs(2).unfreezeLastLayers(1).seed(9);
        TransferModel a = model(4);
        TransferModel b = model(4);
        FineTuner.fit(a, train, null, o, TrainingListener.NONE);
        FineTuner.fit(b, train, null, o, TrainingListener.NONE);
        Map<String, dev.graft.engine.Tensor> sa = a.stateDict();
        Map<String, dev.graft.engine.Tensor> sb = b.stateDict();
        for (String k : sa.keySet()) {
            assertArrayEquals(sa.get(k).toArray(), sb.get(k).toArray(), k);
        }
    }

    @Test
    void earlyStoppingRestoresTheBestEpoch() throws IOException {
        TransferModel m = model(1);
        List<String> notes = new ArrayList<>();
        FineTuner.Result r = FineTuner.fit(m, train, validation,
                new FineTuneOptions().headEpochs(40).headLr(0.05).patience(3).seed(3), new TrainingListener() {
                    @Override
                    public void note(String message) {
                        notes.add(message);
                    }
                });
        EpochRecord best = r.history().best();
        for (EpochRecord e : r.history().epochs()) {
            assertTrue(e.validationAccuracy() <= best.validationAccuracy());
        }
        assertEquals(best.validationAccuracy(), Evaluation.of(m, validation, 100).accuracy(), 1e-9);
        if (r.history().stoppedEarly()) {
            assertTrue(notes.stream().anyMatch(n -> n.startsWith("early stop")), notes.toString());
        }
    }

    @Test
    void gradualUnfreezingTrainsOneMoreLayerPerStage() throws IOException {
        TransferModel m = model(1);
        List<String> phases = new ArrayList<>();
        FineTuner.fit(m, train, null, new FineTuneOptions().headEpochs(1).fineTuneEpochs(2).unfreezeLastLayers(2)
                .gradual(true), new TrainingListener() {
                    @Override
                    public void epochEnded(EpochRecord record) {
                        phases.add(record.phase());
                    }
                });
        assertEquals(List.of("head", "fine-tune last 1", "fine-tune last 2"), phases);
        List<BackboneLayer> layers = m.backboneLayers();
        var graph = (dev.graft.onnx.OnnxModel) m.backbone();
        java.util.Set<String> batchNorm = new java.util.HashSet<>();
        for (var n : graph.nodes()) {
            if (n.opType().equals("BatchNormalization")) {
                batchNorm.add(graph.moduleName(n.inputs().get(1)));
                batchNorm.add(graph.moduleName(n.inputs().get(2)));
            }
        }
        assertFalse(batchNorm.isEmpty());
        var params = graph.namedParameters();
        for (int i = 0; i < layers.size(); i++) {
            for (String name : layers.get(i).parameterNames()) {
                boolean expected = i >= layers.size() - 2 && !batchNorm.contains(name);
                assertEquals(expected, params.get(name).trainable(), name);
            }
        }
    }

    @Test
    void dataOfTheWrongShapeIsRefusedWithBothShapes() throws IOException {
        TransferModel m = model(1);
        Dataset flat = new dev.graft.transfer.data.TensorDataset(new float[4 * 3], new int[] {3}, new long[4],
                train.classNames());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FineTuner.fit(m, flat, null, new FineTuneOptions(), TrainingListener.NONE));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[1, 28, 28]"), e.getMessage());
    }

    private static double minSeconds(List<EpochRecord> epochs) {
        return epochs.stream().mapToDouble(EpochRecord::seconds).min().orElseThrow();
    }
}
