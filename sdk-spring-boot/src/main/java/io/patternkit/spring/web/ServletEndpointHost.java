package io.patternkit.spring.web;

import io.patternkit.management.ManagementEndpoint;
import io.patternkit.management.ManagementRequest;
import io.patternkit.management.ManagementResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.springframework.core.env.Environment;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * Patternkit's endpoints (a scatter leaf, a merge container) served on the application's own Spring MVC web server
 * instead of a second server: a {@link HandlerMapping} ordered before the application's controllers that matches only
 * the mounted paths, exactly, and serves each on the request's servlet thread. The request passes the same checks as
 * on the SDK's {@link io.patternkit.management.ManagementServer} (the API token when one is configured, 401; the body
 * cap, 413; JSON media type, 415; well-formed text, 400), all answered as RFC 9457 problem documents. The application's
 * own servlet filters (Spring Security among them) run first. A servlet does not hear a client close the connection
 * while the handler runs, so {@link ManagementRequest#whenClosed()} never completes here: a leaf still stops at the
 * deadline the root passed down, and WebFlux hears the close. Thread-safe.
 */
public final class ServletEndpointHost extends WebEndpointHost implements HandlerMapping {
    /**
     * @param environment the application's environment: the port it listens on once started
     *     ({@code local.server.port}), its address ({@code server.address}), TLS ({@code server.ssl.*}) and its
     *     servlet context path ({@code server.servlet.context-path}) and the dispatcher servlet's path
     *     ({@code spring.mvc.servlet.path})
     * @param apiToken the token requests must carry as {@code Authorization: Bearer}, the one the sidecars share; null
     *     for none
     * @param maxBodyBytes the largest request body read, in bytes; larger ones answer 413
     * @param advertisedHost the host others reach this application at, or null for {@code server.address} (or this
     *     machine's address when that is unset or a wildcard)
     */
    public ServletEndpointHost(Environment environment, String apiToken, int maxBodyBytes, String advertisedHost) {
        super(environment, List.of("server.servlet.context-path", "spring.mvc.servlet.path"), apiToken, maxBodyBytes, advertisedHost);
    }

    @Override
    public HandlerExecutionChain getHandler(HttpServletRequest request) {
        String path = pathWithinApplication(request);
        ManagementEndpoint endpoint = endpoints.find(path);
        if (endpoint == null) {
            return null;
        }
        HttpRequestHandler handler = (req, res) -> serve(endpoint, path, req, res);
        return new HandlerExecutionChain(handler);
    }

    /** The request's path below the context path and the dispatcher servlet's path, as Spring MVC's mappings see it. */
    private static String pathWithinApplication(HttpServletRequest request) {
        if (ServletRequestPathUtils.hasParsedRequestPath(request)) {
            return ServletRequestPathUtils.getParsedRequestPath(request).pathWithinApplication().value();
        }
        String path = ServletRequestPathUtils.parseAndCache(request).pathWithinApplication().value();
        ServletRequestPathUtils.clearParsedRequestPath(request); // as found: the dispatcher parses it when it needs it
        return path;
    }

    private void serve(ManagementEndpoint endpoint, String path, HttpServletRequest req, HttpServletResponse res)
            throws IOException {
        Optional<ManagementResponse> refusal = endpoints.refuseHeaders(path, req.getHeader("Authorization"),
                req.getContentLengthLong());
        if (refusal.isPresent()) {
            write(res, refusal.get());
            return;
        }
        byte[] body;
        try (InputStream in = req.getInputStream()) {
            body = in.readNBytes(endpoints.maxBodyBytes() + 1);
        }
        if (body.length > endpoints.maxBodyBytes()) {
            write(res, endpoints.tooLarge());
            return;
        }
        write(res, endpoints.call(endpoint, new Request(req, path, body), req.getContentType()));
    }

    private static void write(HttpServletResponse res, ManagementResponse answer) throws IOException {
        res.setStatus(answer.status());
        if (answer.contentType() != null) {
            res.setContentType(answer.contentType());
        }
        for (Map.Entry<String, String> header : answer.headers().entrySet()) {
            res.setHeader(header.getKey(), header.getValue());
        }
        res.setContentLength(answer.body().length);
        res.getOutputStream().write(answer.body());
    }

    /** A servlet request as an endpoint reads it. */
    private record Request(HttpServletRequest req, String path, byte[] body) implements ManagementRequest {
        private static final CompletableFuture<Void> NEVER = new CompletableFuture<>();

        @Override
        public String method() {
            return req.getMethod();
        }

        @Override
        public Optional<String> header(String name) {
            return Optional.ofNullable(req.getHeader(name));
        }

        @Override
        public Optional<String> query(String name) {
            String[] values = req.getParameterValues(name);
            return ManagementRequest.onlyValue(name, values == null ? List.of() : List.of(values));
        }

        @Override
        public CompletionStage<Void> whenClosed() {
            return NEVER.minimalCompletionStage();
        }

        @Override
        public boolean isClosed() {
            return false;
        }
    }
}
