package io.patternkit.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.patternkit.core.CallCancelledException;
import io.patternkit.core.CallTimeoutException;
import io.patternkit.core.ClientMetrics;
import io.patternkit.core.PatternkitException;
import io.patternkit.core.ProtocolException;
import io.patternkit.core.SidecarCallContext;
import io.patternkit.core.SidecarConfig;
import io.patternkit.core.SidecarReadiness;
import io.patternkit.core.SidecarUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.tls.HandshakeCertificates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP path from every Patternkit SDK module to its sidecar; for the Patternkit SDK modules
 * only. Thread-safe; one instance per {@link SidecarConfig}, shared by all calls.
 *
 * <p>Per call: one shared OkHttp client (long-polls use a derived client whose read and call timeouts
 * add the wait), JSON bodies through {@link Json}, {@code Authorization: Bearer} when a token is set,
 * problem documents mapped to typed exceptions by {@link Problems}. Resilience: a circuit breaker
 * around every attempt (open means {@code SidecarUnavailableException} without a network call) and a
 * retry with exponential backoff and jitter, honouring {@code Retry-After}. Idempotent calls are
 * retried on any retryable failure; the others only when the connection could not be made, so the
 * request certainly never reached the sidecar. OkHttp's own silent retries are disabled.
 *
 * <p>Metrics: timer {@link ClientMetrics#CALLS} per logical call and counter {@link ClientMetrics#RETRIES}.
 * Logging: DEBUG per call, WARN per retry; never payloads or the token.
 */
public final class Transport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Transport.class);
    private static final MediaType JSON = MediaType.get("application/json");
    private static final String ACCEPT = "application/json, application/problem+json";
    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);
    /** The half-open breaker's trial call in place of a long-poll ({@link #throughBreaker}). */
    private static final SidecarCall LIVENESS_PROBE = SidecarCall.get("liveness", "/healthz/live");

    private final SidecarConfig config;
    private final String sidecar;
    private final OkHttpClient client;
    private final Map<Duration, OkHttpClient> longPollClients = new ConcurrentHashMap<>();
    private final CircuitBreaker breaker;
    private final Retry idempotentRetry;
    private final Retry unsentRetry;
    private final Retry noRetry = Retry.of("patternkit-none", RetryConfig.custom().maxAttempts(1).build());
    private final MeterRegistry registry;
    /** Runs asynchronous calls other than long-polls, at most {@link SidecarConfig#maxAsyncCalls} at once, in order. */
    private final ThreadPoolExecutor async;
    /** Runs asynchronous long-polls, a thread each for as long as it parks. */
    private final ExecutorService asyncLongPolls;
    /** Completes the futures of {@link #async}'s calls, whose callbacks then hold none of its places. */
    private final ExecutorService asyncCompletions;
    /** Runs long-polls, without OkHttp's default limit of 5 per host: each one is a parked request. */
    private final Dispatcher longPollDispatcher;
    private volatile boolean closed;

    /**
     * @param config the sidecar's configuration; the transport uses its URL, token, timeouts, retry and
     *     breaker settings, meter registry and clock
     */
    public Transport(SidecarConfig config) {
        this.config = config;
        this.sidecar = config.baseUrl() + config.urlVariable().map(v -> " (from " + v + ")").orElse("");
        this.registry = config.meterRegistry();
        // The call timeout bounds the whole call, reading and writing included, with one timer per call; a read or
        // write timeout as long could never fire first, and would enter Okio's timeout queue (a lock and an insertion)
        // on every socket read and write besides (docs/benchmarks.md, section 1's notes).
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .connectTimeout(config.connectTimeout())
                .readTimeout(Duration.ZERO)
                .writeTimeout(Duration.ZERO)
                .callTimeout(config.callTimeout())
                .retryOnConnectionFailure(false)
                .followRedirects(false);
        config.trustedCertificates().ifPresent(pem -> {
            HandshakeCertificates trusted = trusting(pem);
            http.sslSocketFactory(trusted.sslSocketFactory(), trusted.trustManager());
        });
        this.client = http.build();
        this.breaker = CircuitBreaker.of("patternkit:" + config.baseUrl(), CircuitBreakerConfig.custom()
                .failureRateThreshold(config.circuitBreakerFailureRate())
                .slidingWindowSize(config.circuitBreakerWindow())
                .minimumNumberOfCalls(config.circuitBreakerWindow())
                .waitDurationInOpenState(config.circuitBreakerOpenDuration())
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordException(Transport::isOutage)
                .build());
        this.idempotentRetry = retry("idempotent", e -> e instanceof PatternkitException p && p.isRetryable()
                && !(e instanceof CircuitOpenException));
        this.unsentRetry = retry("unsent", e -> e.getCause() instanceof ConnectException);
        this.async = new ThreadPoolExecutor(config.maxAsyncCalls(), config.maxAsyncCalls(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), DaemonThreads.numbered("patternkit-async-"));
        async.allowCoreThreadTimeOut(true);
        this.asyncLongPolls = Executors.newCachedThreadPool(DaemonThreads.numbered("patternkit-async-long-poll-"));
        this.asyncCompletions = Executors.newCachedThreadPool(DaemonThreads.numbered("patternkit-async-completion-"));
        this.longPollDispatcher = new Dispatcher(Executors.newCachedThreadPool(DaemonThreads.numbered("patternkit-long-poll-")));
        longPollDispatcher.setMaxRequests(Integer.MAX_VALUE);
        longPollDispatcher.setMaxRequestsPerHost(Integer.MAX_VALUE);
    }

    /** @return the configuration this transport was made from */
    public SidecarConfig config() {
        return config;
    }

    /**
     * Asks the sidecar's readiness probe once: no retry, outside the circuit breaker (a probe of an unready sidecar
     * must not open the breaker for the calls that follow), within the call timeout.
     *
     * @return the answer; never throws
     */
    public SidecarReadiness readiness() {
        Request request = new Request.Builder().url(config.baseUrl() + "/healthz/ready").header("Accept", ACCEPT)
                .get().build();
        try (Response response = client.newCall(request).execute()) {
            ResponseBody body = response.body();
            JsonNode json = body == null ? null : Json.mapper().readTree(body.bytes());
            String status = json != null && json.hasNonNull("status") ? json.get("status").asText()
                    : response.isSuccessful() ? "UP" : "DOWN";
            Optional<String> detail = json != null && json.hasNonNull("detail")
                    ? Optional.of(json.get("detail").asText())
                    : response.isSuccessful() ? Optional.empty() : Optional.of("HTTP " + response.code());
            return new SidecarReadiness(response.isSuccessful(), status, detail);
        } catch (IOException e) {
            return new SidecarReadiness(false, "UNREACHABLE", Optional.of(sidecar + ": " + e));
        }
    }

    /**
     * Makes one logical call (with retries as the call's idempotency allows) and reads the answer.
     *
     * @param call what to call
     * @param responseType the type of a 2xx body, {@code byte[].class} for its bytes as they came, or
     *     {@code Void.class} for none
     * @param <T> the response type
     * @return the parsed body, or null for {@code Void.class}
     * @throws PatternkitException the typed failure of the last attempt
     */
    public <T> T execute(SidecarCall call, Class<T> responseType) {
        return measured(call, call.idempotent() ? idempotentRetry : unsentRetry, () -> guarded(call, responseType));
    }

    /**
     * Makes one call without any retry (still through the circuit breaker, measured and mapped like
     * {@link #execute}); for periodic calls such as heartbeats, whose next period is the retry.
     *
     * @param call what to call
     * @param responseType the type of a 2xx body, {@code byte[].class} for its bytes as they came, or
     *     {@code Void.class} for none
     * @param <T> the response type
     * @return the parsed body, or null for {@code Void.class}
     * @throws PatternkitException the typed failure
     */
    public <T> T executeOnce(SidecarCall call, Class<T> responseType) {
        return measured(call, noRetry, () -> guarded(call, responseType));
    }

    /**
     * Makes one call whose 2xx answer is read as a stream by {@code reader} (such as NDJSON, one line per
     * event, as the events arrive). Retried only when the connection could not be made, since the reader
     * may have acted on part of an answer. Error answers are mapped as by {@link #execute}.
     *
     * @param call what to call; its long-poll wait is added to the call timeout
     * @param accept the {@code Accept} header, such as {@code application/x-ndjson, application/json}
     * @param reader reads the 2xx body; its {@link IOException}s become {@link CallTimeoutException} (the call
     *     timeout passed) or {@link ProtocolException} (cut off); its unchecked exceptions propagate as they are
     * @param <T> the result type
     * @return what the reader returned
     * @throws PatternkitException the typed failure of the last attempt
     */
    public <T> T executeStreaming(SidecarCall call, String accept, ResponseReader<T> reader) {
        return measured(call, unsentRetry, () -> throughBreaker(call, () -> onceStreaming(call, accept, reader)));
    }

    private <T> T measured(SidecarCall call, Retry retry, Supplier<T> once) {
        Timer.Sample sample = Timer.start(registry);
        Observation observation = Observation.start(SidecarCallContext.NAME,
                () -> new SidecarCallContext(call.operation(), config.baseUrl()), config.observationRegistry());
        String outcome = ClientMetrics.OUTCOME_SUCCESS;
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<PatternkitException> last = new AtomicReference<>();
        Supplier<T> attempt = () -> {
            int n = attempts.incrementAndGet();
            if (n > 1) {
                Counter.builder(ClientMetrics.RETRIES).tag(ClientMetrics.TAG_OPERATION, call.operation())
                        .register(registry).increment();
                log.warn("retrying {} (retry {} of {}) after: {}", call.operation(), n - 1, config.maxRetries(),
                        last.get().getMessage());
            }
            try {
                return once.get();
            } catch (PatternkitException e) {
                last.set(e);
                throw e;
            }
        };
        Observation.Scope scope = observation.openScope(); // the current observation while attempts run
        try {
            return retry.executeSupplier(attempt);
        } catch (PatternkitException e) {
            outcome = outcome(e);
            observation.error(e);
            throw e;
        } catch (RuntimeException e) {
            outcome = ClientMetrics.OUTCOME_CALLBACK_ERROR;
            observation.error(e);
            throw e;
        } finally {
            scope.close();
            sample.stop(Timer.builder(ClientMetrics.CALLS).tag(ClientMetrics.TAG_OPERATION, call.operation())
                    .tag(ClientMetrics.TAG_OUTCOME, outcome).register(registry));
            if (observation.getContext() instanceof SidecarCallContext context) {
                context.outcome(outcome);
            }
            observation.stop();
        }
    }

    /**
     * Reads a streamed 2xx answer; see {@link #executeStreaming}.
     *
     * @param <T> the result type
     */
    @FunctionalInterface
    public interface ResponseReader<T> {
        /**
         * @param mediaType the answer's media type without parameters, such as {@code application/x-ndjson};
         *     empty when absent
         * @param body the body; the transport closes it
         * @return the result
         * @throws IOException when reading fails
         */
        T read(String mediaType, InputStream body) throws IOException;
    }

    /**
     * {@link #execute} on a transport-owned daemon thread: a long-poll at once on a thread of its own, any other call
     * when one of the {@link SidecarConfig#maxAsyncCalls} places is free, in the order the calls were made. The future
     * is completed on another thread than the call's, so that a caller's callback, even one that waits for another
     * asynchronous call of this client, holds no place (with every place so held, the calls they wait for could never
     * run). A future cancelled (or otherwise completed by the caller) before its call's turn came sends nothing; one
     * cancelled later does not stop the call it stands for.
     *
     * @param call what to call
     * @param responseType the type of a 2xx body, {@code byte[].class} for its bytes as they came, or {@code Void.class}
     * @param <T> the response type
     * @return a future completed with the body, or exceptionally with the {@link PatternkitException}
     */
    public <T> CompletableFuture<T> executeAsync(SidecarCall call, Class<T> responseType) {
        CompletableFuture<T> result = new CompletableFuture<>();
        boolean longPoll = !call.longPoll().isZero();
        Executor settle = longPoll ? Runnable::run : this::complete; // a long-poll's thread holds no place
        Runnable send = () -> {
            if (result.isDone()) {
                return; // cancelled while it waited for its turn
            }
            try {
                T value = execute(call, responseType);
                settle.execute(() -> result.complete(value));
            } catch (Throwable failure) { // whatever ends the call ends its future, as supplyAsync's would
                settle.execute(() -> result.completeExceptionally(failure));
            }
        };
        try {
            (longPoll ? asyncLongPolls : async).execute(send);
        } catch (RejectedExecutionException e) { // closed meanwhile
            return CompletableFuture.failedFuture(closedClient(call));
        }
        return result;
    }

    /** Runs a completion off the call's pool; inline once the transport is closed, when no call can wait for a place. */
    private void complete(Runnable completion) {
        try {
            asyncCompletions.execute(completion);
        } catch (RejectedExecutionException e) {
            completion.run();
        }
    }

    /**
     * Releases the HTTP connections and threads. Calls in progress may fail; later calls fail with
     * {@link CallCancelledException} without sending anything.
     */
    @Override
    public void close() {
        closed = true;
        async.shutdown();
        asyncLongPolls.shutdown();
        asyncCompletions.shutdown();
        client.dispatcher().executorService().shutdown();
        longPollDispatcher.cancelAll();
        longPollDispatcher.executorService().shutdown();
        client.connectionPool().evictAll();
    }

    private <T> T guarded(SidecarCall call, Class<T> responseType) {
        return throughBreaker(call, () -> once(call, responseType));
    }

    /**
     * One attempt through the circuit breaker. A long-poll is never the half-open breaker's one trial call: it may
     * park for its whole wait, and the breaker would refuse every other call meanwhile (a leader's renewals and a
     * consumer's acks among them), so unless the breaker is closed it first sends the trial itself, a liveness probe
     * (an open breaker turns half-open only when asked for a call after its open duration).
     */
    private <T> T throughBreaker(SidecarCall call, Supplier<T> attempt) {
        if (closed) {
            throw closedClient(call); // not retryable: ends the retries of a call under way when the client closed
        }
        try {
            if (!call.longPoll().isZero() && breaker.getState() != CircuitBreaker.State.CLOSED) {
                breaker.executeSupplier(() -> once(LIVENESS_PROBE, Void.class));
            }
            return breaker.executeSupplier(attempt);
        } catch (CallNotPermittedException e) {
            throw circuitOpen(e);
        }
    }

    private CallCancelledException closedClient(SidecarCall call) {
        return new CallCancelledException(call.operation() + ": the client is closed; no request was sent", null);
    }

    private CircuitOpenException circuitOpen(CallNotPermittedException e) {
        return new CircuitOpenException("the sidecar at " + sidecar + " failed repeatedly; the client's circuit "
                + "breaker is open for up to " + config.circuitBreakerOpenDuration()
                + " and no request was sent. Check that the sidecar runs and the URL is right", e);
    }

    private <T> T once(SidecarCall call, Class<T> responseType) {
        return exchange(call, ACCEPT, response -> {
            int status = response.code();
            byte[] bytes = readBody(call, response.body());
            if (status >= 200 && status < 300) {
                return parse(call, status, bytes, responseType);
            }
            throw Problems.fromResponse(status, response.header("Retry-After"), bytes, sidecar, config.clock());
        });
    }

    private <T> T onceStreaming(SidecarCall call, String accept, ResponseReader<T> reader) {
        return exchange(call, accept, response -> {
            int status = response.code();
            if (status < 200 || status >= 300) {
                throw Problems.fromResponse(status, response.header("Retry-After"), readBody(call, response.body()),
                        sidecar, config.clock());
            }
            ResponseBody body = response.body();
            MediaType type = body == null ? null : body.contentType();
            try {
                return reader.read(type == null ? "" : type.type() + "/" + type.subtype(),
                        body == null ? InputStream.nullInputStream() : body.byteStream());
            } catch (InterruptedIOException e) {
                throw timeout(call, e);
            } catch (IOException e) {
                throw new ProtocolException(call.operation() + ": the answer of the sidecar at " + sidecar
                        + " was cut off: " + e, 0, null, e);
            }
        });
    }

    private <T> T exchange(SidecarCall call, String accept, java.util.function.Function<Response, T> onResponse) {
        Request.Builder request = new Request.Builder().url(config.baseUrl() + call.path()).header("Accept", accept);
        config.apiToken().ifPresent(t -> request.header("Authorization", "Bearer " + t));
        Observation current = config.observationRegistry().getCurrentObservation();
        if (current != null && current.getContext() instanceof SidecarCallContext observed) {
            observed.headers().forEach(request::header); // what a tracing handler propagates, traceparent for one
        }
        if ("GET".equals(call.method())) {
            request.get();
        } else if ("DELETE".equals(call.method()) && call.body() == null) {
            request.delete();
        } else {
            byte[] body = call.body() == null ? new byte[0] : Json.write(call.body()).getBytes(StandardCharsets.UTF_8);
            request.method(call.method(), RequestBody.create(body, JSON));
        }
        long start = System.nanoTime();
        Response response;
        try {
            response = call.longPoll().isZero() ? client.newCall(request.build()).execute()
                    : longPoll(call, request.build());
        } catch (IOException e) {
            throw beforeResponse(call, e);
        }
        try (response) {
            log.debug("{} {} -> {} in {} us", call.method(), call.path(), response.code(),
                    (System.nanoTime() - start) / 1000);
            return onResponse.apply(response);
        }
    }

    /**
     * A long-poll that the calling thread's interrupt ends: the call runs on the long-poll dispatcher
     * while the caller waits interruptibly (a blocking socket read would not notice the interrupt). On
     * an interrupt the call's {@link SidecarCall#endEarly() end-early call} asks the sidecar to answer
     * at once, and that answer is returned (with the interrupt flag set), so nothing the long-poll hands
     * over is lost; without one, or when the sidecar does not take it, the connection is closed
     * ({@link CallCancelledException}), and an answer that arrived first is still returned.
     */
    private Response longPoll(SidecarCall call, Request request) throws IOException {
        // One client per whole second of wait, not per wait: a wait computed from a deadline differs on every call.
        Duration wait = Duration.ofSeconds(call.longPoll().plusNanos(999_999_999).getSeconds());
        Duration limit = config.callTimeout().plus(wait);
        Call pending = longPollClients.computeIfAbsent(wait, w -> client.newBuilder()
                .dispatcher(longPollDispatcher).callTimeout(limit).build()).newCall(request);
        CompletableFuture<Response> answer = new CompletableFuture<>();
        pending.enqueue(new Callback() {
            @Override
            public void onFailure(Call c, IOException e) {
                answer.completeExceptionally(e);
            }

            @Override
            public void onResponse(Call c, Response r) {
                if (!answer.complete(r)) {
                    r.close();
                }
            }
        });
        try {
            return answer.get();
        } catch (InterruptedException e) {
            if (!endEarly(call)) {
                pending.cancel();
            }
            Response late;
            try {
                late = answer.join(); // uninterruptible; the sidecar answers at once, or the cancel settles it
            } catch (CompletionException cancelled) {
                Thread.currentThread().interrupt();
                throw new CallCancelledException(call.operation() + ": cancelled by an interrupt of the calling thread", e);
            }
            Thread.currentThread().interrupt();
            return late; // what the long-poll hands over is used, never dropped
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** @return true when the sidecar was asked to answer the long-poll at once; false to close it instead */
    private boolean endEarly(SidecarCall call) {
        if (call.endEarly() == null) {
            return false;
        }
        try {
            executeOnce(call.endEarly(), Void.class);
            return true;
        } catch (RuntimeException e) {
            log.debug("{}: could not end the long-poll early ({}); closing it instead", call.operation(), e.toString());
            return false;
        }
    }

    private <T> T parse(SidecarCall call, int status, byte[] bytes, Class<T> responseType) {
        if (responseType == Void.class) {
            return null;
        }
        if (responseType == byte[].class) {
            return responseType.cast(bytes);
        }
        try {
            T value = bytes.length == 0 ? null : Json.readExact(bytes, responseType);
            if (value == null) {
                throw new ProtocolException(call.operation() + ": the sidecar at " + sidecar + " answered " + status
                        + " without a body", status, null, null);
            }
            return value;
        } catch (IOException e) {
            throw new ProtocolException(call.operation() + ": cannot parse the answer of the sidecar at " + sidecar
                    + " (" + status + "): " + e.getMessage() + "; is it a Patternkit sidecar of a compatible version?",
                    status, null, e);
        }
    }

    private byte[] readBody(SidecarCall call, ResponseBody body) {
        try {
            return body == null ? new byte[0] : body.bytes();
        } catch (InterruptedIOException e) {
            throw timeout(call, e);
        } catch (IOException e) {
            throw new ProtocolException(call.operation() + ": the answer of the sidecar at " + sidecar
                    + " was cut off: " + e, 0, null, e);
        }
    }

    private PatternkitException beforeResponse(SidecarCall call, IOException e) {
        if (e instanceof InterruptedIOException) {
            return timeout(call, e);
        }
        if (e instanceof java.net.ProtocolException) {
            return new ProtocolException(call.operation() + ": the server at " + sidecar
                    + " did not answer with valid HTTP (" + e.getMessage() + "); is it a Patternkit sidecar?", 0, null, e);
        }
        String what = e instanceof ConnectException ? "cannot connect to" : "lost the connection to";
        return new SidecarUnavailableException(call.operation() + ": " + what + " the sidecar at " + sidecar + " ("
                + e + "). Is the sidecar running? Check " + config.urlVariable().orElse("SidecarConfig.baseUrl")
                + " and that it names the sidecar's address", 0, null, null, e);
    }

    private CallTimeoutException timeout(SidecarCall call, IOException e) {
        Duration limit = config.callTimeout().plus(call.longPoll());
        return new CallTimeoutException(call.operation() + ": the sidecar at " + sidecar + " did not answer within "
                + limit + " (callTimeout " + config.callTimeout() + (call.longPoll().isZero() ? "" : " plus wait "
                + call.longPoll()) + "); the request may or may not have been processed", e);
    }

    private Retry retry(String name, Predicate<Throwable> retryOn) {
        IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(config.retryBackoff(), 2.0, 0.5);
        IntervalBiFunction<Object> interval = (attempt, either) -> {
            if (either.isLeft() && either.getLeft() instanceof PatternkitException p && p.retryAfter().isPresent()) {
                Duration d = p.retryAfter().get();
                return (d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d).toMillis();
            }
            return backoff.apply(attempt);
        };
        return Retry.of("patternkit-" + name, RetryConfig.custom()
                .maxAttempts(config.maxRetries() + 1)
                .intervalBiFunction(interval)
                .retryOnException(retryOn)
                .build());
    }

    /** A failure that counts against the breaker: not a 408, which says one request's body was too slow, not the sidecar. */
    private static boolean isOutage(Throwable e) {
        return e instanceof SidecarUnavailableException u && u.status() != 408 || e instanceof CallTimeoutException
                || e instanceof ProtocolException p && (p.status() == 0 || p.status() >= 500);
    }

    private static String outcome(PatternkitException e) {
        if (e instanceof CircuitOpenException) {
            return ClientMetrics.OUTCOME_CIRCUIT_OPEN;
        }
        String slug = Problems.slug(e);
        if (slug != null) {
            return slug;
        }
        if (e instanceof CallTimeoutException) {
            return ClientMetrics.OUTCOME_TIMEOUT;
        }
        if (e instanceof SidecarUnavailableException && e.status() == 0) {
            return ClientMetrics.OUTCOME_IO_ERROR;
        }
        return e instanceof ProtocolException ? ClientMetrics.OUTCOME_PROTOCOL_ERROR : "http-" + e.status();
    }

    /** The breaker refused the call locally; never retried, since retrying cannot close the breaker sooner. */
    static final class CircuitOpenException extends SidecarUnavailableException {
        private static final long serialVersionUID = 1L;

        CircuitOpenException(String message, Throwable cause) {
            super(message, 0, null, null, cause);
        }
    }

    /** The authorities of a PEM bundle, trusted instead of the JVM's (okhttp-tls). */
    private static HandshakeCertificates trusting(Path pem) {
        HandshakeCertificates.Builder builder = new HandshakeCertificates.Builder();
        try (InputStream in = Files.newInputStream(pem)) {
            for (Certificate certificate
                    : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                builder.addTrustedCertificate((X509Certificate) certificate);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the trusted certificates " + pem + ": " + e.getMessage(), e);
        } catch (CertificateException e) {
            throw new IllegalArgumentException(pem + " is not a PEM certificate bundle: " + e.getMessage(), e);
        }
        return builder.build();
    }
}
