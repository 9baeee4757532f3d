package io.patternkit.sidecar.engine.postgres;

import io.patternkit.sidecar.common.DaemonThreads;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code LISTEN}s on one channel through a dedicated connection on its own daemon thread, and hands
 * every notification's payload to a listener; reconnects after a failure, telling the listener
 * {@code null} (anything may have been missed) each time it (re)connects. Waiting for notifications never
 * reads from the server on its own, so a connection that a network cut has silently killed would wait for
 * ever: a {@code SELECT 1} every {@value #HEARTBEAT_MS} ms without a notification, under the pool's socket
 * timeout ({@link PgPool#networkProperties()}), finds it dead and reconnects.
 */
final class PgListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgListener.class);
    private static final int LISTEN_POLL_MS = 500;
    private static final long RECONNECT_DELAY_MS = 1000;
    private static final long HEARTBEAT_MS = 5000;

    private final String jdbcUrl;
    private final String password;
    private final String channel;
    private final Consumer<String> listener;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param jdbcUrl the server
     * @param password the password, or null; never logged
     * @param channel the channel, a plain SQL identifier
     * @param listener told each payload, or null after a (re)connect; called on the listen thread, must not block
     * @param threadName the listen thread's name
     */
    PgListener(String jdbcUrl, String password, String channel, Consumer<String> listener, String threadName) {
        this.jdbcUrl = jdbcUrl;
        this.password = password;
        this.channel = channel;
        this.listener = listener;
        this.thread = DaemonThreads.newThread(threadName, this::listen);
    }

    /** Starts the listen thread. */
    void start() {
        thread.start();
    }

    private void listen() {
        while (running) {
            Properties props = PgPool.networkProperties();
            if (password != null) {
                props.setProperty("password", password);
            }
            try (Connection c = DriverManager.getConnection(jdbcUrl, props)) {
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + channel);
                }
                listener.accept(null); // anything missed while (re)connecting
                PGConnection pg = c.unwrap(PGConnection.class);
                long heard = System.nanoTime();
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(LISTEN_POLL_MS);
                    if (notifications != null && notifications.length > 0) {
                        heard = System.nanoTime();
                        for (PGNotification n : notifications) {
                            listener.accept(n.getParameter());
                        }
                    } else if (System.nanoTime() - heard > HEARTBEAT_MS * 1_000_000) {
                        try (Statement st = c.createStatement()) {
                            st.execute("SELECT 1"); // throws after the socket timeout on a dead connection
                        }
                        heard = System.nanoTime();
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    LOG.warn("LISTEN connection failed, reconnecting: {}", e.getMessage());
                    pauseBeforeReconnect();
                }
            }
        }
    }

    private void pauseBeforeReconnect() {
        try {
            Thread.sleep(RECONNECT_DELAY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops listening and waits briefly for the thread. Never throws. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2 * LISTEN_POLL_MS + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
