package io.patternkit.spring.web;

import io.patternkit.management.ManagementEndpoint;
import io.patternkit.management.ManagementRequest;
import io.patternkit.management.ManagementResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.springframework.core.env.Environment;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Patternkit's endpoints (a scatter leaf, a merge container) served on the application's own Spring WebFlux server
 * instead of a second server: a reactive {@link HandlerMapping} ordered before the application's routes that matches
 * only the mounted paths, exactly. The body is read without blocking, up to the cap; the endpoint, which may block
 * (a leaf's search), runs on Reactor's bounded elastic scheduler, never on an event loop. The request passes the same
 * checks as on the SDK's {@link io.patternkit.management.ManagementServer} (the API token when one is configured, 401;
 * the body cap, 413; JSON media type, 415; well-formed text, 400), all answered as RFC 9457 problem documents. When
 * the client closes the connection before the answer, WebFlux cancels the exchange and
 * {@link ManagementRequest#whenClosed()} completes, so a leaf whose root gave up (a hedge lost) stops early.
 * Thread-safe.
 */
public final class ReactiveEndpointHost extends WebEndpointHost implements HandlerMapping {
    /**
     * @param environment the application's environment: the port it listens on once started
     *     ({@code local.server.port}), its address ({@code server.address}), TLS ({@code server.ssl.*}) and its
     *     WebFlux base path ({@code spring.webflux.base-path})
     * @param apiToken the token requests must carry as {@code Authorization: Bearer}, the one the sidecars share; null
     *     for none
     * @param maxBodyBytes the largest request body read, in bytes; larger ones answer 413
     * @param advertisedHost the host others reach this application at, or null for {@code server.address} (or this
     *     machine's address when that is unset or a wildcard)
     */
    public ReactiveEndpointHost(Environment environment, String apiToken, int maxBodyBytes, String advertisedHost) {
        super(environment, List.of("spring.webflux.base-path"), apiToken, maxBodyBytes, advertisedHost);
    }

    @Override
    public Mono<Object> getHandler(ServerWebExchange exchange) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        ManagementEndpoint endpoint = endpoints.find(path);
        if (endpoint == null) {
            return Mono.empty();
        }
        WebHandler handler = e -> serve(endpoint, path, e);
        return Mono.just(handler);
    }

    private Mono<Void> serve(ManagementEndpoint endpoint, String path, ServerWebExchange exchange) {
        ServerHttpRequest req = exchange.getRequest();
        Optional<ManagementResponse> refusal = endpoints.refuseHeaders(path, req.getHeaders().getFirst("Authorization"),
                req.getHeaders().getContentLength());
        if (refusal.isPresent()) {
            return write(exchange.getResponse(), refusal.get());
        }
        CompletableFuture<Void> closed = new CompletableFuture<>();
        String contentType = req.getHeaders().getFirst("Content-Type");
        return DataBufferUtils.join(req.getBody(), endpoints.maxBodyBytes())
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .publishOn(Schedulers.boundedElastic())
                .map(body -> endpoints.call(endpoint, new Request(req, path, body, closed), contentType))
                .onErrorResume(DataBufferLimitException.class, e -> Mono.just(endpoints.tooLarge()))
                .doOnCancel(() -> closed.complete(null))
                .flatMap(answer -> write(exchange.getResponse(), answer));
    }

    private static Mono<Void> write(ServerHttpResponse res, ManagementResponse answer) {
        res.setStatusCode(HttpStatusCode.valueOf(answer.status()));
        if (answer.contentType() != null) {
            res.getHeaders().set("Content-Type", answer.contentType());
        }
        for (Map.Entry<String, String> header : answer.headers().entrySet()) {
            res.getHeaders().set(header.getKey(), header.getValue());
        }
        res.getHeaders().setContentLength(answer.body().length);
        return res.writeWith(Mono.just(res.bufferFactory().wrap(answer.body())));
    }

    /** A reactive request, its body read, as an endpoint reads it. */
    private record Request(ServerHttpRequest req, String path, byte[] body, CompletableFuture<Void> closed)
            implements ManagementRequest {
        @Override
        public String method() {
            return req.getMethod().name();
        }

        @Override
        public Optional<String> header(String name) {
            return Optional.ofNullable(req.getHeaders().getFirst(name));
        }

        @Override
        public Optional<String> query(String name) {
            return ManagementRequest.onlyValue(name, req.getQueryParams().getOrDefault(name, List.of()));
        }

        @Override
        public CompletionStage<Void> whenClosed() {
            return closed.minimalCompletionStage();
        }

        @Override
        public boolean isClosed() {
            return closed.isDone();
        }
    }
}
