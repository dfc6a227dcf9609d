package dev.graft.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs one fixed forward and backward pass of a small network heavy in exp, log and tanh (tanh,
 * sigmoid, SiLU, softplus, ELU, SELU, GELU in both forms, softmax, log-softmax, powers) many
 * times, and prints one fingerprint line per run: the bits of the loss and of every gradient.
 *
 * <p>{@link DeterminismTest} starts it in fresh JVMs so that the first runs go through the
 * interpreter and C1 and the later ones through C2, whatever other tests compiled before: a
 * kernel whose result depends on the compilation state shows up as a change of fingerprint.
 */
public final class DeterminismProbe {

    private DeterminismProbe() {
    }

    /**
     * Prints {@code runs} fingerprints, one per line.
     *
     * @param args the number of runs
     */
    public static void main(String[] args) {
        int runs = Integer.parseInt(args[0]);
        for (int run = 0; run < runs; run++) {
            System.out.println(Long.toHexString(fingerprint()));
        }
    }

    /** @return a hash of the bits of the loss and of every gradient of one pass */
    static long fingerprint() {
        // Odd sizes, so that every kernel runs both its vector loop and its scalar tail.
        int batch = 29;
        int in = 43;
        int hidden = 37;
        int classes = 11;
        Tensor x = Tensor.randn(1, batch, in).mul(2f);
        Tensor w1 = Tensor.randn(2, in, hidden).mul(0.4f).requiresGrad(true);
        Tensor b1 = Tensor.randn(3, hidden).requiresGrad(true);
        Tensor w2 = Tensor.randn(4, hidden, classes).mul(0.8f).requiresGrad(true);
        Tensor w3 = Tensor.randn(5, hidden, classes).mul(0.8f).requiresGrad(true);
        Tensor target = Tensor.rand(6, batch, classes);

        Tensor pre = x.matmul(w1).add(b1);
        Tensor h = pre.tanh().add(pre.sigmoid()).add(pre.silu()).add(pre.softplus().mul(0.5f))
                .add(pre.elu(0.7f)).add(pre.selu().mul(0.3f)).add(pre.geluTanh()).add(pre.gelu());
        Tensor logits = h.matmul(w2).mul(3f);
        Tensor logProbs = logits.logSoftmax(1);
        Tensor probs = h.matmul(w3).softmax(1);
        Tensor loss = logProbs.mul(target).sum().neg().div(batch)
                .add(probs.add(1e-3f).log().mul(probs).sum().neg())
                .add(pre.exp().mean().mul(1e-3f))
                .add(probs.add(0.5f).pow(2f).mean())
                .add(probs.add(0.5f).pow(1.7f).mean());
        loss.backward();

        List<Tensor> parts = new ArrayList<>(List.of(loss, w1.grad(), b1.grad(), w2.grad(), w3.grad()));
        long hash = 0xcbf29ce484222325L;
        for (Tensor t : parts) {
            for (float v : t.toArray()) {
                hash = (hash ^ Float.floatToRawIntBits(v)) * 0x100000001b3L;
            }
        }
        return hash;
    }
}
