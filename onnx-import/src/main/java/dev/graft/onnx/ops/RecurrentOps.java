package dev.graft.onnx.ops;

import dev.graft.engine.Tensor;
import dev.graft.onnx.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * RNN, GRU and LSTM, unrolled over time from engine ops (so backpropagation through time comes
 * from the engine). The input projection of every time step is one matrix product up front; each
 * step then adds the recurrent projection and applies the gates. Variable sequence lengths keep
 * a finished sequence's state and zero its later outputs.
 */
final class RecurrentOps {

    private RecurrentOps() {
    }

    /** Which cell. */
    private enum Cell {
        RNN(1), GRU(3), LSTM(4);

        final int gates;

        Cell(int gates) {
            this.gates = gates;
        }
    }

    static void register(OpRegistry r) {
        r.add("RNN", new int[] {1, 7, 14}, n -> kernel(n, Cell.RNN));
        r.add("GRU", new int[] {1, 3, 7, 14}, n -> kernel(n, Cell.GRU));
        r.add("LSTM", new int[] {1, 7, 14}, n -> kernel(n, Cell.LSTM));
    }

    private static Kernel kernel(NodeSpec n, Cell cell) {
        String direction = n.stringAttr("direction", "forward");
        if (!direction.equals("forward") && !direction.equals("reverse") && !direction.equals("bidirectional")) {
            throw n.invalid("direction must be forward, reverse or bidirectional, got '" + direction + "'");
        }
        int dirs = direction.equals("bidirectional") ? 2 : 1;
        int hidden = n.intAttr("hidden_size", 0);
        float clip = n.floatAttr("clip", Float.NaN);
        boolean batchFirst = n.intAttr("layout", 0) != 0;
        boolean linearBeforeReset = n.intAttr("linear_before_reset", 0) != 0;
        if (n.intAttr("input_forget", 0) != 0) {
            throw n.unsupported("input_forget=1");
        }
        int perDir = cell == Cell.RNN ? 1 : cell == Cell.GRU ? 2 : 3;
        List<UnaryOperator<Tensor>> acts = activations(n, cell, dirs, perDir);
        return (in, ctx) -> {
            Tensor x = in[0].toFloat();
            if (batchFirst) {
                x = x.transpose(0, 1);
            }
            Tensor w = in[1].toFloat();
            Tensor r = in[2].toFloat();
            int seq = x.size(0);
            int batch = x.size(1);
            int h = hidden > 0 ? hidden : r.size(2);
            int g = cell.gates;
            if (w.dim() != 3 || w.size(0) != dirs || w.size(1) != g * h || r.size(1) != g * h || r.size(2) != h) {
                throw n.invalid("W " + Arrays.toString(w.shape()) + " and R " + Arrays.toString(r.shape())
                        + " do not fit " + dirs + " direction(s) of " + g + " gates of hidden size " + h);
            }
            Tensor b = in.length > 3 && in[3] != null ? in[3].toFloat() : null;
            long[] lens = in.length > 4 && in[4] != null ? in[4].toLongArray() : null;
            Tensor h0 = in.length > 5 && in[5] != null ? in[5].toFloat() : null;
            Tensor c0 = cell == Cell.LSTM && in.length > 6 && in[6] != null ? in[6].toFloat() : null;
            Tensor p = cell == Cell.LSTM && in.length > 7 && in[7] != null ? in[7].toFloat() : null;
            Tensor[] ys = new Tensor[dirs];
            Tensor[] hs = new Tensor[dirs];
            Tensor[] cs = new Tensor[dirs];
            for (int d = 0; d < dirs; d++) {
                boolean reverse = direction.equals("reverse") || d == 1;
                if (reverse && lens != null && !allEqual(lens, seq)) {
                    throw n.unsupported("reverse direction with differing sequence_lens");
                }
                Tensor[] out = run(cell, x, w.slice(0, d, d + 1, 1).squeeze(0), r.slice(0, d, d + 1, 1).squeeze(0),
                        b == null ? null : b.slice(0, d, d + 1, 1).squeeze(0),
                        h0 == null ? Tensor.zeros(batch, h) : h0.slice(0, d, d + 1, 1).squeeze(0),
                        c0 == null ? Tensor.zeros(batch, h) : c0.slice(0, d, d + 1, 1).squeeze(0),
                        p == null ? null : p.slice(0, d, d + 1, 1).squeeze(0),
                        lens, reverse, h, clip, linearBeforeReset,
                        acts.subList(d * perDir, (d + 1) * perDir));
                ys[d] = out[0];
                hs[d] = out[1];
                cs[d] = out[2];
            }
            Tensor y = Tensor.concat(1, ys);
            if (batchFirst) {
                y = y.permute(2, 0, 1, 3);
            }
            Tensor yh = Tensor.concat(0, hs);
            Tensor yc = Tensor.concat(0, cs);
            if (batchFirst) {
                yh = yh.transpose(0, 1);
                yc = yc.transpose(0, 1);
            }
            return new Value[] {Values.like(y, in[0]), Values.like(yh, in[0]), Values.like(yc, in[0])};
        };
    }

    private static boolean allEqual(long[] lens, int seq) {
        for (long l : lens) {
            if (l != seq) {
                return false;
            }
        }
        return true;
    }

    /** @return Y {@code [seq, 1, batch, hidden]}, the last H {@code [1, batch, hidden]} and the last C */
    private static Tensor[] run(Cell cell, Tensor x, Tensor w, Tensor r, Tensor b, Tensor hPrev, Tensor cPrev, Tensor p,
                                long[] lens, boolean reverse, int h, float clip, boolean linearBeforeReset,
                                List<UnaryOperator<Tensor>> act) {
        int seq = x.size(0);
        int batch = x.size(1);
        int g = cell.gates;
        Tensor xw = x.matmul(w.transpose(0, 1));
        Tensor rt = r.transpose(0, 1);
        Tensor wb = b == null ? null : b.slice(0, 0, g * h, 1);
        Tensor rb = b == null ? null : b.slice(0, g * h, 2 * g * h, 1);
        if (wb != null) {
            xw = xw.add(wb);
        }
        Tensor[] outs = new Tensor[seq];
        Tensor hState = hPrev;
        Tensor cState = cPrev;
        for (int step = 0; step < seq; step++) {
            int t = reverse ? seq - 1 - step : step;
            Tensor xt = xw.slice(0, t, t + 1, 1).squeeze(0);
            Tensor hNew;
            Tensor cNew = cState;
            switch (cell) {
                case RNN -> {
                    Tensor pre = xt.add(recurrent(hState, rt, rb, 0, h));
                    hNew = act.get(0).apply(clip(pre, clip));
                }
                case GRU -> {
                    Tensor z = act.get(0).apply(clip(gate(xt, 0, h).add(recurrent(hState, rt, rb, 0, h)), clip));
                    Tensor rr = act.get(0).apply(clip(gate(xt, 1, h).add(recurrent(hState, rt, rb, 1, h)), clip));
                    Tensor cand;
                    if (linearBeforeReset) {
                        cand = gate(xt, 2, h).add(rr.mul(recurrent(hState, rt, rb, 2, h)));
                    } else {
                        Tensor rh = rr.mul(hState).matmul(rt.slice(1, 2 * h, 3 * h, 1));
                        cand = gate(xt, 2, h).add(rb == null ? rh : rh.add(rb.slice(0, 2 * h, 3 * h, 1)));
                    }
                    Tensor hh = act.get(1).apply(clip(cand, clip));
                    hNew = z.neg().add(1f).mul(hh).add(z.mul(hState));
                }
                default -> {
                    Tensor pre = xt.add(recurrent(hState, rt, rb, -1, h));
                    Tensor i = gate(pre, 0, h);
                    Tensor o = gate(pre, 1, h);
                    Tensor f = gate(pre, 2, h);
                    Tensor c = gate(pre, 3, h);
                    if (p != null) {
                        i = i.add(p.slice(0, 0, h, 1).mul(cState));
                        f = f.add(p.slice(0, 2 * h, 3 * h, 1).mul(cState));
                    }
                    Tensor it = act.get(0).apply(clip(i, clip));
                    Tensor ft = act.get(0).apply(clip(f, clip));
                    Tensor ct = act.get(1).apply(clip(c, clip));
                    cNew = ft.mul(cState).add(it.mul(ct));
                    if (p != null) {
                        o = o.add(p.slice(0, h, 2 * h, 1).mul(cNew));
                    }
                    Tensor ot = act.get(0).apply(clip(o, clip));
                    hNew = ot.mul(act.get(2).apply(cNew));
                }
            }
            if (lens != null) {
                float[] live = new float[batch];
                for (int k = 0; k < batch; k++) {
                    live[k] = t < lens[k] ? 1f : 0f;
                }
                Tensor m = Tensor.of(live, batch, 1);
                Tensor dead = m.neg().add(1f);
                hNew = hNew.mul(m).add(hState.mul(dead));
                cNew = cNew.mul(m).add(cState.mul(dead));
                outs[t] = hNew.mul(m);
            } else {
                outs[t] = hNew;
            }
            hState = hNew;
            cState = cNew;
        }
        Tensor y = seq == 0 ? Tensor.zeros(0, 1, batch, h) : Tensor.concat(0, unsqueezeAll(outs));
        return new Tensor[] {y, hState.unsqueeze(0), cState.unsqueeze(0)};
    }

    private static Tensor[] unsqueezeAll(Tensor[] ts) {
        Tensor[] out = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) {
            out[i] = ts[i].unsqueeze(0).unsqueeze(0);
        }
        return out;
    }

    private static Tensor gate(Tensor t, int k, int h) {
        return t.slice(1, k * h, (k + 1) * h, 1);
    }

    /** The recurrent projection of gate {@code k} (all gates when k is -1), with its bias. */
    private static Tensor recurrent(Tensor hState, Tensor rt, Tensor rb, int k, int h) {
        Tensor rk = k < 0 ? rt : rt.slice(1, k * h, (k + 1) * h, 1);
        Tensor out = hState.matmul(rk);
        if (rb != null) {
            out = out.add(k < 0 ? rb : rb.slice(0, k * h, (k + 1) * h, 1));
        }
        return out;
    }

    private static Tensor clip(Tensor t, float clip) {
        return Float.isNaN(clip) ? t : t.clamp(-clip, clip);
    }

    private static List<UnaryOperator<Tensor>> activations(NodeSpec n, Cell cell, int dirs, int perDir) {
        String[] defaults = cell == Cell.RNN ? new String[] {"Tanh"} : cell == Cell.GRU
                ? new String[] {"Sigmoid", "Tanh"} : new String[] {"Sigmoid", "Tanh", "Tanh"};
        var attr = n.attributes().get("activations");
        float[] alphas = n.floatsAttr("activation_alpha");
        float[] betas = n.floatsAttr("activation_beta");
        List<UnaryOperator<Tensor>> out = new ArrayList<>();
        int withParams = 0;
        for (int i = 0; i < dirs * perDir; i++) {
            String name = attr != null && i < attr.strings().size()
                    ? new String(attr.strings().get(i), java.nio.charset.StandardCharsets.UTF_8) : defaults[i % perDir];
            boolean parametric = switch (name) {
                case "LeakyRelu", "ThresholdedRelu", "ScaledTanh", "HardSigmoid", "Elu", "Affine" -> true;
                default -> false;
            };
            float alpha = parametric && alphas != null && withParams < alphas.length ? alphas[withParams] : Float.NaN;
            float beta = parametric && betas != null && withParams < betas.length ? betas[withParams] : Float.NaN;
            withParams += parametric ? 1 : 0;
            out.add(activation(n, name, alpha, beta));
        }
        return out;
    }

    private static UnaryOperator<Tensor> activation(NodeSpec n, String name, float alpha, float beta) {
        return switch (name) {
            case "Sigmoid" -> Tensor::sigmoid;
            case "Tanh" -> Tensor::tanh;
            case "Relu" -> Tensor::relu;
            case "Softsign" -> t -> t.div(t.abs().add(1f));
            case "Softplus" -> Tensor::softplus;
            case "LeakyRelu" -> t -> t.leakyRelu(Float.isNaN(alpha) ? 0.01f : alpha);
            case "Elu" -> t -> t.elu(Float.isNaN(alpha) ? 1f : alpha);
            case "HardSigmoid" -> t -> t.hardSigmoid(Float.isNaN(alpha) ? 0.2f : alpha, Float.isNaN(beta) ? 0.5f : beta);
            case "Affine" -> t -> t.mul(Float.isNaN(alpha) ? 1f : alpha).add(Float.isNaN(beta) ? 0f : beta);
            case "ScaledTanh" -> t -> t.mul(Float.isNaN(beta) ? 1f : beta).tanh().mul(Float.isNaN(alpha) ? 1f : alpha);
            case "ThresholdedRelu" -> t -> Tensor.where(t.gt(Tensor.scalar(Float.isNaN(alpha) ? 1f : alpha)), t,
                    Tensor.zeros(t.shape()));
            default -> throw n.unsupported("activation '" + name + "'");
        };
    }
}
