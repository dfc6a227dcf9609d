package dev.graft.transfer.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed reads from JSON parsed by {@link dev.graft.nn.checkpoint.Json} (maps, lists, strings,
 * Long and Double numbers), each failing with a message that names the file and the entry.
 */
final class JsonFields {

    private JsonFields() {
    }

    /** @return {@code value} as an object */
    static Map<?, ?> object(Object value, String source, String what) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(source + ": " + what + " is not a JSON object");
        }
        return m;
    }

    /** @return the entry, which must be present and not null */
    static Object get(Map<?, ?> m, String key, String source) {
        Object v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException(source + ": missing entry '" + key + "'");
        }
        return v;
    }

    /** @return the entry as a string */
    static String string(Map<?, ?> m, String key, String source) {
        if (!(get(m, key, source) instanceof String s)) {
            throw new IllegalArgumentException(source + ": entry '" + key + "' is not a string");
        }
        return s;
    }

    /** @return the entry as a whole number that fits an int */
    static int integer(Map<?, ?> m, String key, String source) {
        Object v = get(m, key, source);
        if (!(v instanceof Long l) || l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(source + ": entry '" + key + "' is " + v + ", expected a whole number");
        }
        return l.intValue();
    }

    /** @return the entry as a list */
    static List<?> list(Map<?, ?> m, String key, String source) {
        if (!(get(m, key, source) instanceof List<?> l)) {
            throw new IllegalArgumentException(source + ": entry '" + key + "' is not a list");
        }
        return l;
    }

    /** @return the entry as a list of strings */
    static List<String> strings(Map<?, ?> m, String key, String source) {
        List<String> out = new ArrayList<>();
        for (Object o : list(m, key, source)) {
            if (!(o instanceof String s)) {
                throw new IllegalArgumentException(source + ": entry '" + key + "' holds " + o + ", expected strings");
            }
            out.add(s);
        }
        return out;
    }

    /** @return the entry as a list of numbers */
    static float[] floats(Map<?, ?> m, String key, String source) {
        List<Number> l = numbers(m, key, source, false);
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = l.get(i).floatValue();
        }
        return out;
    }

    /** @return the entry as a list of whole numbers */
    static int[] ints(Map<?, ?> m, String key, String source) {
        return numbers(m, key, source, true).stream().mapToInt(Number::intValue).toArray();
    }

    private static List<Number> numbers(Map<?, ?> m, String key, String source, boolean whole) {
        List<Number> out = new ArrayList<>();
        for (Object o : list(m, key, source)) {
            if (!(o instanceof Number n) || (whole && !(o instanceof Long))) {
                throw new IllegalArgumentException(source + ": entry '" + key + "' holds " + o + ", expected "
                        + (whole ? "whole numbers" : "numbers"));
            }
            out.add(n);
        }
        return out;
    }
}
