package dev.graft.transfer.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The {@code graft} command line. The first argument names a {@link Command}; the rest are its
 * options. Exit status: 0 on success, 1 when a command fails, 2 for a command line that is wrong
 * (the reason and the usage go to stderr).
 */
public final class Main {

    private Main() {
    }

    /**
     * Runs the command line and exits the JVM with its status.
     *
     * @param args the command name followed by its options
     */
    public static void main(String[] args) {
        // Plots are drawn off screen; without this a set DISPLAY would make Java2D try to reach it.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        int status = run(args, System.out, System.err);
        System.out.flush();
        System.exit(status);
    }

    /**
     * Runs the command line without exiting, for tests and embedding.
     *
     * @param args the command name followed by its options
     * @param out where results go
     * @param err where usage errors and failures go
     * @return the exit status
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<Command> commands = commands();
        if (args.length == 0) {
            err.print(overview(commands));
            return 2;
        }
        String name = args[0];
        if (name.equals("--help") || name.equals("-h")) {
            name = "help";
        }
        Command command = find(commands, name);
        try {
            if (command == null) {
                throw new UsageException(null, "unknown command '" + args[0] + "'");
            }
            List<String> rest = Arrays.asList(args).subList(1, args.length);
            if (rest.contains("--help") && !command.name().equals("help")) {
                out.println(command.usage());
                return 0;
            }
            return command.run(rest, out);
        } catch (UsageException e) {
            err.println("graft: " + e.getMessage());
            err.println();
            err.print(e.command() == null ? overview(commands) : e.command().usage() + System.lineSeparator());
            return 2;
        } catch (BadInputException e) {
            err.println("graft " + command.name() + ": " + e.getMessage());
            if (System.getenv("GRAFT_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return 2;
        } catch (CommandException e) {
            err.println("graft " + command.name() + ": " + e.getMessage());
            if (System.getenv("GRAFT_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return 1;
        } catch (RuntimeException | OutOfMemoryError | ExceptionInInitializerError e) {
            Throwable reason = e instanceof ExceptionInInitializerError && e.getCause() != null ? e.getCause() : e;
            err.println("graft " + command.name() + ": failed: " + reason);
            if (System.getenv("GRAFT_DEBUG") != null) {
                e.printStackTrace(err);
            } else {
                err.println("(set GRAFT_DEBUG=1 for the stack trace)");
            }
            return 1;
        }
    }

    private static List<Command> commands() {
        List<Command> commands = new ArrayList<>();
        commands.add(new DemoCommand());
        commands.add(new TextDemoCommand());
        commands.add(new EngineDemoCommand());
        commands.add(new FineTuneCommand());
        commands.add(new PredictCommand());
        commands.add(new InspectCommand());
        commands.add(new ExportCommand());
        commands.add(new OnnxTestCommand());
        commands.add(new HelpCommand(Collections.unmodifiableList(commands)));
        return commands;
    }

    static Command find(List<Command> commands, String name) {
        for (Command c : commands) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    static String overview(List<Command> commands) {
        StringBuilder sb = new StringBuilder();
        String nl = System.lineSeparator();
        sb.append("graft: pure-Java deep learning for transfer learning").append(nl).append(nl);
        sb.append("usage: graft <command> [options]").append(nl).append(nl);
        sb.append("commands:").append(nl);
        int width = 0;
        for (Command c : commands) {
            width = Math.max(width, c.name().length());
        }
        for (Command c : commands) {
            sb.append(String.format("  %-" + width + "s  %s", c.name(), c.summary())).append(nl);
        }
        sb.append(nl).append("Run 'graft help <command>' or 'graft <command> --help' for its options.").append(nl);
        return sb.toString();
    }
}
