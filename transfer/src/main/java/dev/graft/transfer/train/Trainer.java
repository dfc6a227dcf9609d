package dev.graft.transfer.train;

import dev.graft.engine.GradMode;
import dev.graft.engine.Tensor;
import dev.graft.nn.Module;
import dev.graft.nn.loss.CrossEntropyLoss;
import dev.graft.nn.optim.Adam;
import dev.graft.nn.optim.AdamW;
import dev.graft.nn.optim.ParamGroup;
import dev.graft.nn.optim.WarmupCosineLR;
import dev.graft.transfer.data.Batch;
import dev.graft.transfer.data.BatchIterator;
import dev.graft.transfer.data.DataLoader;
import dev.graft.transfer.data.Dataset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The supervised training loop every recipe is built from: AdamW over the given parameter groups
 * (each keeps its own learning rate, which is how a backbone gets a lower rate than its head),
 * linear warmup then cosine decay per step, cross-entropy, a seeded shuffled {@link DataLoader},
 * and optional early stopping on validation accuracy that restores the best weights.
 */
public final class Trainer {

    /** Batches of validation forward passes, which need no tape and can be larger. */
    static final int EVAL_BATCH = 256;

    private Trainer() {
    }

    /**
     * Trains {@code model} for {@code settings.epochs()} epochs, or fewer when early stopping ends it.
     *
     * @param model the module to call on each batch (its trainable parameters need not all be in {@code groups})
     * @param groups what to optimise, each group with its base learning rate
     * @param train the training examples
     * @param validation validation examples, or null
     * @param settings the loop's settings
     * @param phase a label for the epoch records and the listener
     * @param firstEpoch the number of this phase's first epoch (for runs of several phases)
     * @param listener progress receiver
     * @return the epochs run and the one whose weights the model now holds
     * @throws IllegalArgumentException if the training set is empty, the groups hold no parameter,
     *     or validation has other classes than training
     */
    public static TrainingHistory fit(Module model, List<ParamGroup> groups, Dataset train, Dataset validation,
                                      TrainingSettings settings, String phase, int firstEpoch,
                                      TrainingListener listener) {
        if (train.size() == 0) {
            throw new IllegalArgumentException("the training set is empty");
        }
        if (groups.stream().allMatch(g -> g.params().isEmpty())) {
            throw new IllegalArgumentException("nothing to train in phase '" + phase + "': no trainable parameter");
        }
        if (validation != null && !validation.classNames().equals(train.classNames())) {
            throw new IllegalArgumentException("validation classes " + validation.classNames()
                    + " differ from training classes " + train.classNames());
        }
        DataLoader loader = DataLoader.builder(train).batchSize(settings.batchSize()).shuffle(true)
                .seed(settings.seed()).prefetch(train.augments() ? 2 : 0).build();
        int stepsPerEpoch = loader.batchCount();
        int totalSteps = stepsPerEpoch * settings.epochs();
        AdamW optimizer = new AdamW(groups, new Adam.Options().weightDecay(settings.weightDecay()));
        WarmupCosineLR schedule = new WarmupCosineLR(optimizer, (int) (settings.warmupFraction() * totalSteps),
                totalSteps, 0.0);
        CrossEntropyLoss loss = new CrossEntropyLoss().labelSmoothing(settings.labelSmoothing());

        List<EpochRecord> records = new java.util.ArrayList<>();
        double bestAccuracy = Double.NEGATIVE_INFINITY;
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        Map<String, Tensor> bestState = null;
        int sinceBest = 0;
        boolean stoppedEarly = false;
        for (int e = 0; e < settings.epochs(); e++) {
            int epochNumber = firstEpoch + e;
            long start = System.nanoTime();
            listener.phaseStarted(phase + " " + (e + 1) + "/" + settings.epochs(), stepsPerEpoch);
            model.train();
            double lossSum = 0;
            long right = 0;
            long seen = 0;
            int done = 0;
            try (BatchIterator it = loader.epoch(e)) {
                while (it.hasNext()) {
                    Batch b = it.next();
                    optimizer.zeroGrad();
                    Tensor logits = model.forward(b.inputs());
                    Evaluation.checkLogits(logits, b.size(), train.numClasses());
                    Tensor l = loss.forward(logits, b.labels());
                    l.backward();
                    optimizer.step();
                    schedule.step();
                    lossSum += l.item() * b.size();
                    right += correct(logits, b.labels().toArray());
                    seen += b.size();
                    listener.step(++done, lossSum / seen, (double) right / seen);
                }
            }
            double vLoss = Double.NaN;
            double vAccuracy = Double.NaN;
            if (validation != null) {
                Evaluation ev = Evaluation.of(model, validation, EVAL_BATCH);
                vLoss = ev.loss();
                vAccuracy = ev.accuracy();
            }
            double lr = groups.stream().mapToDouble(ParamGroup::lr).max().orElse(0);
            EpochRecord rec = new EpochRecord(phase, epochNumber, lossSum / seen, (double) right / seen, vLoss,
                    vAccuracy, lr, (System.nanoTime() - start) / 1e9);
            records.add(rec);
            listener.epochEnded(rec);
            if (validation == null || settings.patience() == 0) {
                bestEpoch = epochNumber;
                continue;
            }
            if (vAccuracy > bestAccuracy || (vAccuracy == bestAccuracy && vLoss < bestLoss)) {
                bestAccuracy = vAccuracy;
                bestLoss = vLoss;
                bestEpoch = epochNumber;
                bestState = snapshot(model);
                sinceBest = 0;
            } else if (++sinceBest >= settings.patience()) {
                stoppedEarly = e + 1 < settings.epochs();
                if (stoppedEarly) {
                    listener.note(String.format("early stop after epoch %d: validation accuracy has not improved for %d "
                            + "epochs", epochNumber, settings.patience()));
                }
                break;
            }
        }
        if (bestState != null && bestEpoch != records.get(records.size() - 1).epoch()) {
            model.loadStateDict(bestState, true);
            listener.note(String.format("restored the weights of epoch %d (validation accuracy %.2f%%)", bestEpoch,
                    100 * bestAccuracy));
        }
        model.eval();
        return new TrainingHistory(records, bestEpoch, stoppedEarly);
    }

    private static long correct(Tensor logits, long[] labels) {
        long[] predicted;
        try (var noGrad = GradMode.noGrad()) {
            predicted = logits.argmax(1, false).toArray();
        }
        long n = 0;
        for (int i = 0; i < labels.length; i++) {
            n += predicted[i] == labels[i] ? 1 : 0;
        }
        return n;
    }

    /** A deep copy of the model's parameters and buffers, which the next steps will overwrite. */
    static Map<String, Tensor> snapshot(Module model) {
        Map<String, Tensor> copy = new HashMap<>();
        for (var e : model.stateDict().entrySet()) {
            Tensor t = e.getValue();
            copy.put(e.getKey(), Tensor.of(t.toArray(), t.shape()));
        }
        return copy;
    }
}
