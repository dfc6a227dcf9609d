package dev.graft.nn;

import java.util.regex.Pattern;

/**
 * Selects parameters by their dotted names, for freezing, unfreezing or building parameter groups.
 *
 * <p>A pattern selects a name when it matches the whole name, or the whole of one of its dotted
 * prefixes: {@code "layer4"} selects {@code "layer4.0.conv1.weight"} because it matches the
 * module path {@code "layer4"}, but it does not select {@code "layer40.weight"}.
 */
public final class NamePattern {

    private final Pattern regex;
    private final String shown;

    private NamePattern(Pattern regex, String shown) {
        this.regex = regex;
        this.shown = shown;
    }

    /**
     * Compiles a glob over dotted names. {@code *} matches any run of characters within one
     * segment (never a dot), {@code ?} one character within a segment, and {@code **} any number
     * of whole segments, including none: {@code "**.bias"} selects {@code "bias"} and
     * {@code "layer4.1.bn2.bias"}, whereas {@code "*.bias"} selects only biases one level down
     * ({@code "fc.bias"}). {@code "layer4.*"} selects everything in {@code layer4}; {@code "**"}
     * selects everything. Every other character stands for itself, so a glob without wildcards
     * selects by exact name.
     *
     * @throws IllegalArgumentException if the glob is null or empty
     */
    public static NamePattern glob(String glob) {
        if (glob == null || glob.isEmpty()) {
            throw new IllegalArgumentException("empty name pattern: expected a dotted name or glob such as \"layer4.*\"");
        }
        String[] segments = glob.split("\\.", -1);
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < segments.length; i++) {
            String seg = segments[i];
            boolean last = i == segments.length - 1;
            boolean afterDoubleStar = i > 0 && segments[i - 1].equals("**");
            if (seg.equals("**") && last) {
                // A trailing "**" also matches nothing, taking the dot before it along.
                re.append(i == 0 ? ".*" : "(?:\\..*)?");
                continue;
            }
            if (i > 0 && !afterDoubleStar) {
                re.append("\\.");
            }
            if (seg.equals("**")) {
                // Zero or more whole segments, each with its dot, so "**.bias" matches "bias" too.
                re.append("(?:[^.]*\\.)*");
                continue;
            }
            for (int c = 0; c < seg.length(); c++) {
                char ch = seg.charAt(c);
                if (ch == '*') {
                    re.append("[^.]*");
                } else if (ch == '?') {
                    re.append("[^.]");
                } else {
                    re.append(Pattern.quote(String.valueOf(ch)));
                }
            }
        }
        return new NamePattern(Pattern.compile(re.toString()), "glob '" + glob + "'");
    }

    /**
     * Wraps a regular expression that must match a whole dotted name or a whole module path.
     *
     * @throws IllegalArgumentException if the regex is null
     */
    public static NamePattern regex(Pattern regex) {
        if (regex == null) {
            throw new IllegalArgumentException("name pattern: regex is null");
        }
        return new NamePattern(regex, "regex '" + regex.pattern() + "'");
    }

    /** @return whether this pattern matches {@code name} or one of its dotted prefixes */
    public boolean selects(String name) {
        if (regex.matcher(name).matches()) {
            return true;
        }
        for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
            if (regex.matcher(name.substring(0, dot)).matches()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return shown;
    }
}
