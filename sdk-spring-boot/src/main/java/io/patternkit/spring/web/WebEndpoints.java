package io.patternkit.spring.web;

import io.patternkit.core.internal.ApiTokens;
import io.patternkit.management.EndpointHost;
import io.patternkit.management.ManagementEndpoint;
import io.patternkit.management.ManagementRequest;
import io.patternkit.management.ManagementResponse;
import io.patternkit.management.RequestBodies;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the MVC and WebFlux hosts share: the mounted endpoints by exact path, the checks a request passes before an
 * endpoint sees it (the API token, the body's size, {@link RequestBodies}) and the call itself
 * ({@link EndpointHost#answer}). The same rules as the SDK's management server, so an
 * endpoint answers alike on either. Thread-safe.
 */
final class WebEndpoints {
    private final Map<String, ManagementEndpoint> endpoints = new ConcurrentHashMap<>();
    private final byte[] token;
    private final int maxBodyBytes;
    private final Supplier<URI> baseUrl;

    /**
     * @param token the API token requests must carry as {@code Authorization: Bearer}, or null for none
     * @param maxBodyBytes the largest body read, in bytes; larger ones answer 413
     * @param baseUrl the application's URL as others reach it, context path included; throws while not serving
     */
    WebEndpoints(String token, int maxBodyBytes, Supplier<URI> baseUrl) {
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.maxBodyBytes = maxBodyBytes;
        this.baseUrl = baseUrl;
    }

    EndpointHost.Mount mount(String path, ManagementEndpoint endpoint) {
        EndpointHost.requireMountPath(path);
        if (endpoints.putIfAbsent(path, Objects.requireNonNull(endpoint, "endpoint")) != null) {
            throw new IllegalStateException("the path " + path + " is served already");
        }
        return () -> endpoints.remove(path, endpoint);
    }

    /** @return the endpoint at a path within the application (context path removed), or null */
    ManagementEndpoint find(String path) {
        return endpoints.get(path);
    }

    URI baseUrl() {
        return baseUrl.get();
    }

    /** @return true once the web server has started, so that {@link #baseUrl()} answers */
    boolean serving() {
        try {
            baseUrl.get();
            return true;
        } catch (IllegalStateException notYet) {
            return false;
        }
    }

    int maxBodyBytes() {
        return maxBodyBytes;
    }

    boolean requiresToken() {
        return token != null;
    }

    /**
     * The checks made from the headers, before the body is read.
     *
     * @param path the request's path within the application
     * @param authorization the {@code Authorization} header, or null
     * @param contentLength the declared body length, or -1 when unknown
     * @return the answer that refuses the request, or empty
     */
    Optional<ManagementResponse> refuseHeaders(String path, String authorization, long contentLength) {
        if (token != null && !path.startsWith(Wire.APP_HEALTH_PREFIX) && !ApiTokens.matches(token, authorization)) {
            return Optional.of(closing(ManagementResponse.problem(ProblemType.UNAUTHORIZED,
                    "a valid Authorization: Bearer token is required").withHeader("WWW-Authenticate", "Bearer")));
        }
        return contentLength > maxBodyBytes ? Optional.of(tooLarge()) : Optional.empty();
    }

    /** @return 413, closing the connection: the rest of the body is never read */
    ManagementResponse tooLarge() {
        return closing(ManagementResponse.problem(ProblemType.PAYLOAD_TOO_LARGE,
                "the request body is larger than " + maxBodyBytes + " bytes"));
    }

    /**
     * An answer sent before the body is read ends the connection (RFC 9112 section 9.6), as the management server's
     * do: the unread rest of the body would otherwise be read as the next request on a kept-alive connection.
     */
    private static ManagementResponse closing(ManagementResponse answer) {
        return answer.withHeader("Connection", "close");
    }

    /**
     * Checks the body, then calls the endpoint (on the caller's thread).
     *
     * @return the endpoint's answer, a refusal of the body, or 500 when the endpoint failed
     */
    ManagementResponse call(ManagementEndpoint endpoint, ManagementRequest request, String contentType) {
        return RequestBodies.refusal(contentType, request.body()).orElseGet(() -> EndpointHost.answer(endpoint, request));
    }
}
