package io.patternkit.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patternkit.management.EndpointHost;
import io.patternkit.scatter.LeafContext;
import io.patternkit.spring.scatter.ScatterLeafHandler;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A {@code @ScatterLeafHandler} method served on the application's own web server, Spring MVC (Tomcat) and WebFlux
 * (Reactor Netty), called over real HTTP as a root sidecar calls it: the answer, the application's own routes beside
 * it, and every refusal the SDK's management server makes (token, size, media type, text), each a problem document.
 * No sidecar: the leaves do not register.
 */
class WebEndpointHostTest {
    private static final String TOKEN = "s3cret-token-for-leaves";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Every call's limit: a server that never answers fails the test instead of hanging it. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    @AfterEach
    void close() {
        contexts.forEach(ConfigurableApplicationContext::close);
    }

    /** A request. */
    public record Echo(String text) {
    }

    /** The leaf, and the application's own route. */
    @RestController
    public static class Leaf {
        static final CountDownLatch CANCELLED = new CountDownLatch(1);
        static final CountDownLatch STARTED = new CountDownLatch(1);

        @ScatterLeafHandler(pool = "echo", shard = "s1")
        Echo echo(Echo request, LeafContext context) throws InterruptedException {
            if (request.text().equals("wait")) {
                context.whenCancelled().thenRun(CANCELLED::countDown);
                STARTED.countDown();
                CANCELLED.await(10, TimeUnit.SECONDS);
            }
            return new Echo(request.text().toUpperCase() + "@" + context.shard());
        }

        @GetMapping("/hello")
        String hello() {
            return "hello";
        }
    }

    /** The application. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    public static class App {
        @Bean
        Leaf leaf() {
            return new Leaf();
        }
    }

    private ConfigurableApplicationContext start(WebApplicationType type, String... more) {
        List<String> properties = new ArrayList<>(List.of("patternkit.sidecar.url=http://127.0.0.1:9",
                "patternkit.scatter.leaf.register=false", "server.address=127.0.0.1", "server.port=0",
                "patternkit.web.max-body-size=4KB", "patternkit.sidecar.api-token=" + TOKEN));
        properties.addAll(List.of(more));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class).web(type)
                .bannerMode(Banner.Mode.OFF).properties(properties.toArray(String[]::new)).run();
        contexts.add(context);
        return context;
    }

    private static URI leaf(ConfigurableApplicationContext context, String base) {
        return URI.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + base
                + "/patternkit/leaf/echo");
    }

    private static HttpResponse<String> post(URI uri, String contentType, byte[] body, boolean token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token) {
            request.header("Authorization", "Bearer " + TOKEN);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] call(String text) {
        return ("{\"pool\":\"echo\",\"shard\":\"s1\",\"scatterId\":\"x1\",\"request\":{\"text\":\"" + text + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(value = WebApplicationType.class, names = {"SERVLET", "REACTIVE"})
    void theLeafAnswersOnTheApplicationsPortBesideItsOwnRoutes(WebApplicationType type) throws Exception {
        ConfigurableApplicationContext context = start(type);
        EndpointHost host = context.getBean(EndpointHost.class);
        assertThat(host).isInstanceOf(type == WebApplicationType.SERVLET ? ServletEndpointHost.class
                : ReactiveEndpointHost.class);
        assertThat(host.isRunning()).isTrue();
        assertThat(host.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:"
                + context.getEnvironment().getProperty("local.server.port")));

        HttpResponse<String> answer = post(leaf(context, ""), "application/json", call("hi"), true);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"text\":\"HI@s1\"}");
        HttpResponse<String> info = HTTP.send(HttpRequest.newBuilder(leaf(context, "")).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(info.body()).contains("\"pool\":\"echo\"", "\"shard\":\"s1\"");
        HttpResponse<String> own = HTTP.send(HttpRequest.newBuilder(URI.create(leaf(context, "").resolve("/hello")
                .toString())).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(own.body()).isEqualTo("hello"); // the application's routes, without the token
    }

    @ParameterizedTest
    @EnumSource(value = WebApplicationType.class, names = {"SERVLET", "REACTIVE"})
    void badRequestsAreRefusedAsTheManagementServerRefusesThem(WebApplicationType type) throws Exception {
        ConfigurableApplicationContext context = start(type);
        URI uri = leaf(context, "");
        assertProblem(post(uri, "application/json", call("hi"), false), 401, "unauthorized");
        assertProblem(post(uri, "text/plain", call("hi"), true), 415, "unsupported-media-type");
        assertProblem(post(uri, "application/json", "{\"request\":".getBytes(StandardCharsets.UTF_8), true), 400,
                "invalid-request");
        byte[] notUtf8 = call("caf\u00e9");
        byte[] latin1 = new String(notUtf8, StandardCharsets.UTF_8).getBytes(StandardCharsets.ISO_8859_1);
        assertProblem(post(uri, "application/json", latin1, true), 400, "invalid-request");
        assertProblem(post(uri, "application/json", call("\\ud800"), true), 400, "invalid-request");
        assertProblem(post(uri, "application/json", call("x".repeat(5000)), true), 413, "payload-too-large");
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Authorization", "Bearer " + TOKEN)
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(put, 405, "method-not-allowed");
    }

    private static void assertProblem(HttpResponse<String> answer, int status, String type) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(answer.body()).contains("\"urn:patternkit:problem:" + type + "\"");
    }

    @ParameterizedTest
    @EnumSource(value = WebApplicationType.class, names = {"SERVLET", "REACTIVE"})
    void underAContextPathTheLeafsUrlCarriesIt(WebApplicationType type) throws Exception {
        ConfigurableApplicationContext context = start(type, "server.servlet.context-path=/app",
                "spring.webflux.base-path=/app");
        assertThat(context.getBean(EndpointHost.class).baseUrl().getPath()).isEqualTo("/app");
        assertThat(post(leaf(context, "/app"), "application/json", call("hi"), true).body()).isEqualTo("{\"text\":\"HI@s1\"}");
    }

    @Test
    void underADispatcherServletPathTheLeafIsServedThereAndItsUrlCarriesIt() throws Exception {
        ConfigurableApplicationContext context = start(WebApplicationType.SERVLET, "server.servlet.context-path=/app",
                "spring.mvc.servlet.path=/api");
        assertThat(context.getBean(EndpointHost.class).baseUrl().getPath()).isEqualTo("/app/api");
        assertThat(post(leaf(context, "/app/api"), "application/json", call("hi"), true).body()).isEqualTo("{\"text\":\"HI@s1\"}");
    }

    @ParameterizedTest
    @EnumSource(value = WebApplicationType.class, names = "REACTIVE")
    void onWebFluxARootThatHangsUpCancelsTheLeafsCall(WebApplicationType type) throws Exception {
        // On Boot 3.5 the compatibility run puts Reactor Netty 1.2 on the Netty 4.2 that Vert.x needs, and the close is
        // not heard there (docs/spring-boot.md says so); the leaf still stops at the root's deadline.
        assumeTrue(SpringBootVersion.getVersion().startsWith("4."), "the hang-up is heard on Boot 4's WebFlux");
        ConfigurableApplicationContext context = start(type);
        URI uri = leaf(context, "");
        byte[] body = call("wait");
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + uri.getPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            assertThat(Leaf.STARTED.await(10, TimeUnit.SECONDS)).isTrue();
        } // the root hangs up while the leaf works
        await().atMost(Duration.ofSeconds(10)).until(() -> Leaf.CANCELLED.getCount() == 0);
    }
}
