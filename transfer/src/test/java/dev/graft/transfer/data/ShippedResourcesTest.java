package dev.graft.transfer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The pretrained model, its sidecar and the Fashion-MNIST sample written by scripts/transfer/pretrain_fashion_cnn.py. */
class ShippedResourcesTest {

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = FashionMnist.class.getResourceAsStream(FashionMnist.RESOURCE_FOLDER + name)) {
            assertNotNull(in, "missing resource " + name + "; run scripts/transfer/pretrain_fashion_cnn.py");
            return in.readAllBytes();
        }
    }

    private static Properties sidecar() throws IOException {
        Properties p = new Properties();
        try (InputStream in = FashionMnist.class.getResourceAsStream(FashionMnist.RESOURCE_FOLDER + "fashion-cnn-0to4.properties")) {
            assertNotNull(in, "missing fashion-cnn-0to4.properties");
            p.load(in);
        }
        return p;
    }

    @Test
    void modelIsPresentAndSmall() throws IOException {
        Properties p = sidecar();
        byte[] model = resource(p.getProperty("model"));
        assertTrue(model.length > 10_000 && model.length < 2_000_000, "model has " + model.length + " bytes");
        // A ModelProto starts with field 1 (ir_version, varint): tag byte 0x08.
        assertEquals(0x08, model[0]);
    }

    @Test
    void sidecarDescribesTheModel() throws IOException {
        Properties p = sidecar();
        assertEquals("image", p.getProperty("input.name"));
        assertEquals("logits", p.getProperty("output.name"));
        assertEquals("features", p.getProperty("features.name"));
        assertEquals(5, p.getProperty("classes.pretrain").split(",").length);
        assertEquals(String.join(",", FashionMnist.CLASS_NAMES.subList(5, 10)), p.getProperty("classes.sample"));
        float mean = Float.parseFloat(p.getProperty("input.mean"));
        float std = Float.parseFloat(p.getProperty("input.std"));
        assertTrue(mean > 0.1f && mean < 0.5f && std > 0.1f && std < 0.6f, mean + " / " + std);
        float accuracy = Float.parseFloat(p.getProperty("accuracy.test.classes0to4"));
        assertTrue(accuracy > 0.85f, "pretrained test accuracy " + accuracy);
        int refs = Integer.parseInt(p.getProperty("reference.count"));
        for (int i = 0; i < refs; i++) {
            assertEquals(5, p.getProperty("reference." + i + ".logits").split(" ").length);
        }
    }

    @Test
    void sampleLoadsBalancedWithRemappedLabels() throws IOException {
        for (FashionMnist.Split split : FashionMnist.Split.values()) {
            TensorDataset d = FashionMnist.sample(split);
            int perClass = split == FashionMnist.Split.TRAIN ? 200 : 100;
            assertEquals(5 * perClass, d.size());
            assertArrayEquals(new int[] {1, 28, 28}, d.sampleShape());
            assertEquals(List.of("Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"), d.classNames());
            int[] counts = new int[5];
            for (long l : d.labels()) {
                counts[(int) l]++;
            }
            assertArrayEquals(new int[] {perClass, perClass, perClass, perClass, perClass}, counts);
            float[] x = d.batch(0).inputs().toArray();
            float max = 0;
            for (float v : x) {
                assertTrue(v >= 0f && v <= 1f);
                max = Math.max(max, v);
            }
            assertTrue(max > 0.5f, "a real image has bright pixels");
        }
    }

    @Test
    void sampleStaysSmall() throws IOException {
        long total = 0;
        for (FashionMnist.Split split : FashionMnist.Split.values()) {
            for (String kind : new String[] {"images-idx3", "labels-idx1"}) {
                String name = FashionMnist.sampleResource(split, kind).substring(FashionMnist.RESOURCE_FOLDER.length());
                total += resource(name).length;
            }
        }
        assertTrue(total < 1_000_000, "sample has " + total + " bytes");
    }
}
