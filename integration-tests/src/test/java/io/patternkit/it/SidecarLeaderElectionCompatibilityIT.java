package io.patternkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patternkit.core.SidecarConfig;
import io.patternkit.leader.LeaderElection;
import io.patternkit.leader.LeaderElectionClient;
import io.patternkit.leader.Lease;
import io.patternkit.testing.LeaderElectionCompatibilityKit;
import io.patternkit.testing.SidecarProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestInstance;

/**
 * The leader-election compatibility kit against a real sidecar process, once per engine (SQLite file,
 * PostgreSQL, Kubernetes Leases in fabric8's mock API server): the same suite the in-memory fake passes.
 * Time is real: {@link Kit#letTimePass} waits with Awaitility on short leases (3 s, renew deadline 1.5 s,
 * retry period 200 ms). A holder's death is
 * a raw socket that opens the release-on-disconnect watch and closes without reading the answer, as the
 * kernel does for a process that dies.
 */
class SidecarLeaderElectionCompatibilityIT {

    /** The kit against one sidecar on one engine; a fresh election per test (the kit's). */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Kit extends LeaderElectionCompatibilityKit {
        private SidecarProcess sidecar;
        private LeaderElectionClient client;

        abstract LeaderEngine engine();

        /**
         * The sidecar the kit runs against; by default one of its own on {@link #engine()}, which
         * {@link #stopSidecar()} closes.
         *
         * @return a started sidecar serving leader election with the kit's durations
         */
        SidecarProcess sidecarForKit() throws IOException {
            Path data = Files.createTempDirectory("patternkit-leader-kit-");
            return engine().sidecar(data, 0, leaseDuration(), renewDeadline(), retryPeriod()).start();
        }

        /** @return whether {@link #stopSidecar()} closes the sidecar (false when it is shared with other tests) */
        boolean ownsSidecar() {
            return true;
        }

        @BeforeAll
        void startSidecar() throws IOException {
            assumeTrue(engine().available(), "PATTERNKIT_TEST_JDBC_URL not set");
            sidecar = sidecarForKit();
            client = LeaderElectionClient.create(SidecarConfig.builder().baseUrl(sidecar.baseUrl())
                    .callTimeout(Duration.ofSeconds(5)).retryBackoff(Duration.ofMillis(50)).build());
            warmUp();
        }

        /**
         * One pass over every operation on a throwaway election, so that the first test does not pay for
         * cold code paths (class loading, JIT) in the sidecar, the engine and the mock API server while its
         * lease runs in real time.
         */
        private void warmUp() {
            String e = "warm-up-" + java.util.UUID.randomUUID().toString().substring(0, 8);
            Lease lease = client.becomeLeader(e, "w", Duration.ZERO).lease().orElseThrow();
            client.renewLeadership(lease);
            client.watch(e, null, Duration.ofMillis(10));
            client.watchAsLeader(lease, Duration.ofMillis(10));
            client.currentLeader(e);
            client.resign(lease);
        }

        /** 3 s: real time on a busy 2-core machine needs room between the renew deadline and the expiry. */
        @Override
        protected Duration leaseDuration() {
            return Duration.ofSeconds(3);
        }

        /** 1.5 s, leaving 1.5 s before the expiry. */
        @Override
        protected Duration renewDeadline() {
            return Duration.ofMillis(1500);
        }

        @AfterAll
        void stopSidecar() {
            if (client != null) {
                client.close();
            }
            if (sidecar != null && ownsSidecar()) {
                sidecar.close();
            }
        }

        /**
         * A call's engine write (and, on a loaded 2-core machine, scheduling) shrinks {@code validFor} before
         * the kit sees it; 300 ms leaves room for that while still telling a validity counted from the call's
         * start from one counted from anything else.
         */
        @Override
        protected Duration tolerance() {
            return Duration.ofMillis(300);
        }

        @Override
        protected LeaderElection election() {
            return client;
        }

        /** Real time: waits at least {@code duration} (Awaitility's poll delay), without sleeping the thread. */
        @Override
        protected void letTimePass(Duration duration) {
            long start = System.nanoTime();
            await().pollDelay(duration).atMost(duration.plusSeconds(5))
                    .until(() -> System.nanoTime() - start >= duration.toNanos());
        }

        /**
         * Opens the holder's release-on-disconnect watch on a raw socket, checks that the sidecar holds it
         * (no answer: the holder's term goes on), and closes the socket without reading, as a dying process's
         * kernel does. The sidecar reads the request before it sees the close (TCP keeps the order).
         */
        @Override
        protected void dieWhileWatching(Lease lease) {
            URI base = sidecar.baseUrl();
            String path = "/v1/elections/" + lease.election() + "/watch?term=" + lease.term() + "&leaderId="
                    + lease.candidateId() + "&candidateId=" + lease.candidateId()
                    + "&releaseOnDisconnect=true&waitMs=20000";
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                socket.setSoTimeout(100);
                try {
                    int b = socket.getInputStream().read();
                    fail("the holder's watch answered at once (first byte %s) instead of waiting", b);
                } catch (SocketTimeoutException expected) {
                    // the watch waits: the holder "dies" now
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            assertThat(sidecar.isAlive()).isTrue();
        }
    }

    @Nested
    class Sqlite extends Kit {
        @Override
        LeaderEngine engine() {
            return LeaderEngine.SQLITE;
        }
    }

    @Nested
    class Postgres extends Kit {
        @Override
        LeaderEngine engine() {
            return LeaderEngine.POSTGRES;
        }
    }

    /** Kubernetes Leases count whole seconds; the kit's 3 s lease is one. */
    @Nested
    class Kubernetes extends Kit {
        @Override
        LeaderEngine engine() {
            return LeaderEngine.KUBERNETES;
        }
    }
}
