package dev.graft.onnx.ops;

import dev.graft.engine.Tensor;
import dev.graft.onnx.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Einsum: transposes, sums, diagonals, inner and outer products, (batched) matrix products, with
 * ellipses. Operands are folded left to right; each pairwise step is one batched matmul after
 * summing out letters no later term needs.
 */
final class EinsumOp {

    private EinsumOp() {
    }

    static void register(OpRegistry r) {
        r.add("Einsum", new int[] {12}, EinsumOp::einsum);
    }

    private static Kernel einsum(NodeSpec n) {
        String eq = n.stringAttr("equation", "").replace(" ", "");
        if (eq.isEmpty()) {
            throw n.invalid("attribute 'equation' is required");
        }
        String[] sides = eq.split("->", -1);
        String[] terms = sides[0].split(",", -1);
        String explicitOut = sides.length > 1 ? sides[1] : null;
        // letters for the dimensions an ellipsis stands for: any the equation does not use
        StringBuilder free = new StringBuilder();
        for (char c = 'A'; c <= 'Z'; c++) {
            if (eq.indexOf(c) < 0) {
                free.append(c);
            }
        }
        for (char c = 'a'; c <= 'z'; c++) {
            if (eq.indexOf(c) < 0) {
                free.append(c);
            }
        }
        String pool = free.toString();
        return (in, ctx) -> {
            if (in.length != terms.length) {
                throw n.invalid("equation has " + terms.length + " operands, node has " + in.length + " inputs");
            }
            int ell = 0;
            for (int i = 0; i < terms.length; i++) {
                if (terms[i].contains("...")) {
                    ell = Math.max(ell, in[i].rank() - (terms[i].length() - 3));
                }
            }
            if (ell > pool.length()) {
                throw n.unsupported("an ellipsis over " + ell + " dimensions");
            }
            String ellLetters = pool.substring(0, Math.max(ell, 0));
            String[] resolved = new String[terms.length];
            for (int i = 0; i < terms.length; i++) {
                int e = in[i].rank() - (terms[i].length() - 3);
                resolved[i] = terms[i].contains("...") ? terms[i].replace("...", ellLetters.substring(ell - Math.max(e, 0)))
                        : terms[i];
            }
            String output;
            if (explicitOut != null) {
                output = explicitOut.replace("...", ellLetters);
            } else {
                // implicit output: the ellipsis, then letters appearing once, alphabetically
                StringBuilder sb = new StringBuilder(ellLetters);
                String all = String.join("", terms).replace(".", "");
                all.chars().distinct().sorted().filter(c -> all.indexOf(c) == all.lastIndexOf(c))
                        .forEach(c -> sb.append((char) c));
                output = sb.toString();
            }
            Tensor acc = null;
            String accLetters = null;
            for (int i = 0; i < resolved.length; i++) {
                Tensor t = in[i].toFloat();
                if (t.dim() != resolved[i].length()) {
                    throw n.invalid("operand " + i + " has rank " + t.dim() + " but term '" + terms[i] + "'");
                }
                String[] letters = {resolved[i]};
                t = diagonals(t, letters);
                String needed = output + String.join("", Arrays.copyOfRange(resolved, i + 1, resolved.length));
                if (acc == null) {
                    acc = t;
                    accLetters = letters[0];
                    continue;
                }
                String[] result = new String[1];
                acc = pair(acc, accLetters, t, letters[0], needed, result);
                accLetters = result[0];
            }
            String keep = output;
            acc = sumOut(acc, accLetters, keep, new String[1]);
            String rest = lettersIn(accLetters, keep);
            int[] perm = new int[keep.length()];
            for (int i = 0; i < keep.length(); i++) {
                perm[i] = rest.indexOf(keep.charAt(i));
            }
            return new Value[] {Values.like(acc.permute(perm), in[0])};
        };
    }

    /**
     * Takes the diagonal for every letter repeated within one operand ({@code "ii->i"}): multiplying by
     * an identity over the two axes and summing one away keeps exactly the diagonal, differentiably.
     */
    private static Tensor diagonals(Tensor t, String[] letters) {
        String l = letters[0];
        for (int q = 0; q < l.length(); q++) {
            int p = l.indexOf(l.charAt(q));
            if (p == q) {
                continue;
            }
            int size = t.size(q);
            float[] eye = new float[size * size];
            for (int k = 0; k < size; k++) {
                eye[k * size + k] = 1f;
            }
            int[] shape = new int[t.dim()];
            Arrays.fill(shape, 1);
            shape[p] = size;
            shape[q] = size;
            t = t.mul(Tensor.of(eye, size, size).reshape(shape)).sum(new int[] {q}, false);
            l = l.substring(0, q) + l.substring(q + 1);
            q--;
        }
        letters[0] = l;
        return t;
    }

    private static String lettersIn(String letters, String keep) {
        StringBuilder sb = new StringBuilder();
        for (char c : letters.toCharArray()) {
            if (keep.indexOf(c) >= 0) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Sums away the letters of {@code t} not in {@code keep}; {@code letters[0]} receives the remaining letters. */
    private static Tensor sumOut(Tensor t, String letters, String keep, String[] remaining) {
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < letters.length(); i++) {
            if (keep.indexOf(letters.charAt(i)) < 0) {
                axes.add(i);
            }
        }
        remaining[0] = lettersIn(letters, keep);
        if (axes.isEmpty()) {
            return t;
        }
        return t.sum(axes.stream().mapToInt(Integer::intValue).toArray(), false);
    }

    private static Tensor pair(Tensor a, String la, Tensor b, String lb, String needed, String[] result) {
        String[] ra = new String[1];
        String[] rb = new String[1];
        a = sumOut(a, la, lb + needed, ra);
        b = sumOut(b, lb, ra[0] + needed, rb);
        la = ra[0];
        lb = rb[0];
        StringBuilder batch = new StringBuilder();
        StringBuilder contract = new StringBuilder();
        StringBuilder left = new StringBuilder();
        StringBuilder right = new StringBuilder();
        for (char c : la.toCharArray()) {
            boolean inB = lb.indexOf(c) >= 0;
            boolean later = needed.indexOf(c) >= 0;
            if (inB) {
                (later ? batch : contract).append(c);
            } else {
                left.append(c);
            }
        }
        for (char c : lb.toCharArray()) {
            if (la.indexOf(c) < 0) {
                right.append(c);
            }
        }
        Tensor pa = a.permute(order(la, batch + "" + left + contract));
        Tensor pb = b.permute(order(lb, batch + "" + contract + right));
        // batch dimensions broadcast (an ellipsis of size 1 against one of size n)
        int[] sa = pa.shape();
        int[] sb = pb.shape();
        boolean expandA = false;
        boolean expandB = false;
        for (int i = 0; i < batch.length(); i++) {
            int size = Math.max(sa[i], sb[i]);
            expandA |= sa[i] != size;
            expandB |= sb[i] != size;
            sa[i] = size;
            sb[i] = size;
        }
        if (expandA) {
            pa = pa.expand(sa);
        }
        if (expandB) {
            pb = pb.expand(sb);
        }
        int[] bs = sizes(pa, 0, batch.length());
        int nb = prod(bs);
        int[] ls = sizes(pa, batch.length(), left.length());
        int[] cs = sizes(pa, batch.length() + left.length(), contract.length());
        int[] rs = sizes(pb, batch.length() + contract.length(), right.length());
        Tensor m = pa.reshape(nb, prod(ls), prod(cs)).matmul(pb.reshape(nb, prod(cs), prod(rs)));
        int[] shape = new int[bs.length + ls.length + rs.length];
        System.arraycopy(bs, 0, shape, 0, bs.length);
        System.arraycopy(ls, 0, shape, bs.length, ls.length);
        System.arraycopy(rs, 0, shape, bs.length + ls.length, rs.length);
        result[0] = batch + "" + left + right;
        return m.reshape(shape);
    }

    private static int[] order(String letters, String target) {
        int[] p = new int[target.length()];
        for (int i = 0; i < p.length; i++) {
            p[i] = letters.indexOf(target.charAt(i));
        }
        return p;
    }

    private static int[] sizes(Tensor t, int from, int count) {
        return Arrays.copyOfRange(t.shape(), from, from + count);
    }

    private static int prod(int[] s) {
        int p = 1;
        for (int v : s) {
            p *= v;
        }
        return p;
    }
}
