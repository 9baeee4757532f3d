package io.patternkit.sidecar.ambassador;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One replica of a shard: its address, the requests outstanding on it (for least-outstanding
 * balancing), and the circuit breaker that ejects it while it fails ({@link UpstreamSpec.Ejection}).
 * Every attempt that was granted a permission by {@link #tryAcquire()} ends in exactly one of
 * {@link #succeeded}, {@link #failed} or {@link #cancelled}. Thread-safe.
 */
final class Endpoint {
    private final URI url;
    private final Origin origin;
    private final UpstreamSpec.Ejection ejection;
    private final CircuitBreaker breaker;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final LongAdder attempts = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile long ejectedUntilNanos; // System.nanoTime() when the last opening's ejection ends

    /**
     * @param url the replica's base URL, checked by {@link UpstreamSpec.Shard}
     * @param ejection when its circuit opens and for how long
     */
    Endpoint(URI url, UpstreamSpec.Ejection ejection) {
        this.url = url;
        this.origin = Origin.of(url);
        this.ejection = ejection;
        this.breaker = CircuitBreaker.of(url.toString(), CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(ejection.window())
                .minimumNumberOfCalls(ejection.minimumCalls())
                .failureRateThreshold(ejection.failureRatePercent())
                .waitDurationInOpenState(ejection.duration())
                .permittedNumberOfCallsInHalfOpenState(2)
                .recordExceptions(Throwable.class)
                .build());
        breaker.getEventPublisher().onStateTransition(event -> {
            if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                ejectedUntilNanos = System.nanoTime() + ejection.duration().toNanos();
            }
        });
    }

    /** @return the replica's base URL */
    URI url() {
        return url;
    }

    /** @return the ejection settings its breaker was built with */
    UpstreamSpec.Ejection ejection() {
        return ejection;
    }

    /**
     * @return whether it is ejected: its circuit opened less than the ejection's duration ago. Past that, the circuit
     *     stays open until the next {@link #tryAcquire()} turns it half-open, so an open circuit whose ejection has
     *     ended counts as not ejected: else a replica with a healthy sibling would never be picked for that trial
     */
    boolean ejected() {
        CircuitBreaker.State state = breaker.getState();
        return state == CircuitBreaker.State.FORCED_OPEN
                || state == CircuitBreaker.State.OPEN && System.nanoTime() - ejectedUntilNanos < 0;
    }

    /** @return requests in flight on it now */
    int outstanding() {
        return outstanding.get();
    }

    /**
     * Asks its circuit breaker for an attempt; when granted, counts the attempt as outstanding.
     *
     * @return whether it may take the attempt (closed, or half-open with a trial permission left,
     *     or open past its ejection, which makes it half-open)
     */
    boolean tryAcquire() {
        if (!breaker.tryAcquirePermission()) {
            return false;
        }
        outstanding.incrementAndGet();
        attempts.increment();
        return true;
    }

    /**
     * Ends a granted attempt that the replica answered without a server error.
     *
     * @param elapsed how long it took
     */
    void succeeded(Duration elapsed) {
        outstanding.decrementAndGet();
        breaker.onSuccess(elapsed.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Ends a granted attempt that failed: no connection, a timeout, a reset or a 5xx answer.
     *
     * @param elapsed how long it took
     * @param cause what went wrong
     */
    void failed(Duration elapsed, Throwable cause) {
        outstanding.decrementAndGet();
        failures.increment();
        breaker.onError(elapsed.toNanos(), TimeUnit.NANOSECONDS, cause);
    }

    /**
     * Ends a granted attempt that was called off before it answered (a hedge lost), counting it
     * neither as success nor as failure.
     */
    void cancelled() {
        outstanding.decrementAndGet();
        breaker.releasePermission();
    }

    /**
     * @param uri the app's request URI (path and query), appended to the replica's base path
     * @param idleTimeout the attempt's per-try timeout
     * @return the options of one attempt's request to this replica
     */
    RequestOptions request(String uri, Duration idleTimeout) {
        return origin.request(uri, idleTimeout);
    }

    /** @return the state for the management API: closed, open, half-open */
    String state() {
        return breaker.getState().name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @return attempts it was granted since it was configured */
    long attempts() {
        return attempts.sum();
    }

    /** @return failed attempts since it was configured */
    long failures() {
        return failures.sum();
    }
}
