package io.patternkit.sidecar.workqueue;

import io.patternkit.protocol.NameRule;

import static io.patternkit.sidecar.common.OptionChecks.require;

import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.common.DurationConverter;
import io.patternkit.sidecar.workqueue.exec.ExecSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Stack;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The work queue's command-line options, mixed into {@code workqueue} and {@code run}. */
public final class WorkQueueOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--max-item-bytes", defaultValue = "262144", description = "Largest serialised item payload in bytes (default: ${DEFAULT-VALUE}).")
    long maxItemBytes;

    @Option(names = "--backoff-base", defaultValue = "1s", converter = DurationConverter.class,
            description = "First nack backoff; doubles per attempt (default: ${DEFAULT-VALUE}).")
    Duration backoffBase;

    @Option(names = "--backoff-max", defaultValue = "5m", converter = DurationConverter.class,
            description = "Longest nack backoff (default: ${DEFAULT-VALUE}).")
    Duration backoffMax;

    @Option(names = "--dedup-window", defaultValue = "5m", converter = DurationConverter.class,
            description = "How long acked items keep deduplicating; they are purged a minute later (default: ${DEFAULT-VALUE}).")
    Duration dedupWindow;

    @Option(names = "--default-max-attempts", defaultValue = "5", description = "maxAttempts of items that do not say (default: ${DEFAULT-VALUE}).")
    int defaultMaxAttempts;

    @Option(names = "--exec-queue", paramLabel = "QUEUE",
            description = "Consume this queue in the sidecar and run the --exec command once per item.")
    String execQueue;

    @Option(names = "--exec-concurrency", paramLabel = "N", defaultValue = "1",
            description = "Most --exec commands running at once (default: ${DEFAULT-VALUE}).")
    int execConcurrency;

    @Option(names = "--exec-timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "Longest run of one --exec command: then SIGTERM, SIGKILL 5s later, and the item is "
                + "nacked for a retry with \"timed out after ...\" (default: ${DEFAULT-VALUE}).")
    Duration execTimeout;

    @Option(names = "--exec-visibility", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "Visibility timeout of the items --exec claims, extended at a third of it while the "
                + "command runs (default: ${DEFAULT-VALUE}).")
    Duration execVisibility;

    // Declared last: the synopsis lists options in declaration order, and --exec must come last.
    @Option(names = "--exec", paramLabel = "COMMAND", arity = "1..*", parameterConsumer = RestOfLine.class,
            description = {"The command run per item of --exec-queue, with its arguments: everything after --exec, "
                + "so it must come last. Run directly, without a shell; use sh -c 'SCRIPT' for one. Environment: "
                + "WORK_ITEM_ID, WORK_ITEM_ATTEMPT (1 on the first delivery), WORK_ITEM_FILE (the item's fileRef), "
                + "WORK_ITEM_PAYLOAD_FILE (a temporary file holding the JSON payload, deleted afterwards).",
                "Exit status (sysexits.h): 0 acks the item; 65 (EX_DATAERR) dead-letters it at once; "
                + "75 (EX_TEMPFAIL) or any other status nacks it for a retry with backoff. The reason kept with "
                + "the item is \"exit status N: <last stderr line>\"."})
    List<String> execCommand;

    /**
     * Checks the options.
     *
     * @param maxBodyBytes the host's body limit, which an item's payload must fit in
     * @return the settings
     * @throws ParameterException when an option is out of range or {@code --exec} is misused
     */
    public WorkQueueSettings settings(long maxBodyBytes) {
        require(mixee, maxItemBytes >= 1 && maxItemBytes <= maxBodyBytes, "--max-item-bytes must be 1 to --max-body-bytes");
        require(mixee, backoffBase.toMillis() >= 1 && backoffBase.toMillis() <= Backoff.MAX_BASE_MS, "--backoff-base must be 1ms to 1d");
        require(mixee, backoffMax.compareTo(backoffBase) >= 0, "--backoff-max must not be less than --backoff-base");
        require(mixee, defaultMaxAttempts >= 1 && defaultMaxAttempts <= 1000, "--default-max-attempts must be 1 to 1000");
        return new WorkQueueSettings(maxItemBytes, backoffBase, backoffMax, dedupWindow, defaultMaxAttempts, exec());
    }

    private Optional<ExecSettings> exec() {
        if (execQueue == null) {
            require(mixee, execCommand == null, "--exec needs --exec-queue, the queue whose items it runs on");
            for (String option : List.of("--exec-concurrency", "--exec-timeout", "--exec-visibility")) {
                require(mixee, !mixee.commandLine().getParseResult().hasMatchedOption(option), option + " needs --exec-queue and --exec");
            }
            return Optional.empty();
        }
        require(mixee, execCommand != null, "--exec-queue needs --exec, the command to run per item");
        require(mixee, NameRule.QUEUE.matches(execQueue), "--exec-queue must be " + NameRule.QUEUE.rule());
        require(mixee, execConcurrency >= 1 && execConcurrency <= Wire.MAX_BATCH, "--exec-concurrency must be 1 to " + Wire.MAX_BATCH);
        require(mixee, execTimeout.toMillis() >= 1, "--exec-timeout must be at least 1ms");
        require(mixee, execVisibility.toMillis() >= 3 && execVisibility.toMillis() <= Wire.MAX_VISIBILITY_MS,
                "--exec-visibility must be 3ms to 12h");
        return Optional.of(new ExecSettings(execQueue, execCommand, execConcurrency, execTimeout, execVisibility,
                ExecSettings.DEFAULT_KILL_GRACE));
    }

    /**
     * Takes every remaining argument as the value of {@code --exec} (so a command's own options,
     * even {@code -h} or {@code --port}, stay the command's), dropping a leading {@code --}.
     */
    static final class RestOfLine implements IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
            List<String> command = new ArrayList<>();
            while (!args.isEmpty()) {
                command.add(args.pop());
            }
            if (!command.isEmpty() && command.get(0).equals("--")) {
                command.remove(0);
            }
            if (command.isEmpty() || command.get(0).isEmpty()) {
                throw new ParameterException(commandSpec.commandLine(), "--exec needs a command, such as --exec sh -c 'SCRIPT'");
            }
            argSpec.setValue(command);
        }
    }
}
