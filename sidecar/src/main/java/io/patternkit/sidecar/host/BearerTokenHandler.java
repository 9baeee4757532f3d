package io.patternkit.sidecar.host;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.patternkit.protocol.ProblemType;
import io.patternkit.server.security.AuthFailureLimiter;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Requires {@code Authorization: Bearer <token>} on every request it guards, comparing the token in
 * constant time ({@link MessageDigest#isEqual}); answers 401 {@code unauthorized} otherwise. Failures are counted
 * ({@code patternkit.sidecar.auth.failures}) and limited per remote address ({@link AuthFailureLimiter}): an
 * address over its limit gets 429 {@code rate-limited} with {@code Retry-After} before its token is looked at
 * ({@code patternkit.sidecar.auth.refused}). The token is never logged.
 */
final class BearerTokenHandler implements Handler<RoutingContext> {
    private static final String PREFIX = "Bearer ";
    private final byte[] expected;
    private final Responses responses;
    private final AuthFailureLimiter limiter;
    private final Counter failures;
    private final Counter refused;

    BearerTokenHandler(String token, Responses responses, AuthFailureLimiter limiter, MeterRegistry registry) {
        this.expected = token.getBytes(StandardCharsets.UTF_8);
        this.responses = responses;
        this.limiter = limiter;
        this.failures = Counter.builder("patternkit.sidecar.auth.failures")
                .description("requests refused with 401: no or a wrong bearer token").register(registry);
        this.refused = Counter.builder("patternkit.sidecar.auth.refused")
                .description("requests refused with 429 because their address failed authentication too often")
                .register(registry);
    }

    @Override
    public void handle(RoutingContext ctx) {
        Optional<Duration> wait = limiter.refusedFor(ctx.request().remoteAddress());
        if (wait.isPresent()) {
            refused.increment();
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            ctx.response().putHeader("Retry-After", Long.toString(seconds));
            responses.problem(ctx, ProblemType.RATE_LIMITED, "too many failed authentications from this address; retry "
                    + "after " + seconds + " s with the right token", List.of());
            return;
        }
        String header = ctx.request().getHeader("Authorization");
        boolean ok = header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                && MessageDigest.isEqual(expected, header.substring(PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8));
        if (ok) {
            ctx.next();
        } else {
            failures.increment();
            limiter.failed(ctx.request().remoteAddress());
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            responses.problem(ctx, ProblemType.UNAUTHORIZED, "a valid Authorization: Bearer token is required", List.of());
        }
    }
}
