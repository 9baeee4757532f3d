package io.patternkit.sidecar.adapter;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.patternkit.protocol.NameRule;
import io.patternkit.sidecar.common.Redaction;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * One health check the adapter runs against an app that has no health endpoint of its own, with
 * Kubernetes probe semantics: every {@code interval} the check runs with a {@code timeout}; after
 * {@code failureThreshold} failures in a row it fails, after {@code successThreshold} successes in
 * a row it passes; it counts towards the adapter's liveness, readiness or startup (which, as a
 * Kubernetes startup probe, is not run again once it passed). Exactly one of the four
 * kinds is given, as in a Kubernetes probe's {@code httpGet}, {@code tcpSocket}, {@code exec}, plus a
 * JDBC query (the {@code SELECT 1} of the container-patterns book).
 *
 * @param name the check's name (a DNS-1123 label); names the failing check in problems and metrics
 * @param probe {@code live}, {@code ready} or {@code started}
 * @param http an HTTP GET whose status must be 2xx or 3xx (or one of {@code expectStatus})
 * @param tcp a TCP connect to {@code host:port}
 * @param command a command whose exit code must be 0 (argv, no shell)
 * @param jdbc a JDBC query that must return (a row, when {@code query} is given)
 * @param interval how often it runs (default 10 s, as Kubernetes' periodSeconds)
 * @param timeout how long one run may take (default 1 s, as Kubernetes' timeoutSeconds)
 * @param failureThreshold failures in a row that make it fail (default 3)
 * @param successThreshold successes in a row that make a failing check pass again (default 1)
 */
public record CheckSpec(String name, String probe, Optional<Http> http, Optional<Tcp> tcp, Optional<List<String>> command,
                        Optional<Jdbc> jdbc, Duration interval, Duration timeout, int failureThreshold, int successThreshold) {

    /**
     * Checks the spec.
     *
     * @param name the check's name (a DNS-1123 label); names the failing check in problems and metrics
     * @param probe {@code live}, {@code ready} or {@code started}
     * @param http an HTTP GET whose status must be 2xx or 3xx (or one of {@code expectStatus})
     * @param tcp a TCP connect to {@code host:port}
     * @param command a command whose exit code must be 0 (argv, no shell)
     * @param jdbc a JDBC query that must return (a row, when {@code query} is given)
     * @param interval how often it runs (default 10 s, as Kubernetes' periodSeconds)
     * @param timeout how long one run may take (default 1 s, as Kubernetes' timeoutSeconds)
     * @param failureThreshold failures in a row that make it fail (default 3)
     * @param successThreshold successes in a row that make a failing check pass again (default 1)
     * @throws IllegalArgumentException when a member is out of range or not exactly one kind is given
     */
    public CheckSpec {
        require(NameRule.UPSTREAM.matches(name), "check name '" + name + "': " + NameRule.UPSTREAM.requirement());
        String at = "check " + name + ": ";
        require("live".equals(probe) || "ready".equals(probe) || "started".equals(probe), at + "probe must be live, ready or started");
        int kinds = (http.isPresent() ? 1 : 0) + (tcp.isPresent() ? 1 : 0) + (command.isPresent() ? 1 : 0) + (jdbc.isPresent() ? 1 : 0);
        require(kinds == 1, at + "give exactly one of http, tcp, command and jdbc");
        command.ifPresent(argv -> require(!argv.isEmpty(), at + "command needs at least the program"));
        require(interval.toMillis() >= 100, at + "interval must be at least 100ms");
        require(timeout.toMillis() >= 1 && timeout.compareTo(interval) <= 0, at + "timeout must be 1ms to interval");
        require(failureThreshold >= 1 && successThreshold >= 1, at + "thresholds must be at least 1");
    }

    @JsonCreator
    static CheckSpec fromJson(@JsonProperty(value = "name", required = true) String name,
                              @JsonProperty(value = "probe", required = true) String probe,
                              @JsonProperty("http") Http http, @JsonProperty("tcp") Tcp tcp,
                              @JsonProperty("command") List<String> command, @JsonProperty("jdbc") Jdbc jdbc,
                              @JsonProperty("interval") Duration interval, @JsonProperty("timeout") Duration timeout,
                              @JsonProperty("failureThreshold") Integer failureThreshold,
                              @JsonProperty("successThreshold") Integer successThreshold) {
        return new CheckSpec(name, probe == null ? null : probe.toLowerCase(Locale.ROOT), Optional.ofNullable(http),
                Optional.ofNullable(tcp), Optional.ofNullable(command), Optional.ofNullable(jdbc),
                interval == null ? Duration.ofSeconds(10) : interval, timeout == null ? Duration.ofSeconds(1) : timeout,
                failureThreshold == null ? 3 : failureThreshold, successThreshold == null ? 1 : successThreshold);
    }

    /**
     * An HTTP GET.
     *
     * @param url the URL, {@code http} or {@code https}
     * @param expectStatus the statuses that pass; empty for any 2xx or 3xx (Kubernetes' rule)
     */
    public record Http(URI url, List<Integer> expectStatus) {
        /**
         * Checks the URL.
         *
         * @param url the URL, {@code http} or {@code https}
         * @param expectStatus the statuses that pass; empty for any 2xx or 3xx (Kubernetes' rule)
         * @throws IllegalArgumentException when it is not http or https
         */
        @JsonCreator
        public Http(@JsonProperty(value = "url", required = true) URI url, @JsonProperty("expectStatus") List<Integer> expectStatus) {
            require(url != null && url.getScheme() != null && url.getScheme().matches("(?i)https?") && url.getHost() != null,
                    "http.url must be an http or https URL");
            this.url = url;
            this.expectStatus = expectStatus == null ? List.of() : List.copyOf(expectStatus);
        }

        /**
         * @param status an answer's status
         * @return whether it passes
         */
        boolean passes(int status) {
            return expectStatus.isEmpty() ? status >= 200 && status < 400 : expectStatus.contains(status);
        }

        /** @return the URL without user info or query, for messages and logs ({@link Redaction#url}) */
        String where() {
            return Redaction.url(url);
        }
    }

    /**
     * A TCP connect.
     *
     * @param host the host
     * @param port the port, 1 to 65535
     */
    public record Tcp(String host, int port) {
        /**
         * Checks the address.
         *
         * @param host the host
         * @param port the port, 1 to 65535
         * @throws IllegalArgumentException when the host is missing or the port out of range
         */
        @JsonCreator
        public Tcp(@JsonProperty(value = "host", required = true) String host, @JsonProperty(value = "port", required = true) int port) {
            require(host != null && !host.isBlank(), "tcp.host is required");
            require(port >= 1 && port <= 65535, "tcp.port must be 1 to 65535");
            this.host = host;
            this.port = port;
        }
    }

    /**
     * A JDBC query. The password is never in the file: it is read from the environment variable
     * {@code passwordEnv} names.
     *
     * @param url the JDBC URL, such as {@code jdbc:postgresql://127.0.0.1:5432/app}
     * @param user the user, or null
     * @param passwordEnv the environment variable holding the password, or null
     * @param query the query (default {@code SELECT 1})
     */
    public record Jdbc(String url, String user, String passwordEnv, String query) {
        /**
         * Checks the URL and fills the default query.
         *
         * @param url the JDBC URL, such as {@code jdbc:postgresql://127.0.0.1:5432/app}
         * @param user the user, or null
         * @param passwordEnv the environment variable holding the password, or null
         * @param query the query (default {@code SELECT 1})
         * @throws IllegalArgumentException when the URL is not a JDBC URL
         */
        @JsonCreator
        public Jdbc(@JsonProperty(value = "url", required = true) String url, @JsonProperty("user") String user,
                    @JsonProperty("passwordEnv") String passwordEnv, @JsonProperty("query") String query) {
            require(url != null && url.startsWith("jdbc:"), "jdbc.url must start with jdbc:");
            this.url = url;
            this.user = user;
            this.passwordEnv = passwordEnv;
            this.query = query == null ? "SELECT 1" : query;
        }

        /**
         * Opens a connection, bounded by a timeout, whose every wait for the database is bounded by it too; blocks.
         * A statement's own query timeout is not enough on its own: PostgreSQL's driver enforces it by sending a
         * cancel over a new connection, which a network that drops packets never delivers, and the read would then
         * wait for ever, holding the check's run and every run after it. So the connection also gets JDBC's network
         * timeout ({@link Connection#setNetworkTimeout}; PostgreSQL's socket timeout), which a driver without a network
         * (SQLite's) ignores.
         *
         * @param env the environment, for the password
         * @param timeout the login timeout (whole seconds, at least one) and the network timeout
         * @return the connection
         * @throws SQLException when it cannot be opened
         */
        Connection connect(Function<String, String> env, Duration timeout) throws SQLException {
            Properties properties = new Properties();
            if (user != null) {
                properties.setProperty("user", user);
            }
            String password = passwordEnv == null ? null : env.apply(passwordEnv);
            if (password != null) {
                properties.setProperty("password", password);
            }
            DriverManager.setLoginTimeout(seconds(timeout));
            Connection connection = DriverManager.getConnection(url, properties);
            try {
                connection.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
            } catch (SQLFeatureNotSupportedException unsupported) {
                // a driver without it: the statement's query timeout is all there is
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.close();
                } catch (SQLException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
            return connection;
        }

        /**
         * @param timeout a timeout
         * @return it in whole seconds, rounded up, at least one (JDBC's unit)
         */
        static int seconds(Duration timeout) {
            return (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
        }

        /** @return the URL without user, password or properties, for messages and logs */
        String redactedUrl() {
            return Redaction.jdbcUrl(url);
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
