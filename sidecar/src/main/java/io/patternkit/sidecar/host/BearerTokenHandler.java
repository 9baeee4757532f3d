package io.patternkit.sidecar.host;

import io.patternkit.protocol.ProblemType;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Requires {@code Authorization: Bearer <token>} on every request it guards, comparing the token in
 * constant time ({@link MessageDigest#isEqual}); answers 401 {@code unauthorized} otherwise.
 * The token is never logged.
 */
final class BearerTokenHandler implements Handler<RoutingContext> {
    private static final String PREFIX = "Bearer ";
    private final byte[] expected;
    private final Responses responses;

    BearerTokenHandler(String token, Responses responses) {
        this.expected = token.getBytes(StandardCharsets.UTF_8);
        this.responses = responses;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        boolean ok = header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                && MessageDigest.isEqual(expected, header.substring(PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8));
        if (ok) {
            ctx.next();
        } else {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            responses.problem(ctx, ProblemType.UNAUTHORIZED, "a valid Authorization: Bearer token is required", List.of());
        }
    }
}
