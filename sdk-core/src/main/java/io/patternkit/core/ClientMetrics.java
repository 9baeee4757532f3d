package io.patternkit.core;

/**
 * Names of the Micrometer meters every Patternkit client publishes, in one place so dashboards and
 * alerts can refer to them.
 */
public final class ClientMetrics {
    private ClientMetrics() {
    }

    /** Timer of every logical call to a sidecar (retries included), tagged {@link #TAG_OPERATION} and {@link #TAG_OUTCOME}. */
    public static final String CALLS = "patternkit.client.calls";
    /** Counter of automatic retries, tagged {@link #TAG_OPERATION}. */
    public static final String RETRIES = "patternkit.client.retries";
    /** Tag: the wire operation, such as {@code claim} (the OpenAPI operationId). */
    public static final String TAG_OPERATION = "operation";
    /**
     * Tag: {@link #OUTCOME_SUCCESS}, a problem slug such as {@code receipt-stale}, {@link #OUTCOME_IO_ERROR},
     * {@link #OUTCOME_TIMEOUT}, {@link #OUTCOME_CIRCUIT_OPEN}, {@link #OUTCOME_PROTOCOL_ERROR} or
     * {@link #OUTCOME_CALLBACK_ERROR}.
     */
    public static final String TAG_OUTCOME = "outcome";
    /** Outcome of a call that got the expected answer. */
    public static final String OUTCOME_SUCCESS = "success";
    /** Outcome of a call that failed with a connection error (refused, reset). */
    public static final String OUTCOME_IO_ERROR = "io-error";
    /** Outcome of a call that exceeded its timeout. */
    public static final String OUTCOME_TIMEOUT = "timeout";
    /** Outcome of a call rejected locally because the circuit breaker was open. */
    public static final String OUTCOME_CIRCUIT_OPEN = "circuit-open";
    /** Outcome of a call during which an application callback reading the answer (such as a scatter {@code Merger}) threw. */
    public static final String OUTCOME_CALLBACK_ERROR = "callback-error";
    /** Outcome of a call whose answer could not be understood. */
    public static final String OUTCOME_PROTOCOL_ERROR = "protocol-error";
}
