package io.patternkit.server.security;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.ServerSSLOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a TLS server's PEM files again every interval and, when either changed, hands the new identity to the
 * running server ({@link HttpServer#updateSSLOptions}): new handshakes use it, open connections keep theirs.
 * This is how a certificate that cert-manager or a Kubernetes Secret update rotates under a mounted volume is
 * picked up without a restart. Files that cannot be read or do not load (a rotation caught half-written) are
 * logged at warn and the old identity stays until a later read succeeds.
 */
public final class CertificateReloader {
    /** The default interval: a Secret volume's update is itself delayed by up to the kubelet's sync period (1 min). */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(CertificateReloader.class);

    private final Vertx vertx;
    private final HttpServer server;
    private final TlsFiles files;
    private final long timer;
    private final AtomicLong reloads = new AtomicLong();
    private final Object lock = new Object();
    private volatile TlsFiles.Loaded current;
    private Future<Void> checking = Future.succeededFuture(); // under lock: the last check, complete when idle
    private boolean stopped; // under lock

    private CertificateReloader(Vertx vertx, HttpServer server, TlsFiles files, TlsFiles.Loaded current, Duration interval) {
        this.vertx = vertx;
        this.server = server;
        this.files = files;
        this.current = current;
        this.timer = vertx.setPeriodic(interval.toMillis(), id -> check());
    }

    /**
     * Starts watching.
     *
     * @param vertx the server's Vert.x instance (the timer runs on it)
     * @param server the listening TLS server
     * @param files the files it was started with
     * @param loaded what it was started with ({@link TlsFiles#applyTo})
     * @param interval how often the files are read, positive
     * @return the running reloader; {@link #stop()} it before the Vert.x instance closes
     * @throws IllegalArgumentException when the interval is not positive
     */
    public static CertificateReloader start(Vertx vertx, HttpServer server, TlsFiles files, TlsFiles.Loaded loaded,
                                            Duration interval) {
        Objects.requireNonNull(loaded, "loaded");
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("the TLS reload interval must be positive");
        }
        return new CertificateReloader(vertx, server, files, loaded, interval);
    }

    /** @return how many times a changed identity was handed to the server */
    public long reloads() {
        return reloads.get();
    }

    /** @return the identity served now */
    public TlsFiles.Loaded current() {
        return current;
    }

    private void check() {
        synchronized (lock) {
            if (stopped || !checking.isComplete()) {
                return;
            }
            checking = vertx.executeBlocking(() -> files.load(vertx), false).compose(loaded -> {
                if (loaded.sameAs(current)) {
                    return Future.succeededFuture();
                }
                return server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(loaded.options()), true)
                        .<Void>map(updated -> {
                            current = loaded;
                            reloads.incrementAndGet();
                            LOG.info("TLS certificate reloaded from {}: {}", files.certificateChain(), loaded.describe());
                            return null;
                        });
            }).onFailure(e -> LOG.warn("TLS files {} and {} not reloaded, the current certificate stays: {}",
                    files.certificateChain(), files.privateKey(), e.getMessage()));
        }
    }

    /**
     * Stops watching; the server keeps the identity it has. Call it before the Vert.x instance closes and wait for
     * the future: a read of the files already under way on a worker thread hands its result back on the event loop,
     * which must still be there to take it.
     *
     * @return completes (never fails) once no read of the files is under way, already complete when none is; no
     *     read starts after this call
     */
    public Future<Void> stop() {
        synchronized (lock) {
            stopped = true;
            vertx.cancelTimer(timer);
            return checking.isComplete() ? Future.succeededFuture()
                    : checking.transform(ignored -> Future.<Void>succeededFuture());
        }
    }
}
