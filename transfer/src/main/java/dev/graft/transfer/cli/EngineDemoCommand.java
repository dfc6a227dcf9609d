package dev.graft.transfer.cli;

import dev.graft.engine.LongTensor;
import dev.graft.engine.Parallel;
import dev.graft.engine.Tensor;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * {@code graft engine-demo}: trains a two-layer MLP on synthetic spirals with the autograd tape and plain
 * SGD, reports train and test accuracy, then times a conv2d forward and backward pass.
 */
final class EngineDemoCommand implements Command {

    private static final int CLASSES = 3;
    private static final int TRAIN_PER_CLASS = 200;
    private static final int TEST_PER_CLASS = 100;
    private static final double NOISE = 0.15;
    private static final int BATCH = 50;

    @Override
    public String name() {
        return "engine-demo";
    }

    @Override
    public String summary() {
        return "train an MLP on synthetic spirals with autograd, then time a conv2d forward+backward";
    }

    @Override
    public String usage() {
        return String.join(System.lineSeparator(),
                "usage: graft engine-demo [--epochs N] [--hidden N] [--lr X] [--seed N] [--skip-conv]",
                "  --epochs N    passes over the training set (default 200)",
                "  --hidden N    hidden units of the MLP (default 64)",
                "  --lr X        SGD learning rate (default 0.5)",
                "  --seed N      seed for the data, the weights and the batch order (default 42)",
                "  --skip-conv   skip the conv2d timing");
    }

    @Override
    public int run(List<String> args, PrintStream out) throws UsageException {
        Options o = Options.parse(this, args, Set.of("epochs", "hidden", "lr", "seed"), Set.of("skip-conv"));
        int epochs = o.intValue("epochs", 200, 1, 100_000);
        int hidden = o.intValue("hidden", 64, 1, 65_536);
        float lr = o.positiveFloat("lr", 0.5f);
        long seed = o.longValue("seed", 42);

        int threads = Parallel.threads();
        out.printf("graft engine-demo: %d thread%s (set GRAFT_THREADS or -Dgraft.threads to change)%n",
                threads, threads == 1 ? "" : "s");
        train(epochs, hidden, lr, seed, out);
        if (!o.has("skip-conv")) {
            out.println();
            timeConv(out);
        }
        return 0;
    }

    private static void train(int epochs, int hidden, float lr, long seed, PrintStream out) {
        Spirals train = Spirals.generate(CLASSES, TRAIN_PER_CLASS, NOISE, seed);
        Spirals test = Spirals.generate(CLASSES, TEST_PER_CLASS, NOISE, seed + 1_000_003);
        Tensor targets = train.oneHot();
        TwoLayerMlp model = TwoLayerMlp.init(2, hidden, CLASSES, seed);
        out.printf("spirals: %d classes, %d training and %d test points; MLP 2-%d-%d, SGD lr %s, batch %d%n",
                CLASSES, train.size(), test.size(), hidden, CLASSES, lr, BATCH);

        Random order = new Random(seed);
        int n = train.size();
        int report = Math.max(1, epochs / 10);
        long start = System.nanoTime();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long[] perm = permutation(n, order);
            double lossSum = 0;
            int batches = 0;
            for (int from = 0; from < n; from += BATCH) {
                long[] idx = Arrays.copyOfRange(perm, from, Math.min(n, from + BATCH));
                LongTensor rows = LongTensor.of(idx, idx.length);
                Tensor loss = TwoLayerMlp.crossEntropy(
                        model.forward(train.points().indexSelect(0, rows)), targets.indexSelect(0, rows));
                loss.backward();
                model = model.sgdStep(lr);
                lossSum += loss.item();
                batches++;
            }
            if (epoch % report == 0 || epoch == epochs) {
                out.printf("epoch %4d  loss %.4f  train accuracy %5.1f%%%n",
                        epoch, lossSum / batches, 100 * model.accuracy(train.points(), train.labels()));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("trained in %.2f s: train accuracy %.1f%% (%d points), test accuracy %.1f%% (%d points)%n",
                seconds, 100 * model.accuracy(train.points(), train.labels()), train.size(),
                100 * model.accuracy(test.points(), test.labels()), test.size());
    }

    private static long[] permutation(int n, Random random) {
        long[] p = new long[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static void timeConv(PrintStream out) {
        int batch = 8;
        int channels = 64;
        int size = 56;
        int reps = 5;
        out.printf("conv2d 3x3 stride 1 pad 1, input %dx%dx%dx%d, weight %dx%dx3x3: best of %d runs after a warm-up%n",
                batch, channels, size, size, channels, channels, reps);
        ConvTiming t = ConvTiming.measure(batch, channels, size, reps);
        out.printf("  forward   %8.1f ms  %6.1f GFLOP/s%n", t.forwardMillis(), t.forwardFlops() / t.forwardMillis() / 1e6);
        out.printf("  backward  %8.1f ms  %6.1f GFLOP/s  (input and weight gradients)%n",
                t.backwardMillis(), t.backwardFlops() / t.backwardMillis() / 1e6);
    }
}
