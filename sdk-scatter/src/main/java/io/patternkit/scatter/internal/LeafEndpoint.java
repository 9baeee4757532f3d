package io.patternkit.scatter.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.patternkit.management.ManagementEndpoint;
import io.patternkit.management.ManagementRequest;
import io.patternkit.management.ManagementResponse;
import io.patternkit.core.internal.Json;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import io.patternkit.scatter.LeafHandler;
import io.patternkit.scatter.ScatterMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leaf endpoint on the management server: {@code GET} answers the leaf's identity (DNS discovery asks
 * it), {@code POST} runs the handler with a {@link DefaultLeafContext} cancelled when the root closes the
 * connection or the passed-down budget runs out. Bad calls get 400 {@code invalid-request}, handler
 * failures 500 {@code leaf-failed}, answers after the budget 504 {@code deadline-exceeded}, all as
 * problem documents. Internal.
 *
 * @param <Q> the request type
 * @param <P> the part type
 */
public final class LeafEndpoint<Q, P> implements ManagementEndpoint {
    /** Header: the remaining budget in milliseconds. */
    public static final String DEADLINE_HEADER = Wire.HEADER_DEADLINE_MS;
    /** Header: the scatter id. */
    public static final String SCATTER_ID_HEADER = Wire.HEADER_SCATTER_ID;
    /** Header: the attempt number. */
    public static final String ATTEMPT_HEADER = Wire.HEADER_ATTEMPT;
    /** Budget assumed when the root passes none (the root's own maximum deadline). */
    static final Duration DEFAULT_BUDGET = Duration.ofMillis(Wire.MAX_SCATTER_DEADLINE_MS);
    /** The highest attempt number the contract allows. */
    private static final long MAX_ATTEMPT = 1_000;
    private static final Logger log = LoggerFactory.getLogger(LeafEndpoint.class);
    private static final Set<String> LEAF_CALL_MEMBERS = Set.of("pool", "shard", "scatterId", "request");

    private final String pool;
    private final String shard;
    private final String leafId;
    private final Class<Q> requestType;
    private final LeafHandler<Q, P> handler;
    private final ScheduledExecutorService timers;
    private final MeterRegistry registry;

    /**
     * @param pool the pool
     * @param shard the shard
     * @param leafId the leaf id
     * @param requestType the request type
     * @param handler the application's handler
     * @param timers runs the deadline cancellations
     * @param registry where {@link ScatterMetrics#LEAF_CALLS} goes
     */
    public LeafEndpoint(String pool, String shard, String leafId, Class<Q> requestType, LeafHandler<Q, P> handler,
            ScheduledExecutorService timers, MeterRegistry registry) {
        this.pool = pool;
        this.shard = shard;
        this.leafId = leafId;
        this.requestType = requestType;
        this.handler = handler;
        this.timers = timers;
        this.registry = registry;
    }

    @Override
    public ManagementResponse handle(ManagementRequest request) {
        switch (request.method()) {
            case "GET":
                return ManagementResponse.jsonOf(200, new Dto.LeafInfo(pool, shard, leafId));
            case "POST":
                return call(request);
            default:
                return ManagementResponse.problem(ProblemType.METHOD_NOT_ALLOWED, "the leaf endpoint accepts GET and POST")
                        .withHeader("Allow", "GET, POST");
        }
    }

    private ManagementResponse call(ManagementRequest request) {
        JsonNode body;
        try {
            body = Json.readTree(request.body());
        } catch (IOException e) {
            return invalid("the body is not JSON");
        }
        if (body == null || !body.isObject() || !body.has("request")) {
            return invalid("the body must be a JSON object with a 'request' member");
        }
        Optional<String> unknown = Dto.unknownMember(body, LEAF_CALL_MEMBERS);
        if (unknown.isPresent()) {
            return invalid("unknown member '" + unknown.get() + "'; a leaf call has pool, shard, scatterId and request");
        }
        for (String member : List.of("pool", "shard", "scatterId")) {
            if (!body.path(member).isTextual()) {
                return invalid("a leaf call's '" + member + "' must be a string");
            }
        }
        if (!pool.equals(body.get("pool").textValue())) {
            return invalid("this leaf serves pool '" + pool + "', not '" + body.get("pool").textValue() + "'");
        }
        if (!shard.equals(body.get("shard").textValue())) {
            return invalid("this leaf serves shard '" + shard + "', not '" + body.get("shard").textValue() + "'");
        }
        Optional<Long> budgetMs = number(request, DEADLINE_HEADER, Wire.MAX_SCATTER_DEADLINE_MS);
        Optional<Long> attempt = number(request, ATTEMPT_HEADER, MAX_ATTEMPT);
        if (budgetMs == null || attempt == null) {
            return invalid("the " + (budgetMs == null ? DEADLINE_HEADER + " header must be an integer of 1 to "
                    + Wire.MAX_SCATTER_DEADLINE_MS : ATTEMPT_HEADER + " header must be an integer of 1 to " + MAX_ATTEMPT));
        }
        Q q;
        try {
            q = Json.treeToValue(body.get("request"), requestType);
        } catch (JsonProcessingException e) {
            return invalid("the request cannot be read as " + requestType.getName()
                    + (e instanceof JsonMappingException m ? " (at " + m.getPathReference() + ")" : ""));
        }
        String scatterId = request.header(SCATTER_ID_HEADER).orElse(body.get("scatterId").textValue());
        Duration budget = budgetMs.map(Duration::ofMillis).orElse(DEFAULT_BUDGET);
        DefaultLeafContext context = new DefaultLeafContext(pool, shard, leafId, scatterId,
                attempt.orElse(1L).intValue(), budget);
        request.whenClosed().thenRun(context::cancel);
        ScheduledFuture<?> timer = timers.schedule(context::cancel, budget.toNanos(), TimeUnit.NANOSECONDS);
        long start = System.nanoTime();
        String outcome = "answered";
        try {
            P part = handler.handle(q, context);
            if (context.remaining().isZero()) {
                return deadlineExceeded(budget);
            }
            return ManagementResponse.json(200, Json.write(part));
        } catch (Exception e) {
            if (context.remaining().isZero()) {
                log.debug("leaf handler of pool {} shard {} failed after its budget (scatter {}): {}", pool, shard,
                        scatterId, e.toString());
                return deadlineExceeded(budget);
            }
            if (context.isCancelled()) {
                // The root closed the connection (a hedge won, the policy was met): nobody reads this answer,
                // and a handler that gives up on cancellation, as it should, has not failed.
                log.debug("leaf handler of pool {} shard {} gave up after the root cancelled the call (scatter {}): {}",
                        pool, shard, scatterId, e.toString());
                return ManagementResponse.problem(ProblemType.LEAF_FAILED, "the call was cancelled by the root");
            }
            outcome = "failed";
            log.warn("leaf handler of pool {} shard {} failed (scatter {}, attempt {})", pool, shard, scatterId,
                    context.attempt(), e);
            return ManagementResponse.problem(ProblemType.LEAF_FAILED, "the leaf handler failed with "
                    + e.getClass().getName());
        } finally {
            timer.cancel(false);
            if (context.isCancelled()) {
                outcome = "cancelled";
            }
            Timer.builder(ScatterMetrics.LEAF_CALLS).tag(ScatterMetrics.TAG_POOL, pool)
                    .tag(ScatterMetrics.TAG_STATUS, outcome).register(registry)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /** @return the header's value, empty when absent, null when it is no integer of 1 to {@code max} */
    private static Optional<Long> number(ManagementRequest request, String header, long max) {
        Optional<String> raw = request.header(header);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            long v = Long.parseLong(raw.get().strip());
            return v < 1 || v > max ? null : Optional.of(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static ManagementResponse deadlineExceeded(Duration budget) {
        return ManagementResponse.problem(ProblemType.DEADLINE_EXCEEDED, "the leaf did not finish within the "
                + budget.toMillis() + " ms the root passed down");
    }

    private static ManagementResponse invalid(String detail) {
        return ManagementResponse.problem(ProblemType.INVALID_REQUEST, detail);
    }
}
