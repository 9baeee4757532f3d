package io.patternkit.sidecar.ambassador;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The ambassador's settings.
 *
 * @param config the upstreams at start-up
 * @param file the config file, watched for changes; empty when every upstream came from {@code --upstream}
 * @param flagUpstreams the upstreams of {@code --upstream}, kept across reloads of the file
 * @param reloadInterval how often the file is checked for changes
 * @param dnsInterval how often {@code dns+} endpoints are resolved again
 * @param ca PEM certificates of the authorities trusted for {@code https} endpoints, or empty for the JVM's trust store
 */
public record AmbassadorSettings(AmbassadorConfig config, Optional<Path> file, List<UpstreamSpec> flagUpstreams,
                                 Duration reloadInterval, Duration dnsInterval, Optional<Path> ca) {
}
