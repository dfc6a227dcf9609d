package dev.graft.engine;

/**
 * Runs every fused inference op on fixed inputs (odd sizes, so vector loops and scalar tails both
 * run) and prints one fingerprint per run: the bits of all outputs. {@link FusedOpsTest} compares
 * an interpreted run with compiled ones.
 */
public final class FusedOpsProbe {

    private FusedOpsProbe() {
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

    /** @return a hash of the bits of every fused op's output on fixed inputs */
    static long fingerprint() {
        try (var ignored = GradMode.noGrad()) {
            Tensor q = Tensor.randn(1, 2, 3, 19, 8);
            Tensor k = Tensor.randn(2, 2, 3, 8, 21);
            Tensor v = Tensor.randn(3, 2, 3, 21, 5);
            Tensor mask = Tensor.randn(4, 2, 1, 1, 21).mul(3f);
            Tensor x = Tensor.randn(5, 7, 45).mul(2f);
            Tensor w = Tensor.randn(6, 45, 37);
            Tensor b = Tensor.randn(7, 37);
            Tensor g = Tensor.randn(8, 45);
            long h = 17;
            for (Tensor t : new Tensor[] {FusedOps.attention(q, k, v, 0.35f, mask), FusedOps.linearGelu(x, w, b),
                FusedOps.layerNorm(x, x.mul(0.5f), g, g, 1e-5f), FusedOps.gelu(x)}) {
                for (float f : t.toArray()) {
                    h = h * 31 + Float.floatToRawIntBits(f);
                }
            }
            return h;
        }
    }
}
