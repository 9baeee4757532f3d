package io.patternkit.spring.autoconfigure;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the application reaches its Patternkit sidecar, under {@code patternkit.sidecar}. Unset properties keep the
 * SDK's defaults ({@link io.patternkit.core.SidecarConfig.Builder}); an unset URL is read from the environment as the
 * SDK does (the pattern's own variable, then {@code PATTERNKIT_SIDECAR_URL}, then the pattern's loopback default
 * port), and an unset token from {@code PATTERNKIT_API_TOKEN} or {@code PATTERNKIT_API_TOKEN_FILE}.
 */
@ConfigurationProperties("patternkit.sidecar")
public class PatternkitSidecarProperties {
    /** The sidecar's base URL, such as http://127.0.0.1:7300, for every pattern that sets no URL of its own. */
    private URI url;
    /** The shared API token the sidecar requires. Never logged. */
    private String apiToken;
    /** How long to wait for a connection to the sidecar (SDK default 2s). */
    private Duration connectTimeout;
    /** How long one call may take, long polls excepted (SDK default 10s). */
    private Duration callTimeout;
    /** How many times an idempotent call is retried on a transient failure, 0 to 10 (SDK default 3). */
    private Integer maxRetries;
    /** The first retry's backoff, growing exponentially with jitter (SDK default 100ms). */
    private Duration retryBackoff;

    /** @return the sidecar's base URL; null for the environment's */
    public URI getUrl() {
        return url;
    }

    /** @param url the sidecar's base URL */
    public void setUrl(URI url) {
        this.url = url;
    }

    /** @return the API token; null for the environment's */
    public String getApiToken() {
        return apiToken;
    }

    /** @param apiToken the API token */
    public void setApiToken(String apiToken) {
        this.apiToken = apiToken;
    }

    /** @return the connect timeout; null for the SDK default */
    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    /** @param connectTimeout the connect timeout */
    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /** @return the call timeout; null for the SDK default */
    public Duration getCallTimeout() {
        return callTimeout;
    }

    /** @param callTimeout the call timeout */
    public void setCallTimeout(Duration callTimeout) {
        this.callTimeout = callTimeout;
    }

    /** @return the retries of an idempotent call; null for the SDK default */
    public Integer getMaxRetries() {
        return maxRetries;
    }

    /** @param maxRetries the retries of an idempotent call */
    public void setMaxRetries(Integer maxRetries) {
        this.maxRetries = maxRetries;
    }

    /** @return the first retry's backoff; null for the SDK default */
    public Duration getRetryBackoff() {
        return retryBackoff;
    }

    /** @param retryBackoff the first retry's backoff */
    public void setRetryBackoff(Duration retryBackoff) {
        this.retryBackoff = retryBackoff;
    }
}
