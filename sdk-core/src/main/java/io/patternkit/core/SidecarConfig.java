package io.patternkit.core;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.patternkit.core.internal.ApiTokens;
import io.patternkit.protocol.Wire;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Immutable settings of a client's connection to one pattern sidecar: where it is, the API token,
 * timeouts, retries, circuit breaker thresholds, metrics and the clock. Build with {@link #builder()};
 * share one instance (and the client made from it) across the application.
 *
 * <p>Discovery follows the Patternkit convention: {@link Builder#fromEnvironment(String, int)} reads the
 * pattern's URL variable (such as {@link Wire#ENV_WORKQUEUE_URL}), else {@link Wire#ENV_SIDECAR_URL}
 * (the one sidecar that serves every pattern beside the app), else the pattern's default loopback
 * port; and {@link Wire#ENV_API_TOKEN} or {@link Wire#ENV_API_TOKEN_FILE}. Settings given explicitly
 * on the builder win over the environment.
 */
public final class SidecarConfig {
    private final URI baseUrl;
    private final String apiToken;
    private final String urlVariable;
    private final Duration connectTimeout;
    private final Duration callTimeout;
    private final int maxRetries;
    private final Duration retryBackoff;
    private final int circuitBreakerFailureRate;
    private final int circuitBreakerWindow;
    private final Duration circuitBreakerOpenDuration;
    private final int maxAsyncCalls;
    private final MeterRegistry meterRegistry;
    private final ObservationRegistry observationRegistry;
    private final Clock clock;
    private final Path trustedCertificates;

    private SidecarConfig(Builder b, URI baseUrl, String apiToken, Path trustedCertificates) {
        this.trustedCertificates = trustedCertificates;
        this.baseUrl = baseUrl;
        this.apiToken = apiToken;
        this.urlVariable = b.resolvedUrlVariable();
        this.connectTimeout = b.connectTimeout;
        this.callTimeout = b.callTimeout;
        this.maxRetries = b.maxRetries;
        this.retryBackoff = b.retryBackoff;
        this.circuitBreakerFailureRate = b.circuitBreakerFailureRate;
        this.circuitBreakerWindow = b.circuitBreakerWindow;
        this.circuitBreakerOpenDuration = b.circuitBreakerOpenDuration;
        this.maxAsyncCalls = b.maxAsyncCalls;
        this.meterRegistry = b.meterRegistry != null ? b.meterRegistry : new SimpleMeterRegistry();
        this.observationRegistry = b.observationRegistry;
        this.clock = b.clock;
    }

    /** @return a builder with the defaults documented on each of its methods */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the sidecar's base URL, without a trailing slash, such as {@code http://127.0.0.1:7311} */
    public URI baseUrl() {
        return baseUrl;
    }

    /**
     * @return the PEM file of the certificate authorities trusted for an {@code https} sidecar, or empty for the
     *     JVM's trust store
     */
    public Optional<Path> trustedCertificates() {
        return Optional.ofNullable(trustedCertificates);
    }

    /** @return the API token sent as {@code Authorization: Bearer}, or empty when none is configured */
    public Optional<String> apiToken() {
        return Optional.ofNullable(apiToken);
    }

    /**
     * @return the environment variable the base URL was discovered from (the pattern's own, or
     *     {@link Wire#ENV_SIDECAR_URL} when only that one was set; the pattern's own when neither was
     *     and the default port is used), or empty when the URL was set explicitly
     */
    public Optional<String> urlVariable() {
        return Optional.ofNullable(urlVariable);
    }

    /** @return the TCP connect timeout */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** @return the timeout of one HTTP call, including reading the answer; long-polls add their wait */
    public Duration callTimeout() {
        return callTimeout;
    }

    /** @return how many times an idempotent call is retried after a retryable failure (0 = never) */
    public int maxRetries() {
        return maxRetries;
    }

    /** @return the first retry's delay; later ones double, with jitter */
    public Duration retryBackoff() {
        return retryBackoff;
    }

    /** @return the failure percentage (1 to 100) over the window at which the circuit breaker opens */
    public int circuitBreakerFailureRate() {
        return circuitBreakerFailureRate;
    }

    /** @return the number of recent calls the circuit breaker looks at (also the minimum before it can open) */
    public int circuitBreakerWindow() {
        return circuitBreakerWindow;
    }

    /** @return how long the circuit breaker stays open before letting trial calls through */
    public Duration circuitBreakerOpenDuration() {
        return circuitBreakerOpenDuration;
    }

    /**
     * @return the most asynchronous calls (long-polls aside) the client has in flight at once; later ones wait their
     *     turn in the order they were made
     */
    public int maxAsyncCalls() {
        return maxAsyncCalls;
    }

    /** @return the registry the client's meters are registered in */
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    /** @return where each call is observed ({@link SidecarCallContext}); {@link ObservationRegistry#NOOP} by default */
    public ObservationRegistry observationRegistry() {
        return observationRegistry;
    }

    /** @return the clock used to interpret absolute times (such as an HTTP-date {@code Retry-After}) */
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "SidecarConfig{baseUrl=" + baseUrl + ", apiToken=" + (apiToken == null ? "none" : "<redacted>")
                + ", connectTimeout=" + connectTimeout + ", callTimeout=" + callTimeout + ", maxRetries="
                + maxRetries + ", retryBackoff=" + retryBackoff + '}';
    }

    /**
     * Builder of {@link SidecarConfig}. Not thread-safe; each setter validates its argument at once and
     * throws {@link IllegalArgumentException} (or {@link NullPointerException} for null) with a message
     * that names the setting.
     */
    public static final class Builder {
        private URI baseUrl;
        private String apiToken;
        private String urlVariable;
        private int defaultPort;
        private Function<String, String> environment = System::getenv;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration callTimeout = Duration.ofSeconds(10);
        private int maxRetries = 3;
        private Duration retryBackoff = Duration.ofMillis(100);
        private int circuitBreakerFailureRate = 50;
        private int circuitBreakerWindow = 20;
        private Duration circuitBreakerOpenDuration = Duration.ofSeconds(5);
        private int maxAsyncCalls = 64;
        private MeterRegistry meterRegistry;
        private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;
        private Clock clock = Clock.systemUTC();
        private Path trustedCertificates;

        private Builder() {
        }

        /**
         * Sets the sidecar's base URL explicitly; it wins over the environment.
         *
         * @param baseUrl {@code http://host:port} or {@code https://host:port}, optionally with a path prefix
         * @return this builder
         * @throws IllegalArgumentException when the URL is not http(s) with a host
         */
        public Builder baseUrl(URI baseUrl) {
            this.baseUrl = validateUrl(Objects.requireNonNull(baseUrl, "baseUrl"), "baseUrl");
            return this;
        }

        /**
         * Sets the API token explicitly; it wins over {@code PATTERNKIT_API_TOKEN(_FILE)}.
         *
         * @param apiToken the sidecar's shared token; not blank, no line breaks
         * @return this builder
         */
        public Builder apiToken(String apiToken) {
            this.apiToken = validateToken(Objects.requireNonNull(apiToken, "apiToken"), "apiToken");
            return this;
        }

        /**
         * Discovers unset settings from the environment when {@link #build()} runs: the base URL from
         * {@code urlVariable}, else from {@link Wire#ENV_SIDECAR_URL} (the one sidecar beside the app,
         * {@code patternkit-sidecar run}), else {@code http://127.0.0.1:<defaultPort>}; the token from
         * {@link Wire#ENV_API_TOKEN} or else the file named by {@link Wire#ENV_API_TOKEN_FILE}; the trusted
         * authorities of an {@code https} sidecar from the file named by {@link Wire#ENV_SIDECAR_CA_FILE}.
         *
         * @param urlVariable the pattern's URL variable, such as {@link Wire#ENV_WORKQUEUE_URL}
         * @param defaultPort the pattern's default loopback port, such as {@link Wire#DEFAULT_WORKQUEUE_PORT}
         * @return this builder
         */
        public Builder fromEnvironment(String urlVariable, int defaultPort) {
            if (defaultPort < 1 || defaultPort > 65535) {
                throw new IllegalArgumentException("defaultPort must be 1..65535, got " + defaultPort);
            }
            this.urlVariable = Objects.requireNonNull(urlVariable, "urlVariable");
            this.defaultPort = defaultPort;
            return this;
        }

        /**
         * Trusts the certificate authorities in a PEM file (one or more certificates) for an {@code https} sidecar,
         * instead of the JVM's trust store; the sidecar's host name is verified against its certificate (RFC 6125).
         * For a sidecar that serves TLS with a certificate from a private CA, such as cert-manager's.
         *
         * @param pemFile the PEM file, read when the client is built; not null
         * @return this builder
         */
        public Builder trustedCertificates(Path pemFile) {
            this.trustedCertificates = Objects.requireNonNull(pemFile, "pemFile");
            return this;
        }

        /**
         * Replaces the environment lookup used by {@link #fromEnvironment(String, int)}; for tests and for
         * frameworks with their own property sources. Default {@link System#getenv(String)}.
         *
         * @param environment maps a variable name to its value, or to null when unset
         * @return this builder
         */
        public Builder environment(Function<String, String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /**
         * @param connectTimeout TCP connect timeout, positive; default 2 s
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * @param callTimeout timeout of one HTTP call, positive; default 10 s. Long-polls get their wait on top.
         * @return this builder
         */
        public Builder callTimeout(Duration callTimeout) {
            this.callTimeout = positive(callTimeout, "callTimeout");
            return this;
        }

        /**
         * @param maxRetries retries of an idempotent call after a retryable failure, 0 to 10; default 3
         * @return this builder
         */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0 || maxRetries > 10) {
                throw new IllegalArgumentException("maxRetries must be 0..10, got " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /**
         * @param retryBackoff first retry delay, positive; doubled per retry with 50% jitter; default 100 ms.
         *     A {@code Retry-After} from the sidecar replaces it for that retry.
         * @return this builder
         */
        public Builder retryBackoff(Duration retryBackoff) {
            this.retryBackoff = positive(retryBackoff, "retryBackoff");
            return this;
        }

        /**
         * @param percent failure percentage at which the circuit breaker opens, 1 to 100; default 50
         * @return this builder
         */
        public Builder circuitBreakerFailureRate(int percent) {
            if (percent < 1 || percent > 100) {
                throw new IllegalArgumentException("circuitBreakerFailureRate must be 1..100, got " + percent);
            }
            this.circuitBreakerFailureRate = percent;
            return this;
        }

        /**
         * @param calls number of recent calls judged, and the minimum before the breaker may open, 1 to 1000;
         *     default 20
         * @return this builder
         */
        public Builder circuitBreakerWindow(int calls) {
            if (calls < 1 || calls > 1000) {
                throw new IllegalArgumentException("circuitBreakerWindow must be 1..1000, got " + calls);
            }
            this.circuitBreakerWindow = calls;
            return this;
        }

        /**
         * How long the circuit breaker stays open before it lets one trial call through (resilience4j's half-open
         * state); its answer closes the breaker or opens it again. A long-poll (a claim or watch that may park) is
         * never that trial: it sends a liveness probe ({@code GET /healthz/live}) as the trial first.
         *
         * @param openDuration how long the breaker stays open before the trial call, positive; default 5 s
         * @return this builder
         */
        public Builder circuitBreakerOpenDuration(Duration openDuration) {
            this.circuitBreakerOpenDuration = positive(openDuration, "circuitBreakerOpenDuration");
            return this;
        }

        /**
         * The most asynchronous calls (such as {@code enqueueAsync} or {@code renewLeadership}) the client has in
         * flight at once, each on a thread of its own and a connection of its own; later calls wait their turn in
         * the order they were made, and their call timeout starts only when their turn comes. As OkHttp's
         * {@code Dispatcher.setMaxRequests} (64) and the AWS SDK's {@code maxConcurrency} (50) do, this keeps a loop
         * of asynchronous calls from opening a thread and a connection per call, more than the sidecar admits
         * ({@code --max-connections}, 1,024 by default). Long-polls (a claim or a watch that may park) are not
         * counted: each holds its own thread for as long as it parks, and waiting behind parked calls would stall
         * the rest. The futures complete on other threads than the calls', so a callback that waits for another
         * asynchronous call of the same client holds no place while it waits.
         *
         * @param calls the most asynchronous calls in flight at once, 1 to 512; default 64
         * @return this builder
         */
        public Builder maxAsyncCalls(int calls) {
            if (calls < 1 || calls > 512) {
                throw new IllegalArgumentException("maxAsyncCalls must be 1..512, got " + calls);
            }
            this.maxAsyncCalls = calls;
            return this;
        }

        /**
         * @param meterRegistry where the client's meters go; default a private {@code SimpleMeterRegistry}
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /**
         * @param observationRegistry where each call, retries included, is observed as a {@link SidecarCallContext}
         *     (Micrometer Observation: timers, traces, logs, as the registry's handlers make them; a tracing handler
         *     propagates the trace to the sidecar in the call's headers); default {@link ObservationRegistry#NOOP}
         * @return this builder
         */
        public Builder observationRegistry(ObservationRegistry observationRegistry) {
            this.observationRegistry = Objects.requireNonNull(observationRegistry, "observationRegistry");
            return this;
        }

        /**
         * @param clock the clock for absolute times; default {@link Clock#systemUTC()}
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Resolves the environment (when asked to) and freezes the settings.
         *
         * @return the configuration
         * @throws IllegalArgumentException when no base URL is set and none can be discovered, when the
         *     environment holds a malformed URL or token, or when the token file cannot be read
         */
        public SidecarConfig build() {
            Path ca = trustedCertificates;
            if (ca == null && urlVariable != null && env(Wire.ENV_SIDECAR_CA_FILE) != null) {
                ca = Path.of(env(Wire.ENV_SIDECAR_CA_FILE));
            }
            return new SidecarConfig(this, resolveUrl(), resolveToken(), ca);
        }

        private URI resolveUrl() {
            if (baseUrl != null) {
                return baseUrl;
            }
            if (urlVariable == null) {
                throw new IllegalArgumentException(
                        "baseUrl is required: call baseUrl(URI) or fromEnvironment(urlVariable, defaultPort)");
            }
            String variable = resolvedUrlVariable();
            String value = env(variable);
            if (value == null) {
                return URI.create("http://127.0.0.1:" + defaultPort);
            }
            try {
                return validateUrl(new URI(value), variable);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(
                        variable + " must be http(s)://host:port, got '" + value + "' (" + e.getMessage() + ")", e);
            }
        }

        /** The pattern's own variable when set (or when neither is), else the one sidecar's; null without discovery. */
        private String resolvedUrlVariable() {
            if (baseUrl != null || urlVariable == null) {
                return null;
            }
            return env(urlVariable) == null && env(Wire.ENV_SIDECAR_URL) != null ? Wire.ENV_SIDECAR_URL : urlVariable;
        }

        private String resolveToken() {
            if (apiToken != null || urlVariable == null) {
                return apiToken;
            }
            return ApiTokens.fromEnvironment(environment).orElse(null);
        }

        private String env(String name) {
            String value = environment.apply(name);
            return value == null || value.isBlank() ? null : value.strip();
        }

        private static URI validateUrl(URI url, String what) {
            String scheme = url.getScheme();
            boolean ok = ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
                    && url.getHost() != null && url.getRawQuery() == null && url.getRawFragment() == null
                    && url.getRawUserInfo() == null;
            if (!ok) {
                throw new IllegalArgumentException(what + " must be http(s)://host:port, got '" + url + "'");
            }
            String s = url.toString();
            return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : url;
        }

        private static String validateToken(String token, String what) {
            return ApiTokens.validate(token, what);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }
    }
}
