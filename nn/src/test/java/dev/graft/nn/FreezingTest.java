package dev.graft.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.Tensor;
import dev.graft.nn.layers.Linear;
import dev.graft.nn.layers.ReLU;
import dev.graft.nn.layers.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FreezingTest {

    /** A model with named parts, like a small pretrained backbone with a head. */
    private static final class Net extends Module {
        final Linear stem;
        final Sequential encoder;
        final Linear head;

        Net(Random r) {
            stem = registerModule("stem", new Linear(3, 4, r));
            encoder = registerModule("encoder", new Sequential(
                    new Sequential(new Linear(4, 4, r), new ReLU()),
                    new Sequential(new Linear(4, 4, r), new ReLU()),
                    new Sequential(new Linear(4, 4, r), new ReLU())));
            head = registerModule("head", new Linear(4, 2, r));
        }

        @Override
        public Tensor forward(Tensor input) {
            return head.forward(encoder.forward(stem.forward(input)));
        }
    }

    private static List<String> frozenNames(Module m) {
        List<String> out = new ArrayList<>();
        for (var e : m.namedParameters().entrySet()) {
            if (!e.getValue().trainable()) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    @Test
    void globsSelectBySegmentAndAcrossSegments() {
        Net net = new Net(new Random(1));
        net.freeze("**.bias");
        assertEquals(List.of("stem.bias", "encoder.0.0.bias", "encoder.1.0.bias", "encoder.2.0.bias", "head.bias"),
                frozenNames(net));
        net.unfreeze();
        net.freeze("*.bias");
        assertEquals(List.of("stem.bias", "head.bias"), frozenNames(net), "'*' must not cross a dot");
        net.unfreeze();
        net.freeze("encoder.*");
        assertEquals(6, frozenNames(net).size());
        assertTrue(frozenNames(net).stream().allMatch(n -> n.startsWith("encoder.")));
        net.unfreeze("encoder.1.**");
        assertEquals(List.of("encoder.0.0.weight", "encoder.0.0.bias", "encoder.2.0.weight", "encoder.2.0.bias"),
                frozenNames(net));
        net.unfreeze();
        net.freeze("**");
        assertEquals(0, net.trainableParameterCount());
    }

    @Test
    void exactNamesSelectOneParameterOrOneModule() {
        Net net = new Net(new Random(2));
        net.freeze("head.weight");
        assertEquals(List.of("head.weight"), frozenNames(net));
        net.unfreeze();
        net.freeze("encoder.1");
        assertEquals(List.of("encoder.1.0.weight", "encoder.1.0.bias"), frozenNames(net));
        net.unfreeze();
        net.getSubmodule("encoder.2.0").freeze();
        assertEquals(List.of("encoder.2.0.weight", "encoder.2.0.bias"), frozenNames(net));
        net.getParameter("stem.bias").setTrainable(false);
        assertEquals(3, frozenNames(net).size());
    }

    @Test
    void regexMatchesWholeNamesOrModulePaths() {
        Net net = new Net(new Random(3));
        net.freezeRegex(Pattern.compile("encoder\\.[01]"));
        assertEquals(4, frozenNames(net).size());
        net.unfreezeRegex(Pattern.compile(".*weight"));
        assertEquals(List.of("encoder.0.0.bias", "encoder.1.0.bias"), frozenNames(net));
    }

    @Test
    void patternsThatSelectNothingFailNamingThePattern() {
        Net net = new Net(new Random(4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.freeze("layer4.*"));
        assertTrue(e.getMessage().contains("layer4.*") && e.getMessage().contains("head.weight"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> net.freeze("encoder.1.0.weigh"));
        assertTrue(e.getMessage().contains("encoder.1.0.weigh"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> net.freeze(""));
        assertEquals(0, net.frozenParameterCount(), "a failed selection changes nothing");
    }

    @Test
    void namePatternSemantics() {
        NamePattern p = NamePattern.glob("layer4");
        assertTrue(p.selects("layer4.0.conv1.weight"));
        assertFalse(p.selects("layer40.weight"));
        assertTrue(NamePattern.glob("**.bias").selects("bias"));
        assertTrue(NamePattern.glob("a.**.w").selects("a.w"));
        assertTrue(NamePattern.glob("a.**.w").selects("a.x.y.w"));
        assertFalse(NamePattern.glob("a.**.w").selects("b.w"));
        assertTrue(NamePattern.glob("layer?.*").selects("layer3.1.weight"));
        assertFalse(NamePattern.glob("layer?").selects("layer10.weight"));
        assertTrue(NamePattern.glob("a+b").selects("a+b.weight"), "regex characters in a glob are literal");
    }

    @Test
    void freezeAllButTheLastBlocks() {
        Net net = new Net(new Random(5));
        net.freezeAllButLast(1);
        assertEquals(List.of("head.weight", "head.bias"), trainableNames(net));
        net.freezeAllButLast("encoder", 2).unfreeze("head");
        assertEquals(List.of("encoder.1.0.weight", "encoder.1.0.bias", "encoder.2.0.weight", "encoder.2.0.bias",
                "head.weight", "head.bias"), trainableNames(net));
        net.freezeAllButLast("encoder", 0);
        assertEquals(0, net.trainableParameterCount());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.freezeAllButLast("encoder", 4));
        assertTrue(e.getMessage().contains("4 blocks") && e.getMessage().contains("has 3 submodules"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> net.freezeAllButLast("encoder.7", 1));
        assertTrue(e.getMessage().contains("'7'") && e.getMessage().contains("[0, 1, 2]"), e.getMessage());
    }

    private static List<String> trainableNames(Module m) {
        List<String> out = new ArrayList<>(m.namedParameters().keySet());
        out.removeAll(frozenNames(m));
        return out;
    }

    @Test
    void summaryCountsTrainableAndFrozenScalarsPerName() {
        Net net = new Net(new Random(6));
        net.freeze("encoder.0").freeze("stem");
        ParameterSummary s = net.summary();
        assertEquals(10, s.rows().size());
        assertEquals(0, s.row("stem.weight").trainable());
        assertEquals(12, s.row("stem.weight").frozen());
        assertEquals(8, s.row("head.weight").trainable());
        assertEquals(12 + 4 + 16 + 4, s.frozen());
        assertEquals(2 * 20 + 10, s.trainable());
        assertEquals(net.frozenParameterCount(), s.frozen());
        Map<String, ParameterSummary.Row> byChild = new java.util.LinkedHashMap<>();
        for (ParameterSummary.Row r : s.groupedByDepth(1).rows()) {
            byChild.put(r.name(), r);
        }
        assertEquals(List.of("stem", "encoder", "head"), List.copyOf(byChild.keySet()));
        assertEquals(20, byChild.get("encoder").frozen());
        assertEquals(40, byChild.get("encoder").trainable());
        String table = s.toString();
        assertTrue(table.contains("encoder.1.0.weight") && table.contains("total"), table);
        assertEquals(table, net.parameterSummary());
    }

    /** Wraps a layer and remembers its outputs, so a test can see which layers backward reached. */
    private static final class Counting extends Module {
        final Module inner;
        int forwardCalls;
        Tensor lastOutput;

        Counting(Module inner) {
            this.inner = registerModule("inner", inner);
        }

        @Override
        public Tensor forward(Tensor input) {
            forwardCalls++;
            lastOutput = inner.forward(input);
            if (lastOutput.requiresGrad()) {
                lastOutput.retainGrad();
            }
            return lastOutput;
        }

        boolean backwardReached() {
            return lastOutput.grad() != null;
        }
    }

    @Test
    void frozenPrefixCostsNoBackwardWork() {
        Random r = new Random(7);
        List<Counting> layers = new ArrayList<>();
        Sequential net = new Sequential();
        for (int i = 0; i < 6; i++) {
            Counting c = new Counting(new Sequential(new Linear(5, 5, r), new ReLU()));
            layers.add(c);
            net.add(c);
        }
        net.freezeAllButLast(2);
        net.forward(Tensor.randn(8, 4, 5)).sum().backward();
        int reached = 0;
        for (int i = 0; i < 6; i++) {
            Counting c = layers.get(i);
            assertEquals(1, c.forwardCalls);
            boolean trainable = i >= 4;
            assertEquals(trainable, c.lastOutput.requiresGrad(),
                    "layer " + i + ": a frozen layer fed by no gradient-needing input must record nothing on the tape");
            reached += c.backwardReached() ? 1 : 0;
        }
        assertEquals(2, reached, "backward must visit exactly the two trainable blocks");
        for (var e : net.namedParameters().entrySet()) {
            if (e.getKey().startsWith("4.") || e.getKey().startsWith("5.")) {
                assertNotNull(e.getValue().grad(), e.getKey());
            } else {
                assertNull(e.getValue().grad(), e.getKey() + " is frozen and must get no gradient");
            }
        }
    }

    @Test
    void frozenLayerBetweenTrainableOnesPassesGradientsButGetsNone() {
        Random r = new Random(8);
        Linear first = new Linear(3, 3, r);
        Linear middle = new Linear(3, 3, r);
        Linear last = new Linear(3, 1, r);
        Sequential net = new Sequential(first, middle, last);
        net.freeze("1");
        net.forward(Tensor.randn(9, 2, 3)).sum().backward();
        assertNull(middle.weight().grad());
        assertNull(middle.bias().grad());
        assertNotNull(first.weight().grad(), "the gradient must still flow through the frozen layer");
        net.unfreeze("1");
        net.zeroGrad();
        net.forward(Tensor.randn(9, 2, 3)).sum().backward();
        assertNotNull(middle.weight().grad(), "unfreezing restores gradients");
    }
}
