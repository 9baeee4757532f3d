package io.patternkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.patternkit.core.ConflictException;
import io.patternkit.core.FieldError;
import io.patternkit.core.InvalidRequestException;
import io.patternkit.core.NotFoundException;
import io.patternkit.core.PatternkitException;
import io.patternkit.core.PayloadTooLargeException;
import io.patternkit.core.ProtocolException;
import io.patternkit.core.RateLimitedException;
import io.patternkit.core.SidecarUnavailableException;
import io.patternkit.core.UnauthorizedException;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ProblemsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    private static PatternkitException map(int status, ProblemType type, String retryAfter) {
        String body = type == null ? "" : "{\"type\":\"" + type.uri() + "\",\"title\":\"t\",\"status\":" + status
                + ",\"detail\":\"the detail\"}";
        return Problems.fromResponse(status, retryAfter, body.getBytes(StandardCharsets.UTF_8), "http://sc:1", CLOCK);
    }

    @Test
    void mapsEveryStatusToItsType() {
        assertThat(map(401, ProblemType.UNAUTHORIZED, null)).isInstanceOf(UnauthorizedException.class)
                .hasMessageContaining("set " + Wire.ENV_API_TOKEN + " to the sidecar's token");
        assertThat(map(404, ProblemType.NOT_FOUND, null)).isInstanceOf(NotFoundException.class);
        assertThat(map(404, ProblemType.ROUTE_NOT_FOUND, null)).as("a wrong URL is never 'absent'")
                .isExactlyInstanceOf(ProtocolException.class).hasMessageContaining("404 route-not-found")
                .hasMessageContaining("runs this pattern");
        assertThat(map(404, null, null)).as("nor is a 404 that is no Patternkit problem")
                .isExactlyInstanceOf(ProtocolException.class).hasMessageContaining("serves no such route");
        assertThat(map(500, ProblemType.INTERNAL, null)).isExactlyInstanceOf(ProtocolException.class)
                .hasMessageContaining("a bug in the sidecar");
        assertThat(map(409, ProblemType.RECEIPT_STALE, null)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("the detail");
        assertThat(map(413, ProblemType.PAYLOAD_TOO_LARGE, null)).isInstanceOf(PayloadTooLargeException.class);
        assertThat(map(500, ProblemType.INTERNAL, null)).isInstanceOf(ProtocolException.class);
        assertThat(map(502, null, null)).isInstanceOf(ProtocolException.class).extracting(PatternkitException::status)
                .isEqualTo(502);
    }

    @Test
    void carriesStatusTypeAndRetryability() {
        PatternkitException e = map(409, ProblemType.RECEIPT_STALE, null);
        assertThat(e.status()).isEqualTo(409);
        assertThat(e.problemType()).contains(ProblemType.RECEIPT_STALE.uri());
        assertThat(Problems.slug(e)).isEqualTo("receipt-stale");
        assertThat(e.isRetryable()).isFalse();
        assertThat(map(503, ProblemType.ENGINE_UNAVAILABLE, null).isRetryable()).isTrue();
        assertThat(map(429, ProblemType.RATE_LIMITED, null)).hasMessageContaining("check the API token")
                .extracting(PatternkitException::isRetryable).isEqualTo(true);
        assertThat(map(408, ProblemType.REQUEST_TIMEOUT, null)).isInstanceOf(SidecarUnavailableException.class)
                .hasMessageContaining("stopped waiting for the request's body").extracting(PatternkitException::isRetryable)
                .isEqualTo(true);
    }

    @Test
    void readsFieldErrorsOfAnInvalidRequest() {
        String body = "{\"type\":\"" + ProblemType.INVALID_REQUEST.uri() + "\",\"title\":\"Invalid request\","
                + "\"status\":400,\"errors\":[{\"field\":\"max\",\"message\":\"must be at most 1000\"}]}";
        PatternkitException e = Problems.fromResponse(400, null, body.getBytes(StandardCharsets.UTF_8), "x", CLOCK);
        assertThat(e).isInstanceOf(InvalidRequestException.class).hasMessageContaining("max: must be at most 1000");
        assertThat(((InvalidRequestException) e).fieldErrors())
                .containsExactly(new FieldError("max", "must be at most 1000"));
    }

    @Test
    void parsesRetryAfterAsSecondsOrHttpDate() {
        assertThat(map(429, ProblemType.RATE_LIMITED, "2")).isInstanceOf(RateLimitedException.class)
                .extracting(e -> e.retryAfter().orElseThrow()).isEqualTo(Duration.ofSeconds(2));
        assertThat(map(503, ProblemType.ENGINE_UNAVAILABLE, "Thu, 01 Jan 2026 00:00:05 GMT"))
                .isInstanceOf(SidecarUnavailableException.class)
                .extracting(e -> e.retryAfter().orElseThrow()).isEqualTo(Duration.ofSeconds(5));
        assertThat(map(503, null, "soon").retryAfter()).isEmpty();
    }

    @Test
    void toleratesBodiesThatAreNotProblemDocuments() {
        PatternkitException e = Problems.fromResponse(503, null, "<html>busy</html>".getBytes(StandardCharsets.UTF_8),
                "x", CLOCK);
        assertThat(e).isInstanceOf(SidecarUnavailableException.class);
        assertThat(e.problemType()).isEmpty();
    }
}
