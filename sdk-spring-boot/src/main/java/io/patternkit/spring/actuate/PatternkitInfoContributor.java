package io.patternkit.spring.actuate;

import io.patternkit.spring.StatusContributor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * Adds {@code patternkit} to {@code /actuator/info}: what the {@link PatternkitEndpoint} shows, without asking the
 * sidecars (info must stay cheap).
 */
public class PatternkitInfoContributor implements InfoContributor {
    private final List<StatusContributor> contributors;

    /** @param contributors the patterns' parts, in order */
    public PatternkitInfoContributor(List<StatusContributor> contributors) {
        this.contributors = List.copyOf(Objects.requireNonNull(contributors, "contributors"));
    }

    @Override
    public void contribute(Info.Builder builder) {
        Map<String, Object> all = new LinkedHashMap<>();
        contributors.forEach(c -> all.put(c.name(), c.status(false)));
        builder.withDetail("patternkit", all);
    }
}
