package io.patternkit.core;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.transport.SenderContext;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The Micrometer {@link io.micrometer.observation.Observation} context of one SDK call to a sidecar, retries included
 * ({@link #NAME}, contextual name {@code patternkit <operation>}), for an application's {@code ObservationRegistry}
 * ({@link SidecarConfig.Builder#observationRegistry}): its handlers see the operation (such as {@code claim}), the
 * sidecar's URL and, when the call ends, its outcome as the {@link ClientMetrics} timer tags it. A sender context, so
 * that a tracing handler can propagate the trace to the sidecar: what it sets into the carrier goes out as headers
 * of every attempt (W3C {@code traceparent}, for example). Low-cardinality key values: {@code operation},
 * {@code outcome}; high-cardinality: {@code sidecar}.
 */
public final class SidecarCallContext extends SenderContext<Map<String, String>> {
    /** The observation's name. */
    public static final String NAME = "patternkit.sidecar.call";

    private static final String SIDECAR = "sidecar";

    /**
     * @param operation the SDK operation, such as {@code claim}; not null
     * @param sidecar the sidecar's base URL; not null
     */
    public SidecarCallContext(String operation, URI sidecar) {
        super((carrier, key, value) -> carrier.put(key, value));
        setCarrier(new LinkedHashMap<>());
        setContextualName("patternkit " + Objects.requireNonNull(operation, "operation"));
        addLowCardinalityKeyValue(KeyValue.of(ClientMetrics.TAG_OPERATION, operation));
        addHighCardinalityKeyValue(KeyValue.of(SIDECAR, Objects.requireNonNull(sidecar, "sidecar").toString()));
        addLowCardinalityKeyValue(KeyValue.of(ClientMetrics.TAG_OUTCOME, ClientMetrics.OUTCOME_SUCCESS));
        setRemoteServiceName("patternkit-sidecar");
        setRemoteServiceAddress(sidecar.toString());
    }

    /** @return the SDK operation, such as {@code claim} */
    public String operation() {
        return getLowCardinalityKeyValue(ClientMetrics.TAG_OPERATION).getValue();
    }

    /** @return the sidecar's base URL */
    public URI sidecar() {
        return URI.create(getHighCardinalityKeyValue(SIDECAR).getValue());
    }

    /** @return the call's outcome, one of {@link ClientMetrics}' {@code OUTCOME_*} values; success until it ends */
    public String outcome() {
        return getLowCardinalityKeyValue(ClientMetrics.TAG_OUTCOME).getValue();
    }

    /** @param outcome the call's outcome, set by the SDK when it ends */
    public void outcome(String outcome) {
        addLowCardinalityKeyValue(KeyValue.of(ClientMetrics.TAG_OUTCOME, Objects.requireNonNull(outcome, "outcome")));
    }

    /** @return the headers a propagating handler asked to send with the call; empty without one */
    public Map<String, String> headers() {
        Map<String, String> carrier = getCarrier();
        return carrier == null ? Map.of() : Map.copyOf(carrier);
    }
}
