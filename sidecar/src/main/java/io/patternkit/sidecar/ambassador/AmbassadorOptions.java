package io.patternkit.sidecar.ambassador;

import static io.patternkit.sidecar.common.OptionChecks.require;

import io.patternkit.sidecar.common.DurationConverter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The ambassador's command-line options, mixed into {@code run}. */
public final class AmbassadorOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--upstream", paramLabel = "NAME=PORT:URL[,URL...]",
            description = "An upstream of one shard: the app calls http://127.0.0.1:PORT/..., the ambassador forwards to "
                + "one of the URLs (its replicas). Repeatable; shards, canaries and timeouts need --ambassador-config.")
    List<String> upstreams = new ArrayList<>();

    @Option(names = "--ambassador-config", paramLabel = "FILE",
            description = "JSON file of upstreams ({\"upstreams\": [...]}, see docs/ambassador.md); re-read when it changes.")
    Path configFile;

    @Option(names = "--ambassador-reload-interval", defaultValue = "2s", converter = DurationConverter.class,
            description = "How often --ambassador-config is checked for changes (default: ${DEFAULT-VALUE}).")
    Duration reloadInterval;

    @Option(names = "--ambassador-dns-interval", defaultValue = "5s", converter = DurationConverter.class,
            description = "How often dns+http[s]://NAME:PORT and registry://POOL endpoints are resolved again (default: ${DEFAULT-VALUE}).")
    Duration dnsInterval;

    @Option(names = "--ambassador-ca", paramLabel = "FILE",
            description = "PEM certificates of the authorities trusted for https endpoints (default: the JVM's trust store).")
    Path ca;

    /**
     * Checks the options and reads the config file.
     *
     * @return the settings
     * @throws ParameterException when an option or the file is invalid, naming the option, file and member
     */
    public AmbassadorSettings settings() {
        require(mixee, reloadInterval.toMillis() >= 100, "--ambassador-reload-interval must be at least 100ms");
        require(mixee, dnsInterval.toMillis() >= 100, "--ambassador-dns-interval must be at least 100ms");
        require(mixee, ca == null || Files.isReadable(ca), "--ambassador-ca " + ca + " cannot be read");
        List<UpstreamSpec> flags = new ArrayList<>();
        for (String upstream : upstreams) {
            try {
                flags.add(UpstreamSpec.parse(upstream));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(mixee.commandLine(), "--upstream " + e.getMessage());
            }
        }
        try {
            return new AmbassadorSettings(AmbassadorConfig.load(configFile, flags), Optional.ofNullable(configFile), flags,
                    reloadInterval, dnsInterval, Optional.ofNullable(ca));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), "--ambassador-config " + e.getMessage());
        }
    }
}
