package io.patternkit.sidecar.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.patternkit.server.security.AuthFailureLimiter;
import io.patternkit.server.security.Strangers;
import io.patternkit.server.security.TestCertificates;
import io.patternkit.server.security.TlsFiles;
import io.patternkit.sidecar.common.Ticker;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The sidecar meeting clients that crossed a network: HTTPS from PEM files (reloaded when rotated), plain HTTP
 * refused off loopback unless asked for, and failed authentication limited per address (never for loopback).
 */
class SidecarSecurityTest {
    private static final String TOKEN = "s3cret-token";

    @TempDir
    Path dir;
    private SidecarHost sidecar;

    /** One route behind the token. */
    private static final class Echo implements PatternModule, RunningPattern {
        @Override
        public String name() {
            return "echo";
        }

        @Override
        public RunningPattern start(HostContext context) {
            return this;
        }

        @Override
        public void mount(Router router, Responses responses, Handler<RoutingContext> auth) {
            router.get("/v1/echo").handler(auth).handler(ctx -> responses.json(ctx, 200, responses.object().put("ok", true)));
        }

        @Override
        public Future<Void> ping() {
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> drain() {
            return Future.succeededFuture();
        }

        @Override
        public void close() {
        }
    }

    @AfterEach
    void stop() {
        if (sidecar != null) {
            sidecar.close();
        }
    }

    private SidecarHost start(String bind, HostSettings.Security security) {
        HostSettings settings = new HostSettings(bind, 0, Optional.of(TOKEN), 4096, Duration.ofSeconds(2),
                HostSettings.DEFAULT_IDLE_TIMEOUT, 64, Duration.ZERO, security);
        sidecar = SidecarHost.start(settings, EngineFamily.none(), List.of(new Echo()), Ticker.system());
        return sidecar;
    }

    @Test
    void servesHttpsFromPemFilesAndPicksUpARotatedCertificate() throws Exception {
        TestCertificates ca = TestCertificates.authority(dir);
        TlsFiles first = ca.issue("first", "DNS:localhost", "IP:127.0.0.1");
        TlsFiles second = ca.issue("second", "DNS:localhost", "IP:127.0.0.1");
        Path cert = Files.copy(first.certificateChain(), dir.resolve("tls.crt"));
        Path key = Files.copy(first.privateKey(), dir.resolve("tls.key"));
        start("127.0.0.1", new HostSettings.Security(Optional.of(new TlsFiles(cert, key)), Duration.ofMillis(100),
                AuthFailureLimiter.Settings.DEFAULT, false));
        HttpClient trusting = HttpClient.newBuilder().sslContext(ca.clientContext()).build();
        URI echo = URI.create("https://localhost:" + sidecar.port() + "/v1/echo");

        assertThat(Strangers.get(trusting, echo, TOKEN).statusCode()).isEqualTo(200);
        assertThat(Strangers.get(trusting, URI.create("https://localhost:" + sidecar.port() + "/healthz/ready"), null).statusCode())
                .isEqualTo(200);
        assertThatThrownBy(() -> Strangers.get(HttpClient.newHttpClient(), echo, TOKEN)) // the JVM's trust store: not our CA
                .isInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(() -> Strangers.get(HttpClient.newHttpClient(), URI.create("http://localhost:" + sidecar.port() + "/v1/echo"),
                TOKEN)).isInstanceOf(IOException.class);

        Files.copy(second.certificateChain(), cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(second.privateKey(), key, StandardCopyOption.REPLACE_EXISTING);
        await().atMost(Duration.ofSeconds(10)).until(() -> servedSubject(ca, echo).contains("CN=second"));
        String metrics = Strangers.get(trusting, URI.create("https://localhost:" + sidecar.port() + "/metrics"), null).body();
        assertThat(metrics).contains("patternkit_sidecar_tls_reloads_total 1.0")
                .contains("patternkit_sidecar_tls_certificate_expiry_seconds");
    }

    @Test
    void anAddressThatFailsAuthenticationTooOftenIsRefusedButLoopbackNever() throws Exception {
        InetAddress external = Strangers.nonLoopbackAddress();
        start(external.getHostAddress(), new HostSettings.Security(Optional.empty(), Duration.ofSeconds(30),
                new AuthFailureLimiter.Settings(3, Duration.ofMinutes(10)), true));
        HttpClient client = HttpClient.newHttpClient();
        URI fromNetwork = URI.create("http://" + external.getHostAddress() + ":" + sidecar.port() + "/v1/echo");
        for (int i = 0; i < 3; i++) {
            assertThat(Strangers.get(client, fromNetwork, "guess-" + i).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> refused = Strangers.get(client, fromNetwork, TOKEN); // even the right token, until the window turns
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("urn:patternkit:problem:rate-limited");
        assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 600L);

        String metrics = Strangers.get(client, URI.create("http://" + external.getHostAddress() + ":" + sidecar.port() + "/metrics"),
                null).body();
        assertThat(metrics).contains("patternkit_sidecar_auth_failures_total 3.0")
                .contains("patternkit_sidecar_auth_refused_total 1.0");
        assertThat(metrics).doesNotContain(TOKEN);
    }

    @Test
    void strangersCannotTakeTheEighthOfTheConnectionsKeptForTheApp() throws Exception {
        InetAddress external = Strangers.nonLoopbackAddress();
        HostSettings settings = new HostSettings("0.0.0.0", 0, Optional.of(TOKEN), 4096, Duration.ofSeconds(2),
                HostSettings.DEFAULT_IDLE_TIMEOUT, 8, Duration.ZERO, new HostSettings.Security(Optional.empty(),
                        Duration.ofSeconds(30), AuthFailureLimiter.Settings.DEFAULT, true));
        sidecar = SidecarHost.start(settings, EngineFamily.none(), List.of(new Echo()), Ticker.system());
        List<Socket> strangers = new ArrayList<>();
        try {
            for (int i = 0; i < 7; i++) { // seven eighths of the cap of 8
                Socket stranger = new Socket(external, sidecar.port());
                strangers.add(stranger);
                assertThat(statusLine(stranger)).isEqualTo("HTTP/1.1 200");
            }
            try (Socket app = new Socket(InetAddress.getLoopbackAddress(), sidecar.port())) {
                assertThat(statusLine(app)).as("the app's own connection, in the place kept for it").isEqualTo("HTTP/1.1 200");
            }
            // Past seven places a stranger is refused, whether or not the host has uncounted the app's closed one yet.
            Socket eighth = new Socket(external, sidecar.port());
            strangers.add(eighth);
            eighth.setSoTimeout(10_000);
            assertThat(eighth.getInputStream().read()).as("a stranger past seven places, closed unanswered").isEqualTo(-1);
        } finally {
            for (Socket s : strangers) {
                s.close();
            }
        }
    }

    @Test
    void aSidecarOffLoopbackWithoutATokenWarnsAtStartAndOneWithATokenDoesNot() {
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        Logger log = (Logger) LoggerFactory.getLogger(SidecarHost.class);
        log.addAppender(warnings);
        try {
            for (Optional<String> token : List.of(Optional.of(TOKEN), Optional.<String>empty())) {
                HostSettings settings = new HostSettings("0.0.0.0", 0, token, 4096, Duration.ofSeconds(2),
                        HostSettings.DEFAULT_IDLE_TIMEOUT, 8, Duration.ZERO, new HostSettings.Security(Optional.empty(),
                                Duration.ofSeconds(30), AuthFailureLimiter.Settings.DEFAULT, true));
                SidecarHost.start(settings, EngineFamily.none(), List.of(new Echo()), Ticker.system()).close();
            }
            assertThat(warnings.list).filteredOn(e -> e.getLevel() == Level.WARN).extracting(ILoggingEvent::getFormattedMessage)
                    .singleElement().asString().contains("on 0.0.0.0 without an API token").contains("PATTERNKIT_API_TOKEN");
        } finally {
            log.detachAppender(warnings);
        }
    }

    private static String statusLine(Socket socket) throws IOException {
        socket.getOutputStream().write("GET /healthz/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.setSoTimeout(10_000);
        return new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
    }

    @Test
    void loopbackIsNeverLimited() throws Exception {
        start("127.0.0.1", new HostSettings.Security(Optional.empty(), Duration.ofSeconds(30),
                new AuthFailureLimiter.Settings(1, Duration.ofMinutes(10)), false));
        HttpClient client = HttpClient.newHttpClient();
        URI echo = URI.create("http://127.0.0.1:" + sidecar.port() + "/v1/echo");
        for (int i = 0; i < 5; i++) {
            assertThat(Strangers.get(client, echo, "wrong").statusCode()).isEqualTo(401);
        }
        assertThat(Strangers.get(client, echo, TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void plainHttpOffLoopbackIsRefusedUnlessAskedForAndTheTlsFilesGoTogether() {
        assertThat(parse("--bind", "0.0.0.0")).contains("--bind 0.0.0.0 is not loopback").contains("--insecure-plaintext");
        assertThat(parse("--bind", "10.1.2.3", "--insecure-plaintext")).isEmpty();
        assertThat(parse("--bind", "::1")).isEmpty();
        assertThat(parse("--tls-cert", "/x.crt")).contains("--tls-cert and --tls-key go together");
        assertThat(parse("--bind", "0.0.0.0", "--tls-cert", "/x.crt", "--tls-key", "/x.key")).isEmpty();
        assertThat(parse("--auth-failure-limit", "-1")).contains("--auth-failure-limit must not be negative");
    }

    @Test
    void tlsFilesThatDoNotLoadStopTheSidecarNamingTheFile() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.crt"), "not a certificate");
        assertThatThrownBy(() -> start("127.0.0.1", new HostSettings.Security(Optional.of(new TlsFiles(bad, bad)),
                Duration.ofSeconds(30), AuthFailureLimiter.Settings.DEFAULT, false)))
                .hasMessageContaining("bad.crt");
        sidecar = null;
    }

    /** @return the parse error, or empty when the options are accepted */
    private static String parse(String... args) {
        @CommandLine.Command(name = "t")
        final class Command {
            @CommandLine.Mixin
            HostOptions host = new HostOptions();
        }
        Command command = new Command();
        CommandLine line = new CommandLine(command);
        try {
            List<String> all = new java.util.ArrayList<>(List.of("--port", "0", "--max-body-bytes", "4096"));
            all.addAll(List.of(args));
            line.parseArgs(all.toArray(String[]::new));
            command.host.settings(java.util.Map.of());
            return "";
        } catch (CommandLine.ParameterException e) {
            return e.getMessage();
        }
    }

    private static String servedSubject(TestCertificates ca, URI uri) throws Exception {
        // A new client per check: a pooled connection would keep the certificate of its handshake.
        HttpResponse<String> response = Strangers.get(HttpClient.newBuilder().sslContext(ca.clientContext()).build(), uri, TOKEN);
        return response.sslSession().orElseThrow().getPeerPrincipal().getName();
    }
}
