package dev.graft.transfer.cli;

import java.io.PrintStream;
import java.util.List;

/** One subcommand of the {@code graft} command line; {@link Main} lists and dispatches them. */
interface Command {

    /** @return the word that selects this command, e.g. {@code demo} */
    String name();

    /** @return one line for the command list in {@code graft help} */
    String summary();

    /** @return the full usage text: a synopsis line, then one line per option */
    String usage();

    /**
     * Runs the command.
     *
     * @param args the arguments after the command's name
     * @param out where results go
     * @return the process exit status, 0 for success
     * @throws UsageException if {@code args} are not what the command accepts
     */
    int run(List<String> args, PrintStream out) throws UsageException;
}
