package io.patternkit.sidecar;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code patternkit-sidecar} executable: {@code run} serves any set of patterns in one process;
 * {@code workqueue}, {@code leader} and {@code scatter} are shorthands for one pattern on its own port.
 */
@Command(name = "patternkit-sidecar", mixinStandardHelpOptions = true, version = "patternkit-sidecar 0.1.0",
        description = "Runs a Patternkit pattern sidecar.", subcommands = {RunCommand.class, WorkQueueCommand.class, LeaderCommand.class, ScatterCommand.class})
public final class Main implements Runnable {
    /**
     * Netty's switch for its JFR events (buffer allocations). Netty loads the JDK's JFR classes whenever it may
     * emit them, about 140 classes and 2 MB of a sidecar's idle memory, so the sidecar turns them off unless the
     * command line sets this property ({@code -Dio.netty.jfr.enabled=true} to record them).
     */
    static final String NETTY_JFR_PROPERTY = "io.netty.jfr.enabled";

    @Spec
    CommandSpec spec;

    /** Without a subcommand, prints the usage. */
    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** @return the command line as {@link #main} runs it: usage errors exit 2, failures 1 */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("patternkit-sidecar: " + e.getMessage());
                    return 1;
                });
    }

    /**
     * Entry point.
     *
     * @param args the command line, such as {@code workqueue --port 0}
     */
    public static void main(String[] args) {
        if (System.getProperty(NETTY_JFR_PROPERTY) == null) {
            System.setProperty(NETTY_JFR_PROPERTY, "false");
        }
        int code = commandLine().execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
