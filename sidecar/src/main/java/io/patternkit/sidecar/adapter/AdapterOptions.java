package io.patternkit.sidecar.adapter;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The adapter's command-line options, mixed into {@code run}. */
public final class AdapterOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--adapter-config", paramLabel = "FILE",
            description = "JSON file of the adapter's health checks, SQL metrics and statsd receiver (see docs/adapter.md).")
    Path configFile;

    /**
     * Reads the config file.
     *
     * @return the config; no checks without a file
     * @throws ParameterException when the file is invalid, naming the file and the member
     */
    public AdapterConfig config() {
        if (configFile == null) {
            return AdapterConfig.EMPTY;
        }
        try {
            return AdapterConfig.load(configFile);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), "--adapter-config " + e.getMessage());
        }
    }
}
