package io.patternkit.spring.autoconfigure;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/** The work queue's client and listeners, under {@code patternkit.workqueue}. */
@ConfigurationProperties("patternkit.workqueue")
public class WorkQueueProperties {
    /** The work-queue sidecar's URL when it differs from patternkit.sidecar.url. */
    private URI url;
    /** Defaults of every @WorkQueueListener that leaves the attribute empty. */
    @NestedConfigurationProperty
    private final Listener listener = new Listener();

    /** @return the work-queue sidecar's own URL; null for {@code patternkit.sidecar.url} */
    public URI getUrl() {
        return url;
    }

    /** @param url the work-queue sidecar's own URL */
    public void setUrl(URI url) {
        this.url = url;
    }

    /** @return the listeners' defaults */
    public Listener getListener() {
        return listener;
    }

    /** Defaults of {@code @WorkQueueListener}; unset properties keep the SDK consumer's defaults. */
    public static class Listener {
        /** How many items one listener handles at once, 1 to 1000 (SDK default 4). */
        private Integer concurrency;
        /** How many items one claim asks for, 1 to 1000 (SDK default: the concurrency). */
        private Integer batchSize;
        /** How long a claimed item stays invisible to other consumers, extended while it runs (SDK default 30s). */
        private Duration visibilityTimeout;
        /** How long a claim waits for items to appear (long poll, at most 20s; SDK default 20s). */
        private Duration pollWait;
        /** How long a handled item's ack waits to ride on the listener's next claim before it is sent alone (SDK default 100ms). */
        private Duration ackLinger;
        /** How long stopping waits for running handlers when no lifecycle drain runs (SDK default 30s). */
        private Duration drainTimeout;
        /** Whether listeners start with the context. */
        private boolean autoStartup = true;

        /** @return the concurrency; null for the SDK default */
        public Integer getConcurrency() {
            return concurrency;
        }

        /** @param concurrency the concurrency */
        public void setConcurrency(Integer concurrency) {
            this.concurrency = concurrency;
        }

        /** @return the claim batch size; null for the SDK default */
        public Integer getBatchSize() {
            return batchSize;
        }

        /** @param batchSize the claim batch size */
        public void setBatchSize(Integer batchSize) {
            this.batchSize = batchSize;
        }

        /** @return the visibility timeout; null for the SDK default */
        public Duration getVisibilityTimeout() {
            return visibilityTimeout;
        }

        /** @param visibilityTimeout the visibility timeout */
        public void setVisibilityTimeout(Duration visibilityTimeout) {
            this.visibilityTimeout = visibilityTimeout;
        }

        /** @return the long-poll wait; null for the SDK default */
        public Duration getPollWait() {
            return pollWait;
        }

        /** @param pollWait the long-poll wait */
        public void setPollWait(Duration pollWait) {
            this.pollWait = pollWait;
        }

        /** @return the ack linger; null for the SDK default */
        public Duration getAckLinger() {
            return ackLinger;
        }

        /** @param ackLinger the ack linger */
        public void setAckLinger(Duration ackLinger) {
            this.ackLinger = ackLinger;
        }

        /** @return the drain timeout; null for the SDK default */
        public Duration getDrainTimeout() {
            return drainTimeout;
        }

        /** @param drainTimeout the drain timeout */
        public void setDrainTimeout(Duration drainTimeout) {
            this.drainTimeout = drainTimeout;
        }

        /** @return whether listeners start with the context */
        public boolean isAutoStartup() {
            return autoStartup;
        }

        /** @param autoStartup whether listeners start with the context */
        public void setAutoStartup(boolean autoStartup) {
            this.autoStartup = autoStartup;
        }
    }
}
