package io.patternkit.sidecar.engine.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.patternkit.protocol.ProblemType;
import io.patternkit.sidecar.checkpoint.CheckpointEngine;
import io.patternkit.sidecar.checkpoint.StoredCheckpoint;
import io.patternkit.sidecar.common.EngineException;
import io.patternkit.sidecar.common.ProblemException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints on Kubernetes: one ConfigMap per checkpoint, so that a leader elected on Kubernetes Leases hands
 * its state over without a database. The ConfigMap's {@code data} holds {@code state} (the JSON text as sent;
 * absent before the first save), {@code version}, {@code fence} and {@code updatedAtMs}; its name is
 * {@code patternkit-checkpoint-<the name in lower case, up to 40 characters>-<8 hex digits of its SHA-256>}
 * (checkpoint names may hold capitals and underscores, ConfigMap names may not), and the annotation
 * {@value #NAME_ANNOTATION} keeps the name as given.
 *
 * <p>Every write is a read, a check of the conditions (expected version, fence) and an update guarded by the
 * {@code resourceVersion} read, as client-go's optimistic concurrency does: a 409 means another sidecar wrote
 * first, and the write is read and checked again (up to {@value #CONFLICT_RETRIES} times), so two sidecars
 * sharing the namespace cannot both pass one condition.
 *
 * <p>A ConfigMap's data holds at most {@value #MAX_DATA_BYTES} bytes (its keys and values together, as the API
 * server's validation counts them): a save whose state would take it past that, with the bookkeeping, is refused
 * with 413 {@code payload-too-large} before the API server is asked, since the API server's refusal would
 * otherwise read as an engine outage, which a client retries.
 */
public final class KubernetesCheckpointEngine implements CheckpointEngine, AutoCloseable {
    /** The annotation with the checkpoint's name as the app gave it. */
    public static final String NAME_ANNOTATION = "patternkit.io/checkpoint";
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesCheckpointEngine.class);
    private static final int CONFLICT_RETRIES = 10;
    private static final String STATE = "state";
    private static final String VERSION = "version";
    private static final String FENCE = "fence";
    private static final String UPDATED_AT = "updatedAtMs";
    /** The most bytes of data a ConfigMap holds (Kubernetes' {@code MaxSecretSize}, which ConfigMaps share). */
    static final int MAX_DATA_BYTES = 1024 * 1024;

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final String namespace;

    private KubernetesCheckpointEngine(KubernetesClient client, boolean ownsClient, String namespace) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.namespace = namespace != null ? namespace : client.getNamespace() != null ? client.getNamespace() : "default";
        LOG.info("Kubernetes checkpoint engine using ConfigMaps in namespace {} at {}", this.namespace, client.getMasterUrl());
    }

    /**
     * @param masterUrl the API server URL, or null for auto-configuration
     * @param namespace the namespace of the ConfigMaps, or null for the configured one ({@code default} when none)
     * @return the open engine; close it
     * @throws EngineException when the client cannot be built
     */
    public static KubernetesCheckpointEngine connect(String masterUrl, String namespace) {
        return new KubernetesCheckpointEngine(KubernetesClients.connect(masterUrl), true, namespace);
    }

    /**
     * @param client a client the caller keeps owning (tests use the fabric8 mock server's)
     * @param namespace the namespace of the ConfigMaps, or null for the client's
     * @return the engine; closing it leaves the client open
     */
    public static KubernetesCheckpointEngine using(KubernetesClient client, String namespace) {
        return new KubernetesCheckpointEngine(client, false, namespace);
    }

    /**
     * @param name a checkpoint name
     * @return the name of its ConfigMap, a valid DNS-1123 subdomain of at most 71 characters
     */
    public static String configMapName(String name) {
        String readable = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        readable = readable.substring(0, Math.min(40, readable.length()));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return "patternkit-checkpoint-" + readable + "-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }

    @Override
    public Optional<StoredCheckpoint> read(String name) {
        return KubernetesClients.call("read checkpoint " + name,
                () -> Optional.ofNullable(configMap(name).get()).map(cm -> record(name, cm)));
    }

    @Override
    public Optional<StoredCheckpoint> save(String name, String stateJson, Long expectedVersion, Long fencingToken) {
        return KubernetesClients.call("save checkpoint " + name, () -> {
            for (int attempt = 1; attempt <= CONFLICT_RETRIES; attempt++) {
                ConfigMap current = configMap(name).get();
                StoredCheckpoint seen = current == null ? new StoredCheckpoint(name, 0, 0, null, 0) : record(name, current);
                if (expectedVersion != null && seen.version() != expectedVersion) {
                    return Optional.empty();
                }
                if (fencingToken != null && seen.fence() > fencingToken) {
                    return Optional.empty();
                }
                long fence = fencingToken == null ? seen.fence() : Math.max(seen.fence(), fencingToken);
                StoredCheckpoint next = new StoredCheckpoint(name, seen.version() + 1, fence, stateJson,
                        System.currentTimeMillis());
                Optional<ConfigMap> written = write(current, next);
                if (written.isPresent()) {
                    return Optional.of(record(name, written.get()));
                }
            }
            throw new EngineException("save of checkpoint " + name + " kept conflicting with other writers", null);
        });
    }

    @Override
    public StoredCheckpoint restore(String name, long fencingToken) {
        return KubernetesClients.call("restore checkpoint " + name, () -> {
            for (int attempt = 1; attempt <= CONFLICT_RETRIES; attempt++) {
                ConfigMap current = configMap(name).get();
                StoredCheckpoint seen = current == null ? new StoredCheckpoint(name, 0, 0, null, 0) : record(name, current);
                if (current != null && seen.fence() >= fencingToken) {
                    return seen;
                }
                StoredCheckpoint fenced = new StoredCheckpoint(name, seen.version(), fencingToken, seen.stateJson(),
                        current == null ? System.currentTimeMillis() : seen.updatedAtMs());
                Optional<ConfigMap> written = write(current, fenced);
                if (written.isPresent()) {
                    return record(name, written.get());
                }
            }
            throw new EngineException("restore of checkpoint " + name + " kept conflicting with other writers", null);
        });
    }

    /** Creates or updates (guarded by the resourceVersion read); empty when another writer came first. */
    private Optional<ConfigMap> write(ConfigMap current, StoredCheckpoint next) {
        Map<String, String> data = new LinkedHashMap<>();
        if (next.stateJson() != null) {
            data.put(STATE, next.stateJson());
        }
        data.put(VERSION, Long.toString(next.version()));
        data.put(FENCE, Long.toString(next.fence()));
        data.put(UPDATED_AT, Long.toString(next.updatedAtMs()));
        long bytes = data.entrySet().stream()
                .mapToLong(e -> e.getKey().length() + (long) e.getValue().getBytes(StandardCharsets.UTF_8).length).sum();
        if (bytes > MAX_DATA_BYTES) {
            throw new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, "checkpoint " + next.name() + " would take "
                    + bytes + " bytes of its ConfigMap, which holds at most " + MAX_DATA_BYTES + " (the state and "
                    + "about 80 bytes of version, fence and time): keep less state, or use the sqlite or postgres engine");
        }
        try {
            if (current == null) {
                ConfigMap fresh = new ConfigMapBuilder().withNewMetadata().withName(configMapName(next.name()))
                        .withNamespace(namespace).addToAnnotations(NAME_ANNOTATION, next.name())
                        .addToLabels("app.kubernetes.io/managed-by", "patternkit").endMetadata().withData(data).build();
                return Optional.of(client.resource(fresh).create());
            }
            return Optional.of(client.resource(new ConfigMapBuilder(current).withData(data).build()).update());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private StoredCheckpoint record(String name, ConfigMap cm) {
        Map<String, String> data = cm.getData() == null ? Map.of() : cm.getData();
        return new StoredCheckpoint(name, number(data, VERSION), number(data, FENCE), data.get(STATE), number(data, UPDATED_AT));
    }

    private static long number(Map<String, String> data, String key) {
        String text = data.get(key);
        try {
            return text == null ? 0 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new EngineException("checkpoint ConfigMap has a malformed " + key + ": '" + text + "'", e);
        }
    }

    private Resource<ConfigMap> configMap(String name) {
        return client.configMaps().inNamespace(namespace).withName(configMapName(name));
    }

    @Override
    public void ping() {
        KubernetesClients.call("ping",
                () -> client.configMaps().inNamespace(namespace).withName("patternkit-checkpoint-ping").get());
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
