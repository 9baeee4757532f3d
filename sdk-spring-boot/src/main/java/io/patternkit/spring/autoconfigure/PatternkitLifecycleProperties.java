package io.patternkit.spring.autoconfigure;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The lifecycle's drain on the context's shutdown, under {@code patternkit.lifecycle}. */
@ConfigurationProperties("patternkit.lifecycle")
public class PatternkitLifecycleProperties {
    /** Whether stopping the context runs the one drain of every Patternkit handle (default true). */
    private boolean enabled = true;
    /**
     * How long the whole drain may take. Unset: spring.lifecycle.timeout-per-shutdown-phase (30s by default) less
     * one second, so that the drain ends by itself before Spring stops waiting for it.
     */
    private Duration drainDeadline;

    /** @return whether the drain runs on the context's shutdown */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled whether the drain runs on the context's shutdown */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return the drain's deadline; null to derive it from Spring's shutdown phase timeout */
    public Duration getDrainDeadline() {
        return drainDeadline;
    }

    /** @param drainDeadline the drain's deadline */
    public void setDrainDeadline(Duration drainDeadline) {
        this.drainDeadline = drainDeadline;
    }
}
