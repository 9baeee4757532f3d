package io.patternkit.management;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.patternkit.core.internal.ApiTokens;
import io.patternkit.management.internal.EmbeddedHttpServer;
import io.patternkit.server.security.AuthFailureLimiter;
import io.patternkit.server.security.CertificateReloader;
import io.patternkit.server.security.Loopback;
import io.patternkit.server.security.TlsFiles;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The in-app management server: a small embedded HTTP server (Vert.x core underneath) that the
 * application runs so that sidecars and orchestrators can call <em>into</em> it: the scatter/gather leaf
 * endpoint ({@code io.patternkit.scatter.ScatterLeaf}), the drain and the upward API of the single-container
 * management pattern ({@link LifecycleEndpoints}, {@link ThreadsEndpoint}, {@link ProfileEndpoint},
 * {@link ConfigEndpoint}, {@link MetricsEndpoint}, {@link LogsEndpoint}), each mounted by the application. Follows the sidecars' conventions: binds {@code 127.0.0.1} unless told otherwise, caps request
 * bodies (413), requires {@code Authorization: Bearer <token>} compared in constant time when a token is
 * configured (401), refuses JSON bodies that are not well-formed UTF-8 (400), answers a request line or
 * headers too long with 414 or 431, closes a connection that does not deliver its first request's line and
 * headers within the read timeout (30 s) of opening, or a request's body within the read timeout of its headers, or
 * that carries no HTTP message for the idle timeout (10 minutes; a later request's line and headers on a kept-alive
 * connection among them, so a client sending those a byte at a time holds its connection that long), closes
 * connections beyond the cap (256) as they open, those from off loopback once all but an eighth of it are open, and answers every error as RFC 9457 {@code application/problem+json}.
 *
 * <p>Strangers: a server bound to an address that is not loopback serves HTTPS from PEM files
 * ({@link Builder#tls}), reading them again every 30 s so that a rotated certificate is served without a restart,
 * unless told that the network encrypts for it ({@link Builder#insecurePlaintext}); a remote address that fails
 * authentication more than 10 times a minute gets 429 until the minute turns ({@link Builder#authFailureLimit};
 * loopback is never limited). Failures are counted in {@link #AUTH_FAILURES}, refusals in {@link #AUTH_REFUSED}.
 *
 * <p>Lifecycle as in Testcontainers: {@link #start()}, then {@link #close()} (try-with-resources works).
 * Endpoints are {@link #mount mounted} on exact paths, before or after start. Its event-loop thread is not
 * a daemon: close the server at shutdown (a JVM shutdown hook or the framework's lifecycle).
 *
 * <pre>{@code
 * try (ManagementServer server = ManagementServer.builder().fromEnvironment().build().start()) {
 *     System.out.println("serving on " + server.baseUrl());
 * }
 * }</pre>
 *
 * <p>Metrics: timer {@link #REQUESTS} tagged {@code method}, {@code route} (the mounted path, or
 * {@code unmatched}) and {@code status}. Thread-safe.
 */
public final class ManagementServer implements EndpointHost, AutoCloseable {
    /** Environment variable: the address to bind, such as {@code 0.0.0.0} or a pod IP in Kubernetes. */
    public static final String ENV_HOST = "PATTERNKIT_MANAGEMENT_HOST";
    /** Environment variable: the port to bind; 0 for an ephemeral one. */
    public static final String ENV_PORT = "PATTERNKIT_MANAGEMENT_PORT";
    /** Environment variable: the host other machines use to reach this server when it binds a wildcard. */
    public static final String ENV_ADVERTISED_HOST = "PATTERNKIT_MANAGEMENT_ADVERTISED_HOST";
    /** Environment variable: the PEM certificate chain to serve HTTPS with (needs {@value #ENV_TLS_KEY}). */
    public static final String ENV_TLS_CERT = "PATTERNKIT_MANAGEMENT_TLS_CERT";
    /** Environment variable: the PEM private key of {@value #ENV_TLS_CERT}. */
    public static final String ENV_TLS_KEY = "PATTERNKIT_MANAGEMENT_TLS_KEY";
    /** Environment variable: {@code true} allows plain HTTP on an address that is not loopback. */
    public static final String ENV_INSECURE_PLAINTEXT = "PATTERNKIT_MANAGEMENT_INSECURE_PLAINTEXT";
    /** Timer of every request served. */
    public static final String REQUESTS = "patternkit.management.requests";
    /** Counter of requests refused with 401: no or a wrong bearer token. */
    public static final String AUTH_FAILURES = "patternkit.management.auth.failures";
    /** Counter of requests refused with 429 because their address failed authentication too often. */
    public static final String AUTH_REFUSED = "patternkit.management.auth.refused";

    private final EmbeddedHttpServer server;
    private final String host;
    private final String advertisedHost;
    private final boolean tls;

    private ManagementServer(Builder b, String host, int port, String token, String advertisedHost, Optional<TlsFiles> tls) {
        this.host = host;
        this.advertisedHost = advertisedHost;
        this.tls = tls.isPresent();
        this.server = new EmbeddedHttpServer(new EmbeddedHttpServer.Settings(host, port, b.maxBodyBytes, token,
                b.workerThreads, b.readTimeout, b.idleTimeout, b.maxConnections, tls, b.tlsReloadInterval, b.authFailures),
                b.meterRegistry != null ? b.meterRegistry : new SimpleMeterRegistry());
    }

    /** @return a builder with the defaults documented on its methods */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds and starts serving; blocks until the socket is bound.
     *
     * @return this server
     * @throws IllegalStateException when it was started before, or was closed
     * @throws java.io.UncheckedIOException when the address cannot be bound (port in use, address unknown)
     */
    public ManagementServer start() {
        server.start();
        return this;
    }

    @Override
    public Mount mount(String path, ManagementEndpoint endpoint) {
        EndpointHost.requireMountPath(path);
        Objects.requireNonNull(endpoint, "endpoint");
        server.mount(path, endpoint);
        return () -> server.unmount(path, endpoint);
    }

    /**
     * @return the bound port (the actual one when configured as 0)
     * @throws IllegalStateException when the server is not running
     */
    public int port() {
        return server.port();
    }

    /** @return the bind address, such as {@code 127.0.0.1} or {@code 0.0.0.0} */
    public String host() {
        return host;
    }

    /**
     * @return {@code http://<advertised host>:<port>} ({@code https} when serving TLS), the URL others should use
     *     to reach this server: the bind address, or for a wildcard bind the advertised host (see
     *     {@link Builder#advertisedHost})
     * @throws IllegalStateException when the server is not running
     */
    @Override
    public URI baseUrl() {
        String h = advertisedHost.contains(":") ? "[" + advertisedHost + "]" : advertisedHost;
        return URI.create((tls ? "https" : "http") + "://" + h + ":" + port());
    }

    /** @return true between a successful {@link #start()} and {@link #close()} */
    @Override
    public boolean isRunning() {
        return server.isRunning();
    }

    /** @return true when requests must carry the configured bearer token */
    public boolean requiresToken() {
        return server.requiresToken();
    }

    /**
     * Stops accepting connections, closes the open ones (their requests see
     * {@link ManagementRequest#whenClosed()} complete) and releases the threads. Idempotent.
     */
    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "ManagementServer{host=" + host + ", advertisedHost=" + advertisedHost + ", running=" + isRunning()
                + ", token=" + (requiresToken() ? "<redacted>" : "none") + '}';
    }

    /**
     * Builder of {@link ManagementServer}. Not thread-safe; setters validate at once and throw
     * {@link IllegalArgumentException} naming the setting. Explicit settings win over the environment.
     */
    public static final class Builder {
        private String host;
        private Integer port;
        private String apiToken;
        private String advertisedHost;
        private int maxBodyBytes = 1024 * 1024;
        private int workerThreads = 16;
        private Duration readTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ofMinutes(10);
        private int maxConnections = 256;
        private MeterRegistry meterRegistry;
        private TlsFiles tlsFiles;
        private Duration tlsReloadInterval = CertificateReloader.DEFAULT_INTERVAL;
        private Boolean insecurePlaintext;
        private AuthFailureLimiter.Settings authFailures = AuthFailureLimiter.Settings.DEFAULT;
        private boolean fromEnvironment;
        private Function<String, String> environment = System::getenv;

        private Builder() {
        }

        /**
         * @param host the address to bind; default {@code 127.0.0.1}. In Kubernetes, leaves that the root
         *     reaches over the pod network bind {@code 0.0.0.0} or the pod IP.
         * @return this builder
         */
        public Builder host(String host) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            this.host = host.strip();
            return this;
        }

        /**
         * @param port the port, 0..65535; default 0 (ephemeral, read it with {@link ManagementServer#port()})
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * @param apiToken the token requests must carry as {@code Authorization: Bearer}; not blank, no
         *     control characters. Default: none, or the environment's (see {@link #fromEnvironment()}).
         * @return this builder
         */
        public Builder apiToken(String apiToken) {
            this.apiToken = ApiTokens.validate(Objects.requireNonNull(apiToken, "apiToken"), "apiToken");
            return this;
        }

        /**
         * @param advertisedHost the host name or address others use to reach this server, used by
         *     {@link ManagementServer#baseUrl()} (and so in scatter leaf registrations). Default: the bind
         *     address, or for a wildcard bind ({@code 0.0.0.0}, {@code ::}) this machine's address from
         *     {@link java.net.InetAddress#getLocalHost()} (in Kubernetes, the pod IP).
         * @return this builder
         */
        public Builder advertisedHost(String advertisedHost) {
            Objects.requireNonNull(advertisedHost, "advertisedHost");
            if (advertisedHost.isBlank()) {
                throw new IllegalArgumentException("advertisedHost must not be blank");
            }
            this.advertisedHost = advertisedHost.strip();
            return this;
        }

        /**
         * @param bytes the largest request body accepted, 1 byte to 64 MiB; default 1 MiB. Larger bodies get
         *     413 {@code payload-too-large} and the connection is closed.
         * @return this builder
         */
        public Builder maxBodySize(int bytes) {
            if (bytes < 1 || bytes > 64 * 1024 * 1024) {
                throw new IllegalArgumentException("maxBodySize must be 1..67108864 bytes, got " + bytes);
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /**
         * @param threads how many endpoint calls run at once, 1..1024; default 16. Up to 1000 more wait;
         *     beyond that the server answers 503 with {@code Retry-After}.
         * @return this builder
         */
        public Builder workerThreads(int threads) {
            if (threads < 1 || threads > 1024) {
                throw new IllegalArgumentException("workerThreads must be 1..1024, got " + threads);
            }
            this.workerThreads = threads;
            return this;
        }

        /**
         * @param timeout how long a new connection may take to deliver its first request's line and headers, and
         *     any request its body once its headers are in, 1 ms to 10 minutes; default 30 s. A client that stops
         *     sending mid-request, or sends a new connection's first request a byte at a time (a slowloris), loses
         *     its connection; one whose body has not arrived whole by then is answered 408 {@code request-timeout}
         *     first, and what still arrives of the body never reaches the endpoint. A later request on a kept-alive connection has the idle timeout for its line and
         *     headers: the server cannot tell a client that has begun it from one at rest.
         * @return this builder
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = bounded(timeout, "readTimeout");
            return this;
        }

        /**
         * @param timeout how long a connection may go without traffic in either direction before it is
         *     closed (bytes of a request line and headers not yet whole do not count, so a kept-alive connection has
         *     this long for a later request's line and headers), 1 ms to 10 minutes; default 10 minutes. Keep it longer than the longest an endpoint
         *     takes to answer: a preStop drain answers when the drain ends, a profile after its seconds.
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = bounded(timeout, "idleTimeout");
            return this;
        }

        /**
         * @param connections how many connections may be open at once, 1..65536; default 256. Connections
         *     beyond it are closed as soon as they open, and so are those from off loopback once all but an eighth
         *     of it (rounded up; none of a cap of one) are open, so that strangers cannot lock out the pod's own.
         * @return this builder
         */
        public Builder maxConnections(int connections) {
            if (connections < 1 || connections > 65536) {
                throw new IllegalArgumentException("maxConnections must be 1..65536, got " + connections);
            }
            this.maxConnections = connections;
            return this;
        }

        private static Duration bounded(Duration timeout, String name) {
            Objects.requireNonNull(timeout, name);
            if (timeout.toMillis() < 1 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException(name + " must be 1 ms to 10 minutes, got " + timeout);
            }
            return timeout;
        }

        /**
         * Serves HTTPS (RFC 8446 TLS) with a PEM certificate chain and private key, such as a mounted Kubernetes TLS
         * Secret's {@code tls.crt} and {@code tls.key}; they are read again every {@link #tlsReloadInterval} and
         * a rotated certificate is served to new connections without a restart. Required on an address that is
         * not loopback unless {@link #insecurePlaintext}. Default: plain HTTP.
         *
         * @param certificateChain the PEM certificates, the server's own first; not null
         * @param privateKey its PEM private key (PKCS#8, PKCS#1 or SEC1, unencrypted); not null
         * @return this builder
         */
        public Builder tls(Path certificateChain, Path privateKey) {
            this.tlsFiles = new TlsFiles(certificateChain, privateKey);
            return this;
        }

        /**
         * @param interval how often the {@link #tls} files are read again, 100 ms to 1 day; default 30 s
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder tlsReloadInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.toMillis() < 100 || interval.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("tlsReloadInterval must be 100 ms to 1 day, got " + interval);
            }
            this.tlsReloadInterval = interval;
            return this;
        }

        /**
         * Allows plain HTTP on an address that is not loopback, for a network that encrypts for the app (a
         * service mesh with mutual TLS): the token and bodies cross it as sent. Default: refused at {@link #build()}.
         *
         * @return this builder
         */
        public Builder insecurePlaintext() {
            this.insecurePlaintext = true;
            return this;
        }

        /**
         * Limits failed authentication per remote address: beyond {@code maxFailures} in a window every request
         * from that address gets 429 {@code rate-limited} with {@code Retry-After} until the window turns, whatever
         * token it carries. Loopback addresses (the pod itself) are never limited.
         *
         * @param maxFailures failures allowed per window, 0 to turn the limit off; default 10
         * @param window the window, positive; default 1 minute
         * @return this builder
         * @throws IllegalArgumentException when {@code maxFailures} is negative or the window not positive
         */
        public Builder authFailureLimit(int maxFailures, Duration window) {
            this.authFailures = new AuthFailureLimiter.Settings(maxFailures, window);
            return this;
        }

        /**
         * @param meterRegistry where {@link ManagementServer#REQUESTS} goes; default a private registry
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /**
         * Fills unset settings from the environment at {@link #build()}: {@value #ENV_HOST},
         * {@value #ENV_PORT}, {@value #ENV_ADVERTISED_HOST}, and the token from
         * {@value io.patternkit.protocol.Wire#ENV_API_TOKEN} or the file named by {@value io.patternkit.protocol.Wire#ENV_API_TOKEN_FILE} (the same rules as
         * {@link io.patternkit.core.SidecarConfig}; the app's server and its sidecars share one token).
         *
         * @return this builder
         */
        public Builder fromEnvironment() {
            this.fromEnvironment = true;
            return this;
        }

        /**
         * @param environment replaces {@link System#getenv(String)} for {@link #fromEnvironment()}
         * @return this builder
         */
        public Builder environment(Function<String, String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /**
         * @return the server, not yet started
         * @throws IllegalArgumentException when the environment holds a malformed port or token, or an
         *     unreadable token file; when only one of the TLS files is set in the environment; or when the
         *     address is not loopback and neither TLS nor {@link #insecurePlaintext} is configured
         */
        public ManagementServer build() {
            String h = host;
            int p = port == null ? 0 : port;
            String t = apiToken;
            String adv = advertisedHost;
            TlsFiles tls = tlsFiles;
            Boolean plaintext = insecurePlaintext;
            if (fromEnvironment) {
                if (h == null) {
                    h = env(ENV_HOST);
                }
                if (port == null && env(ENV_PORT) != null) {
                    p = parsePort(env(ENV_PORT));
                }
                if (t == null) {
                    t = ApiTokens.fromEnvironment(environment).orElse(null);
                }
                if (adv == null) {
                    adv = env(ENV_ADVERTISED_HOST);
                }
                if (tls == null && (env(ENV_TLS_CERT) != null || env(ENV_TLS_KEY) != null)) {
                    if (env(ENV_TLS_CERT) == null || env(ENV_TLS_KEY) == null) {
                        throw new IllegalArgumentException(ENV_TLS_CERT + " and " + ENV_TLS_KEY + " go together");
                    }
                    tls = new TlsFiles(Path.of(env(ENV_TLS_CERT)), Path.of(env(ENV_TLS_KEY)));
                }
                if (plaintext == null && env(ENV_INSECURE_PLAINTEXT) != null) {
                    plaintext = env(ENV_INSECURE_PLAINTEXT).toLowerCase(Locale.ROOT).equals("true");
                }
            }
            h = h == null ? "127.0.0.1" : h;
            if (tls == null && !Boolean.TRUE.equals(plaintext) && !Loopback.isLoopbackHost(h)) {
                throw new IllegalArgumentException("the management server's address " + h + " is not loopback: serve "
                        + "TLS there (tls(...), or " + ENV_TLS_CERT + " and " + ENV_TLS_KEY + ") so that the token and "
                        + "bodies do not cross the network in clear, or allow plain HTTP with insecurePlaintext() ("
                        + ENV_INSECURE_PLAINTEXT + "=true) on a network that encrypts for you");
            }
            return new ManagementServer(this, h, p, t, adv != null ? adv : EndpointHost.advertisedHostFor(h),
                    Optional.ofNullable(tls));
        }

        private String env(String name) {
            String v = environment.apply(name);
            return v == null || v.isBlank() ? null : v.strip();
        }

        private static int parsePort(String value) {
            try {
                int p = Integer.parseInt(value);
                if (p >= 0 && p <= 65535) {
                    return p;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(ENV_PORT + " must be a port 0..65535, got '" + value + "'");
        }
    }
}
