package dev.graft.transfer.cli;

import java.io.PrintStream;
import java.util.List;

/** {@code graft help [command]}: the command list, or one command's usage. */
final class HelpCommand implements Command {
    private final List<Command> commands;

    HelpCommand(List<Command> commands) {
        this.commands = commands;
    }

    @Override
    public String name() {
        return "help";
    }

    @Override
    public String summary() {
        return "show this help, or one command's options: graft help <command>";
    }

    @Override
    public String usage() {
        return "usage: graft help [command]";
    }

    @Override
    public int run(List<String> args, PrintStream out) throws UsageException {
        if (args.isEmpty()) {
            out.print(Main.overview(commands));
            return 0;
        }
        if (args.size() > 1) {
            throw new UsageException(this, "help takes at most one command name");
        }
        Command c = Main.find(commands, args.get(0));
        if (c == null) {
            throw new UsageException(null, "unknown command '" + args.get(0) + "'");
        }
        out.println(c.usage());
        return 0;
    }
}
