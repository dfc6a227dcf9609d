package dev.graft.transfer;

import dev.graft.nn.Parameter;
import dev.graft.nn.optim.ParamGroup;
import dev.graft.transfer.data.Dataset;
import dev.graft.transfer.train.FeatureCache;
import dev.graft.transfer.train.Trainer;
import dev.graft.transfer.train.TrainingHistory;
import dev.graft.transfer.train.TrainingListener;
import dev.graft.transfer.train.TrainingSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fine-tuning recipes of {@link FineTuneOptions} applied to a {@link TransferModel}:
 * <ol>
 * <li>head only, backbone frozen: when no dataset augments its inputs, the backbone runs once per
 *     example and the head trains on the {@link FeatureCache}, which is what makes this phase cheap;
 * <li>optionally, fine-tuning: the selected backbone layers are unfrozen (all at once, or one more
 *     per stage from the last back) and trained with the head, the backbone at a lower learning rate.
 * </ol>
 * Each phase keeps its best validation weights when early stopping is on. Seeded throughout.
 */
public final class FineTuner {

    /** Batches of feature-caching forward passes. */
    private static final int CACHE_BATCH = 128;

    /**
     * The outcome of a run.
     *
     * @param history every epoch of both phases
     * @param featuresCached whether the head-only phase ran on cached features
     * @param cacheInMemory whether that cache was on the heap (false: memory-mapped, or no cache)
     * @param headSeconds wall time of the head-only phase, caching included
     * @param fineTuneSeconds wall time of the fine-tuning phase (0 when there was none)
     */
    public record Result(TrainingHistory history, boolean featuresCached, boolean cacheInMemory, double headSeconds,
                         double fineTuneSeconds) {
    }

    private FineTuner() {
    }

    /**
     * Trains {@code model} in place.
     *
     * @param model the model; its backbone is frozen first whatever its state
     * @param train training examples whose inputs have the model's input shape
     * @param validation validation examples, or null (early stopping then has nothing to watch)
     * @param options the recipe
     * @param listener progress receiver
     * @return the epochs run and how
     * @throws IllegalArgumentException if the data does not fit the model, or the options ask for
     *     something the model cannot do (more layers than it has, a pattern that selects nothing)
     */
    public static Result fit(TransferModel model, Dataset train, Dataset validation, FineTuneOptions options,
                             TrainingListener listener) {
        checkData(model, train, "training");
        if (validation != null) {
            checkData(model, validation, "validation");
        }
        if (options.patience > 0 && validation == null) {
            listener.note("no validation set: early stopping is off, the last epoch's weights are kept");
        }
        TrainingSettings settings = new TrainingSettings(options.headEpochs, options.batchSize, options.weightDecay,
                options.warmupFraction, options.patience, options.labelSmoothing, options.seed);

        long start = System.nanoTime();
        model.freezeBackbone();
        model.head().unfreeze();
        List<ParamGroup> headOnly = List.of(ParamGroup.of(model.head().parameters()).lr(options.headLr));
        boolean cached = options.cacheFeatures && !train.augments() && (validation == null || !validation.augments());
        TrainingHistory history;
        boolean inMemory = false;
        if (cached) {
            try (FeatureCache trainFeatures = FeatureCache.compute(model.backbone(), train, CACHE_BATCH,
                    options.memoryBudgetBytes, listener);
                 FeatureCache validationFeatures = validation == null ? null : FeatureCache.compute(model.backbone(),
                         validation, CACHE_BATCH, options.memoryBudgetBytes, listener)) {
                inMemory = trainFeatures.inMemory();
                history = Trainer.fit(model.head(), headOnly, trainFeatures, validationFeatures, settings, "head", 1,
                        listener);
            }
        } else {
            history = Trainer.fit(model, headOnly, train, validation, settings, "head", 1, listener);
        }
        double headSeconds = (System.nanoTime() - start) / 1e9;

        start = System.nanoTime();
        if (options.fineTuneEpochs > 0) {
            history = history.then(fineTune(model, train, validation, options, settings,
                    history.epochs().size() + 1, listener));
        }
        double fineTuneSeconds = options.fineTuneEpochs > 0 ? (System.nanoTime() - start) / 1e9 : 0;
        model.eval();
        return new Result(history, cached, inMemory, headSeconds, fineTuneSeconds);
    }

    private static TrainingHistory fineTune(TransferModel model, Dataset train, Dataset validation,
                                            FineTuneOptions o, TrainingSettings settings, int firstEpoch,
                                            TrainingListener listener) {
        int layerCount = model.backboneLayers().size();
        if (o.unfreezeLastLayers > layerCount) {
            throw new IllegalArgumentException("cannot unfreeze the last " + o.unfreezeLastLayers
                    + " layers: the backbone has " + layerCount + " weight layers");
        }
        if (o.gradual && o.unfreezeLastLayers == 0) {
            throw new IllegalArgumentException("gradual unfreezing needs the number of layers to unfreeze "
                    + "(unfreezeLastLayers above 0)");
        }
        if (o.gradual && !o.unfreezePatterns.isEmpty()) {
            throw new IllegalArgumentException("gradual unfreezing works by layers; give unfreezeLastLayers, "
                    + "not name patterns " + o.unfreezePatterns);
        }
        int stages = o.gradual ? o.unfreezeLastLayers : 1;
        if (o.fineTuneEpochs < stages) {
            throw new IllegalArgumentException("gradual unfreezing of " + stages + " layers needs at least " + stages
                    + " fine-tune epochs, got " + o.fineTuneEpochs);
        }
        TrainingHistory history = TrainingHistory.empty();
        int epoch = firstEpoch;
        for (int stage = 1; stage <= stages; stage++) {
            int epochs = o.fineTuneEpochs / stages + (stage <= o.fineTuneEpochs % stages ? 1 : 0);
            String phase;
            if (!o.unfreezePatterns.isEmpty()) {
                model.freezeBackbone();
                for (String glob : o.unfreezePatterns) {
                    model.unfreezeBackbone(glob);
                }
                phase = "fine-tune " + o.unfreezePatterns;
            } else {
                int n = o.gradual ? stage : o.unfreezeLastLayers == 0 ? layerCount : o.unfreezeLastLayers;
                model.unfreezeLastLayers(n);
                phase = n == layerCount ? "fine-tune all" : "fine-tune last " + n;
            }
            if (!o.trainBatchNorm) {
                model.freezeBackboneBatchNorm();
            }
            List<Parameter> backbone = model.trainableBackboneParameters();
            listener.note(String.format("%s: %d backbone tensors trainable at lr %.2g, head at %.2g", phase,
                    backbone.size(), o.fineTuneLr * o.backboneLrFactor, o.fineTuneLr));
            List<ParamGroup> groups = new ArrayList<>();
            groups.add(ParamGroup.of(model.head().parameters()).lr(o.fineTuneLr));
            groups.add(ParamGroup.of(backbone).lr(o.fineTuneLr * o.backboneLrFactor));
            history = history.then(Trainer.fit(model, groups, train, validation,
                    settings.withEpochs(epochs).withSeed(settings.seed() + stage), phase, epoch, listener));
            epoch = firstEpoch + history.epochs().size();
        }
        return history;
    }

    private static void checkData(TransferModel model, Dataset data, String role) {
        if (!Arrays.equals(data.sampleShape(), model.inputShape())) {
            throw new IllegalArgumentException("the " + role + " examples have shape " + Arrays.toString(data.sampleShape())
                    + " but the model takes " + Arrays.toString(model.inputShape()));
        }
        if (data.numClasses() != model.classNames().size()) {
            throw new IllegalArgumentException("the " + role + " data has " + data.numClasses() + " classes "
                    + data.classNames() + " but the model's head has " + model.classNames().size() + " "
                    + model.classNames());
        }
    }
}
