package io.patternkit.sidecar.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JDBC check's connection to PostgreSQL ({@code PATTERNKIT_TEST_JDBC_URL}; skipped without it) through a link that
 * goes silent mid-query: every byte dropped, no FIN, no reset, and new connections (the driver's cancel among them)
 * accepted and never answered. The statement's query timeout alone cannot end that query, since the cancel never
 * reaches the server; the connection's network timeout ends its read at the check's timeout (the driver then waits
 * for the cancel it sent, up to its own cancelSignalTimeout, before it gives the query up).
 */
class JdbcCheckNetworkTimeoutTest {
    private static final String URL = System.getenv("PATTERNKIT_TEST_JDBC_URL");
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    @Test
    void aQueryOnALinkThatWentSilentEndsInsteadOfWaitingForEver() throws Exception {
        assumeTrue(URL != null && !URL.isBlank(), "PATTERNKIT_TEST_JDBC_URL is not set");
        URI db = URI.create(URL.substring("jdbc:".length()));
        assumeTrue(db.getPort() > 0, "PATTERNKIT_TEST_JDBC_URL names no port");
        SilentLink link = new SilentLink(db.getHost(), db.getPort());
        Connection connection = null;
        try {
            String viaLink = URL.replace(db.getHost() + ":" + db.getPort(), "127.0.0.1:" + link.port());
            CheckSpec.Jdbc jdbc = AdapterConfig.load(Files.writeString(dir.resolve("adapter.json"),
                    "{\"checks\": [{\"name\": \"db\", \"probe\": \"ready\", \"jdbc\": {\"url\": \"" + viaLink + "\"}}]}"))
                    .checks().get(0).jdbc().orElseThrow();
            connection = jdbc.connect(name -> null, TIMEOUT);
            Statement statement = connection.createStatement();
            assertThat(connection.getNetworkTimeout()).isEqualTo((int) TIMEOUT.toMillis());
            statement.setQueryTimeout(CheckSpec.Jdbc.seconds(TIMEOUT));
            link.silence();
            CompletableFuture<Void> query = CompletableFuture.runAsync(() -> {
                try {
                    statement.executeQuery("SELECT 1").close();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            // Without the network timeout the read waits for ever. With it the read ends after the check's timeout,
            // and PostgreSQL's driver then waits for its cancel, bounded by its own cancelSignalTimeout (10 s), before
            // it gives the query up: the bound here leaves room for both.
            long start = System.nanoTime();
            assertThatThrownBy(() -> query.get(30, TimeUnit.SECONDS)).hasRootCauseInstanceOf(java.net.SocketTimeoutException.class);
            System.out.printf("a silent link's query ended after %d ms%n", (System.nanoTime() - start) / 1_000_000);
        } finally {
            link.close(); // first: a read still waiting ends with its socket, so that the connection can close
            if (connection != null) {
                connection.close();
            }
        }
    }

    /** A TCP relay on loopback that {@link #silence}s: drops every byte both ways and answers no new connection. */
    private static final class SilentLink implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private volatile boolean silent;

        SilentLink(String host, int port) throws IOException {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket client = server.accept();
                        sockets.add(client);
                        if (silent) {
                            continue; // accepted, never answered: a cancel request waits on it
                        }
                        Socket upstream = new Socket(host, port);
                        sockets.add(upstream);
                        relay(client, upstream);
                        relay(upstream, client);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "silent-link-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        void silence() {
            silent = true;
        }

        private void relay(Socket from, Socket to) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (InputStream in = from.getInputStream()) {
                    OutputStream out = to.getOutputStream();
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        if (!silent) {
                            out.write(buffer, 0, n);
                        }
                    }
                } catch (IOException e) {
                    // closed
                }
            }, "silent-link-relay");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
