package io.patternkit.sidecar.common;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The one way command-line options are checked: a failed check is a usage error (exit status 2) naming the option. */
public final class OptionChecks {
    private OptionChecks() {
    }

    /**
     * @param spec the command whose options are checked
     * @param condition what must hold
     * @param message what is wrong, naming the option, such as {@code --port must be 0 to 65535}
     * @throws ParameterException when {@code condition} is false
     */
    public static void require(CommandSpec spec, boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
