package dev.graft.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which parameters of a model are trainable and which are frozen, by dotted name, with the
 * scalar counts: what to look at after freezing part of a pretrained model.
 *
 * @param rows one row per parameter, in {@link Module#namedParameters()} order
 */
public record ParameterSummary(List<Row> rows) {

    /**
     * One parameter, or (from {@link #groupedByDepth(int)}) the parameters under one module path.
     *
     * @param name dotted parameter name or module path
     * @param shape the parameter's shape; {@code []} for a group
     * @param trainable number of trainable scalars
     * @param frozen number of frozen scalars
     */
    public record Row(String name, int[] shape, long trainable, long frozen) {

        /** Copies the shape so that the row stays immutable. */
        public Row {
            shape = shape.clone();
        }

        /** @return a copy of the shape */
        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** @return {@code trainable + frozen} */
        public long total() {
            return trainable + frozen;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Row r && name.equals(r.name) && Arrays.equals(shape, r.shape) && trainable == r.trainable
                    && frozen == r.frozen;
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return name + " " + Arrays.toString(shape) + " trainable " + trainable + ", frozen " + frozen;
        }
    }

    /** Copies the rows so that the summary stays immutable. */
    public ParameterSummary {
        rows = List.copyOf(rows);
    }

    /** @return the summary of {@code module}'s parameters as they are now */
    public static ParameterSummary of(Module module) {
        List<Row> rows = new ArrayList<>();
        for (var e : module.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            rows.add(new Row(e.getKey(), p.shape(), p.trainable() ? p.numel() : 0, p.trainable() ? 0 : p.numel()));
        }
        return new ParameterSummary(rows);
    }

    /** @return the number of trainable scalars */
    public long trainable() {
        return rows.stream().mapToLong(Row::trainable).sum();
    }

    /** @return the number of frozen scalars */
    public long frozen() {
        return rows.stream().mapToLong(Row::frozen).sum();
    }

    /**
     * @param name a dotted parameter name
     * @return that parameter's row
     * @throws IllegalArgumentException if there is no such parameter
     */
    public Row row(String name) {
        for (Row r : rows) {
            if (r.name.equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("ParameterSummary: no parameter '" + name + "'");
    }

    /**
     * Adds up the rows by the first {@code depth} segments of their names, e.g. depth 1 gives
     * one row per direct child ({@code "layer1"}, {@code "fc"}); a name with fewer segments keeps
     * its module path (a top-level {@code "bias"} groups under {@code ""}).
     *
     * @throws IllegalArgumentException if {@code depth < 1}
     */
    public ParameterSummary groupedByDepth(int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("groupedByDepth: depth must be >= 1, got " + depth);
        }
        Map<String, long[]> sums = new LinkedHashMap<>();
        for (Row r : rows) {
            String[] segments = r.name.split("\\.");
            int keep = Math.min(depth, segments.length - 1);
            String key = String.join(".", Arrays.copyOf(segments, keep));
            long[] s = sums.computeIfAbsent(key, k -> new long[2]);
            s[0] += r.trainable;
            s[1] += r.frozen;
        }
        List<Row> grouped = new ArrayList<>();
        for (var e : sums.entrySet()) {
            grouped.add(new Row(e.getKey(), new int[0], e.getValue()[0], e.getValue()[1]));
        }
        return new ParameterSummary(grouped);
    }

    /** @return a table: name, shape, trainable and frozen counts per row, then the totals */
    @Override
    public String toString() {
        int width = 4;
        for (Row r : rows) {
            width = Math.max(width, r.name.length());
        }
        StringBuilder sb = new StringBuilder();
        String format = "%-" + width + "s  %-18s %12s %12s%n";
        sb.append(String.format(format, "name", "shape", "trainable", "frozen"));
        for (Row r : rows) {
            sb.append(String.format(format, r.name.isEmpty() ? "(root)" : r.name, Arrays.toString(r.shape), r.trainable,
                    r.frozen));
        }
        sb.append(String.format(format, "total", "", trainable(), frozen()));
        return sb.toString();
    }
}
