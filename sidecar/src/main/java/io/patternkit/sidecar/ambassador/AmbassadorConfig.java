package io.patternkit.sidecar.ambassador;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.patternkit.sidecar.common.ConfigFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ambassador's upstreams, as {@code --ambassador-config FILE} holds them (JSON,
 * {@code {"upstreams": [ ... ]}}, each element an {@link UpstreamSpec}; durations written like the
 * command line's, {@code 500ms} or {@code 2s}) together with those of {@code --upstream}. Unknown
 * members are errors, so that a misspelt setting is not silently left at its default.
 *
 * @param upstreams the upstreams, with unique names and ports
 */
public record AmbassadorConfig(List<UpstreamSpec> upstreams) {
    /**
     * Checks that names and ports are unique.
     *
     * @param upstreams the upstreams, with unique names and ports
     * @throws IllegalArgumentException when two upstreams share a name or a port
     */
    @JsonCreator
    public AmbassadorConfig(@JsonProperty(value = "upstreams", required = true) List<UpstreamSpec> upstreams) {
        this.upstreams = List.copyOf(upstreams);
        Set<String> names = new HashSet<>();
        Set<Integer> ports = new HashSet<>();
        for (UpstreamSpec upstream : this.upstreams) {
            if (!names.add(upstream.name())) {
                throw new IllegalArgumentException("two upstreams are named " + upstream.name());
            }
            if (upstream.port() != 0 && !ports.add(upstream.port())) {
                throw new IllegalArgumentException("two upstreams listen on port " + upstream.port());
            }
        }
    }

    /**
     * Reads a config file and adds the upstreams given on the command line.
     *
     * @param file the JSON file, or null for none
     * @param more the upstreams of {@code --upstream}
     * @return the config
     * @throws IllegalArgumentException when the file cannot be read or is invalid, naming the file and the member
     */
    public static AmbassadorConfig load(Path file, List<UpstreamSpec> more) {
        List<UpstreamSpec> all = new ArrayList<>(more);
        if (file != null) {
            all.addAll(ConfigFile.read(file, AmbassadorConfig.class).upstreams());
        }
        return new AmbassadorConfig(all);
    }
}
