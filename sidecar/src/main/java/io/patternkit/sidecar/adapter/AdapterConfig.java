package io.patternkit.sidecar.adapter;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.patternkit.sidecar.common.ConfigFile;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the adapter does for its app, as {@code --adapter-config FILE} holds it (JSON,
 * {@code {"checks": [ ... ]}}, each element a {@link CheckSpec}; read strictly by {@link ConfigFile}).
 *
 * @param checks the health checks, with unique names
 */
public record AdapterConfig(List<CheckSpec> checks) {
    /**
     * Checks that names are unique.
     *
     * @throws IllegalArgumentException when two checks share a name
     */
    @JsonCreator
    public AdapterConfig(@JsonProperty(value = "checks", required = true) List<CheckSpec> checks) {
        this.checks = List.copyOf(checks);
        Set<String> names = new HashSet<>();
        for (CheckSpec check : this.checks) {
            if (!names.add(check.name())) {
                throw new IllegalArgumentException("two checks are named " + check.name());
            }
        }
    }

    /**
     * @param file the config file
     * @return its config
     * @throws IllegalArgumentException when the file cannot be read or is invalid, naming the file and the member
     */
    public static AdapterConfig load(Path file) {
        return ConfigFile.read(file, AdapterConfig.class);
    }
}
