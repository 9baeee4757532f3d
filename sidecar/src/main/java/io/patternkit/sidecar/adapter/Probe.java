package io.patternkit.sidecar.adapter;

import io.patternkit.sidecar.common.Redaction;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * One run of a check, blocking, bounded by its timeout; passes by returning and fails by throwing
 * with a message that says why (never a password or a body). Run on worker threads.
 */
@FunctionalInterface
interface Probe {

    /**
     * Runs the check once.
     *
     * @param timeout the longest the run may take
     * @throws Exception when the check fails, saying why
     */
    void run(Duration timeout) throws Exception;

    /**
     * @param spec the check
     * @param http the HTTP client for {@code http} checks; null for a check of another kind
     * @param env the environment, for a JDBC password
     * @return the probe of the check's kind
     */
    static Probe of(CheckSpec spec, HttpClient http, Function<String, String> env) {
        if (spec.http().isPresent()) {
            CheckSpec.Http check = spec.http().get();
            return timeout -> {
                // The request's own timeout ends at the headers: the whole answer, body included, is bounded here.
                CompletableFuture<HttpResponse<Void>> sent = http.sendAsync(
                        HttpRequest.newBuilder(check.url()).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.discarding());
                HttpResponse<Void> response;
                try {
                    response = sent.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    sent.cancel(true);
                    throw new IOException("GET " + check.where() + " did not answer whole within " + timeout.toMillis() + " ms");
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    throw new IOException("GET " + check.where() + " failed: " + (cause.getMessage() == null
                            ? cause.getClass().getSimpleName() : cause.getMessage()), cause);
                }
                if (!check.passes(response.statusCode())) {
                    throw new IOException("GET " + check.where() + " answered " + response.statusCode());
                }
            };
        }
        if (spec.tcp().isPresent()) {
            CheckSpec.Tcp check = spec.tcp().get();
            return timeout -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(check.host(), check.port()), (int) Math.max(1, timeout.toMillis()));
                } catch (IOException e) {
                    throw new IOException("cannot connect to " + check.host() + ":" + check.port() + ": " + e.getMessage(), e);
                }
            };
        }
        if (spec.command().isPresent()) {
            List<String> argv = spec.command().get();
            return timeout -> {
                Process process = new ProcessBuilder(argv).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IOException(argv.get(0) + " did not exit within " + timeout.toMillis() + " ms");
                }
                if (process.exitValue() != 0) {
                    throw new IOException(argv.get(0) + " exited with " + process.exitValue());
                }
            };
        }
        CheckSpec.Jdbc check = spec.jdbc().orElseThrow();
        return timeout -> {
            try (Connection connection = check.connect(env, timeout); Statement statement = connection.createStatement()) {
                statement.setQueryTimeout(CheckSpec.Jdbc.seconds(timeout));
                try (ResultSet rows = statement.executeQuery(check.query())) {
                    if (!rows.next()) {
                        throw new SQLException("the query returned no row");
                    }
                }
            } catch (SQLException e) {
                throw new SQLException(check.redactedUrl() + ": " + Redaction.scrubbed(e.getMessage(), check.url()),
                        e.getSQLState()); // not chained: the driver's own message quotes the URL
            }
        };
    }
}
