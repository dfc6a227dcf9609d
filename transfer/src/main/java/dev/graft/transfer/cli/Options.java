package dev.graft.transfer.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's parsed options: {@code --name value}, {@code --name=value} and bare {@code --flag}.
 * Anything else, and any option the command did not declare, is a {@link UsageException}.
 */
final class Options {
    private final Command command;
    private final Map<String, List<String>> values;

    private Options(Command command, Map<String, List<String>> values) {
        this.command = command;
        this.values = values;
    }

    /**
     * Parses {@code args} against the declared option names (without the leading dashes); each
     * option may appear once.
     *
     * @param command the command being parsed, named in error messages
     * @param args the arguments after the command's name
     * @param valued options that take a value
     * @param flags options that take none
     * @return the parsed options
     * @throws UsageException on an undeclared option, a missing value, a repeat or a positional word
     */
    static Options parse(Command command, List<String> args, Set<String> valued, Set<String> flags)
            throws UsageException {
        return parse(command, args, valued, flags, Set.of());
    }

    /**
     * Same as {@link #parse(Command, List, Set, Set)}, with options that may be given several times.
     *
     * @param repeatable valued options that may repeat; {@link #values(String)} returns each value in order
     */
    static Options parse(Command command, List<String> args, Set<String> valued, Set<String> flags,
                         Set<String> repeatable) throws UsageException {
        Map<String, List<String>> values = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException(command, "unexpected argument '" + arg + "'");
            }
            int eq = arg.indexOf('=');
            String name = arg.substring(2, eq < 0 ? arg.length() : eq);
            String value;
            if (flags.contains(name)) {
                if (eq >= 0) {
                    throw new UsageException(command, "option --" + name + " takes no value");
                }
                value = "";
            } else if (valued.contains(name) || repeatable.contains(name)) {
                if (eq >= 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new UsageException(command, "option --" + name + " needs a value");
                }
            } else {
                throw new UsageException(command, "unknown option --" + name);
            }
            List<String> list = values.computeIfAbsent(name, k -> new ArrayList<>());
            if (!list.isEmpty() && !repeatable.contains(name)) {
                throw new UsageException(command, "option --" + name + " given twice");
            }
            list.add(value);
        }
        return new Options(command, values);
    }

    /** @return whether the flag or option was given */
    boolean has(String name) {
        return values.containsKey(name);
    }

    /** @return the option's value, or {@code fallback} if absent */
    String value(String name, String fallback) {
        List<String> v = values.get(name);
        return v == null ? fallback : v.get(0);
    }

    /** @return every value of a repeatable option, in command-line order; empty if absent */
    List<String> values(String name) {
        return values.getOrDefault(name, List.of());
    }

    /**
     * @return the option's value
     * @throws UsageException if it was not given or is empty
     */
    String required(String name) throws UsageException {
        String v = value(name, null);
        if (v == null) {
            throw new UsageException(command, "option --" + name + " is required");
        }
        if (v.isBlank()) {
            throw new UsageException(command, "option --" + name + " needs a non-empty value");
        }
        return v;
    }

    /**
     * @return the option's value as a path (not checked for existence)
     * @throws UsageException if it was not given or is empty
     */
    Path requiredPath(String name) throws UsageException {
        return Path.of(required(name));
    }

    /**
     * @return the option's value as an int in {@code [min, max]}, or {@code fallback} if absent
     * @throws UsageException if the value is not a whole number in range
     */
    int intValue(String name, int fallback, int min, int max) throws UsageException {
        long v = longValue(name, fallback);
        if (v < min || v > max) {
            throw new UsageException(command,
                    "option --" + name + " must be between " + min + " and " + max + ", got " + v);
        }
        return (int) v;
    }

    /**
     * @return the option's value as a long, or {@code fallback} if absent
     * @throws UsageException if the value is not a whole number
     */
    long longValue(String name, long fallback) throws UsageException {
        String v = value(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command, "option --" + name + " needs a whole number, got '" + v + "'");
        }
    }

    /**
     * @return the option's value as a positive finite float, or {@code fallback} if absent
     * @throws UsageException if the value is not a positive number
     */
    float positiveFloat(String name, float fallback) throws UsageException {
        String v = value(name, null);
        if (v == null) {
            return fallback;
        }
        float f = parseFloat(name, v);
        if (!(f > 0) || Float.isInfinite(f)) {
            throw new UsageException(command, "option --" + name + " must be a positive number, got '" + v + "'");
        }
        return f;
    }

    /**
     * @return the option's value as a number in {@code [min, max)}, or {@code fallback} if absent
     * @throws UsageException if the value is not a number in that range
     */
    double fraction(String name, double fallback, double min, double max) throws UsageException {
        String v = value(name, null);
        if (v == null) {
            return fallback;
        }
        double d = parseFloat(name, v);
        if (!(d >= min && d < max)) {
            throw new UsageException(command, "option --" + name + " must be at least " + min + " and below " + max
                    + ", got '" + v + "'");
        }
        return d;
    }

    /**
     * @return the option's comma-separated numbers, or null if absent
     * @throws UsageException if a part is not a finite number
     */
    float[] floats(String name) throws UsageException {
        String v = value(name, null);
        if (v == null) {
            return null;
        }
        String[] parts = v.split(",", -1);
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = parseFloat(name, parts[i]);
        }
        return out;
    }

    /**
     * @return the option's comma-separated words, trimmed, or null if absent
     * @throws UsageException if a word is empty
     */
    List<String> words(String name) throws UsageException {
        String v = value(name, null);
        if (v == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String part : v.split(",", -1)) {
            if (part.isBlank()) {
                throw new UsageException(command, "option --" + name + " has an empty item in '" + v + "'");
            }
            out.add(part.strip());
        }
        return out;
    }

    /** @return a usage error about this command */
    UsageException error(String message) {
        return new UsageException(command, message);
    }

    private float parseFloat(String name, String v) throws UsageException {
        try {
            float f = Float.parseFloat(v.trim());
            if (Float.isFinite(f)) {
                return f;
            }
        } catch (NumberFormatException e) {
            // Reported below with the option's name, which the JDK's message lacks.
        }
        throw new UsageException(command, "option --" + name + " needs a number, got '" + v + "'");
    }
}
