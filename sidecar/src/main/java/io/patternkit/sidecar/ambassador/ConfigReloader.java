package io.patternkit.sidecar.ambassador;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the ambassador's config file when its modification time or size changes (polled, as
 * kubelet refreshes a mounted ConfigMap by swapping a symlink that file watchers miss), and applies
 * what can change without a restart: each existing upstream's shards, endpoints, canary, per-try and
 * overall timeouts, retries and ejection. A file that does not parse, or an upstream added, removed or moved to
 * another port, is logged and otherwise ignored: the running routes stay as they were.
 */
final class ConfigReloader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

    private final Path file;
    private final List<UpstreamSpec> flagUpstreams;
    private final Map<String, Upstream> upstreams;
    private Object seen;

    /**
     * @param file the config file
     * @param flagUpstreams the upstreams of {@code --upstream}, added to the file's
     * @param upstreams the live upstreams by name
     */
    ConfigReloader(Path file, List<UpstreamSpec> flagUpstreams, Map<String, Upstream> upstreams) {
        this.file = file;
        this.flagUpstreams = flagUpstreams;
        this.upstreams = upstreams;
        this.seen = stamp();
    }

    /**
     * Starts polling the file.
     *
     * @param vertx the host's Vert.x; the file is read on a worker thread
     * @param intervalMs how often, in milliseconds
     * @return the timer id, to cancel
     */
    long start(Vertx vertx, long intervalMs) {
        return vertx.setPeriodic(intervalMs, id -> vertx.executeBlocking(() -> {
            try {
                check();
            } catch (RuntimeException e) {
                LOG.warn("ambassador config not reloaded, the running routes stay: {}", e.toString());
            }
            return null;
        }, true)); // ordered: one reload at a time
    }

    /** Reloads when the file changed since the last look. Called on one worker at a time. */
    synchronized void check() {
        Object now = stamp();
        if (Objects.equals(now, seen)) {
            return;
        }
        seen = now;
        AmbassadorConfig config;
        try {
            config = AmbassadorConfig.load(file, flagUpstreams);
        } catch (IllegalArgumentException e) {
            LOG.warn("ambassador config not reloaded, the running routes stay: {}", e.getMessage());
            return;
        }
        StringBuilder applied = new StringBuilder();
        for (UpstreamSpec spec : config.upstreams()) {
            Upstream live = upstreams.get(spec.name());
            if (live == null || live.started().port() != spec.port()) {
                LOG.warn("upstream {} on port {} is new or moved; it takes a restart to listen there", spec.name(), spec.port());
                continue;
            }
            UpstreamSpec running = live.started();
            keptUntilRestart(spec.name(), "maxConnectionsPerEndpoint", spec.maxConnectionsPerEndpoint(), running.maxConnectionsPerEndpoint());
            keptUntilRestart(spec.name(), "connectTimeout", spec.connectTimeout(), running.connectTimeout());
            live.update(spec);
            applied.append(applied.isEmpty() ? "" : ", ").append(spec.name()).append(": ").append(spec.shards().size())
                    .append(" shards").append(spec.canary().map(c -> ", canary " + c.percent() + "%").orElse(""));
        }
        upstreams.keySet().stream().filter(n -> config.upstreams().stream().noneMatch(u -> u.name().equals(n)))
                .forEach(n -> LOG.warn("upstream {} is no longer configured; it takes a restart to stop it", n));
        LOG.info("ambassador config reloaded from {}: {}", file, applied);
    }

    /** Warns that a setting of the upstream's client, fixed when the client was made, keeps its running value. */
    private static void keptUntilRestart(String upstream, String member, Object configured, Object running) {
        if (!configured.equals(running)) {
            LOG.warn("upstream {}: {} takes a restart to change; keeping {}", upstream, member, running);
        }
    }

    private Object stamp() {
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(attrs.lastModifiedTime(), attrs.size(), Objects.requireNonNullElse(attrs.fileKey(), ""));
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        }
    }
}
