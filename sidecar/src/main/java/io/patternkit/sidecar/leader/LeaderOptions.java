package io.patternkit.sidecar.leader;

import io.patternkit.protocol.NameRule;

import static io.patternkit.sidecar.common.OptionChecks.require;

import io.patternkit.sidecar.common.DurationConverter;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Leader election's command-line options, mixed into {@code leader} and {@code run}. */
public final class LeaderOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--lease-duration", defaultValue = "15s", converter = DurationConverter.class,
            description = "How long other candidates wait after the holder's last renew before taking over (default: ${DEFAULT-VALUE}).")
    Duration leaseDuration;

    @Option(names = "--renew-deadline", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long after its last successful renew a holder still counts as leader; shorter than "
                + "--lease-duration (default: ${DEFAULT-VALUE}).")
    Duration renewDeadline;

    @Option(names = "--retry-period", defaultValue = "2s", converter = DurationConverter.class,
            description = "How often holders renew and candidates retry; shorter than --renew-deadline (default: ${DEFAULT-VALUE}).")
    Duration retryPeriod;

    @Option(names = "--election", defaultValue = "default",
            description = "The election GET / reports, and the sidecar campaigns in with --id (default: ${DEFAULT-VALUE}).")
    String election;

    @Option(names = "--id", description = "Campaign in --election as this candidate, renewing on its own "
            + "(the leader-elector drop-in; apps then only read GET /).")
    String id;

    /**
     * Checks the options against client-go's rules and the wire's name rules.
     *
     * @return the settings
     * @throws ParameterException when an option is out of range
     */
    public LeaderSettings settings() {
        require(mixee, NameRule.ELECTION.matches(election), "--election must be " + NameRule.ELECTION.rule());
        require(mixee, id == null || NameRule.CANDIDATE_ID.matches(id), "--id must be " + NameRule.CANDIDATE_ID.rule());
        try {
            return new LeaderSettings(new LeaderTiming(leaseDuration, renewDeadline, retryPeriod), election, Optional.ofNullable(id));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), e.getMessage());
        }
    }
}
