package io.patternkit.spring.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Patternkit's endpoints on the application's own web server (Spring MVC or WebFlux), under {@code patternkit.web}:
 * the scatter leaves of {@code @ScatterLeafHandler} methods are served there when the application has one, instead of
 * on a second server.
 */
@ConfigurationProperties("patternkit.web")
public class PatternkitWebProperties {
    /** Whether Patternkit's endpoints are served on the application's web server when it has one (false: on a Patternkit management server of their own). */
    private boolean enabled = true;
    /** The host name or address others (the scatter root sidecar) reach this application at; default server.address, or this machine's address when that is unset or a wildcard. */
    private String advertisedHost;
    /** The largest request body an endpoint reads; larger ones answer 413. */
    private DataSize maxBodySize = DataSize.ofMegabytes(1);

    /** @return whether the endpoints go on the web server */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled whether the endpoints go on the web server */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return the advertised host; null to derive it */
    public String getAdvertisedHost() {
        return advertisedHost;
    }

    /** @param advertisedHost the advertised host */
    public void setAdvertisedHost(String advertisedHost) {
        this.advertisedHost = advertisedHost;
    }

    /** @return the body cap */
    public DataSize getMaxBodySize() {
        return maxBodySize;
    }

    /** @param maxBodySize the body cap */
    public void setMaxBodySize(DataSize maxBodySize) {
        this.maxBodySize = maxBodySize;
    }
}
