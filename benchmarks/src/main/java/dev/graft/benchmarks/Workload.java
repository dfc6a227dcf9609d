package dev.graft.benchmarks;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The workload names shared by the JMH benchmarks, the ONNX models made for ONNX Runtime and the
 * PyTorch reference ({@code benchmarks/reference/cases.py} spells the same names): a matrix
 * product {@code MxNxK} ({@code C[M,N] = A[M,K] B[K,N]}) and a square convolution
 * {@code n<N>c<C>h<H>o<O>k<K>s<S>p<P>g<G>} (batch, input channels, image side, output channels,
 * kernel side, stride, padding, groups).
 */
final class Workload {

    private static final Pattern GEMM = Pattern.compile("(\\d+)x(\\d+)x(\\d+)");
    private static final Pattern CONV = Pattern.compile("n(\\d+)c(\\d+)h(\\d+)o(\\d+)k(\\d+)s(\\d+)p(\\d+)g(\\d+)");

    private Workload() {
    }

    /**
     * Parses {@code MxNxK}.
     *
     * @return {m, n, k}
     * @throws IllegalArgumentException if the name is not of that form
     */
    static int[] gemm(String name) {
        return numbers(GEMM, name, "MxNxK, e.g. 1024x1024x1024");
    }

    /**
     * Parses {@code n<N>c<C>h<H>o<O>k<K>s<S>p<P>g<G>}.
     *
     * @return {n, c, h, o, k, s, p, g}
     * @throws IllegalArgumentException if the name is not of that form
     */
    static int[] conv(String name) {
        return numbers(CONV, name, "n<N>c<C>h<H>o<O>k<K>s<S>p<P>g<G>, e.g. n8c64h56o64k3s1p1g1");
    }

    /**
     * The folder of generated ONNX models, from the system property {@code graft.bench.models}.
     *
     * @throws IllegalStateException if the property is not set
     */
    static Path models() {
        String dir = System.getProperty("graft.bench.models");
        if (dir == null || dir.isBlank()) {
            throw new IllegalStateException("set -Dgraft.bench.models to the folder written by "
                    + "benchmarks/reference/make_models.py (benchmarks/compare does this)");
        }
        return Path.of(dir);
    }

    private static int[] numbers(Pattern pattern, String name, String expected) {
        Matcher m = pattern.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException("workload '" + name + "' is not of the form " + expected);
        }
        int[] out = new int[m.groupCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Integer.parseInt(m.group(i + 1));
        }
        return out;
    }
}
