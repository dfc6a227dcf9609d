package dev.graft.transfer.cli;

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
    private final Map<String, String> values;

    private Options(Command command, Map<String, String> values) {
        this.command = command;
        this.values = values;
    }

    /**
     * Parses {@code args} against the declared option names (without the leading dashes).
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
        Map<String, String> values = new HashMap<>();
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
            } else if (valued.contains(name)) {
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
            if (values.put(name, value) != null) {
                throw new UsageException(command, "option --" + name + " given twice");
            }
        }
        return new Options(command, values);
    }

    /** @return whether the flag or option was given */
    boolean has(String name) {
        return values.containsKey(name);
    }

    /** @return the option's value, or {@code fallback} if absent */
    String value(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /**
     * @return the option's value as given
     * @throws UsageException if the option was not given or its value is empty
     */
    String string(String name) throws UsageException {
        String v = values.get(name);
        if (v == null || v.isEmpty()) {
            throw new UsageException(command, "option --" + name + " needs a value");
        }
        return v;
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
        String v = values.get(name);
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
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        float f;
        try {
            f = Float.parseFloat(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command, "option --" + name + " needs a number, got '" + v + "'");
        }
        if (!(f > 0) || Float.isInfinite(f)) {
            throw new UsageException(command, "option --" + name + " must be a positive number, got '" + v + "'");
        }
        return f;
    }
}
