package io.patternkit.sidecar.adapter.logs;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The adapter's logging part, the {@code logs} member of its config file.
 *
 * @param sources the logs to read, with unique names
 * @param stdout whether records are written as JSON lines on the sidecar's standard output (default
 *        {@code true}: where a cluster's log collector reads every container)
 * @param recent how many of the newest records {@code GET /v1/adapter/logs} can show (default 1,000)
 * @param rotateWait how long a rotated file is still read after a new one took its name, for what the
 *        app writes before it reopens (default 5 s, Fluent Bit's {@code Rotate_Wait})
 * @param multilineFlush how long a record of a text log waits for more continuation lines before it
 *        is written (default 1 s)
 * @param maxLineBytes the longest line kept as one record; a longer one is written in pieces of at most
 *        this size, cut between UTF-8 characters (default 64 KiB, at least 256)
 */
public record LogsSpec(List<LogSourceSpec> sources, boolean stdout, int recent, Duration rotateWait, Duration multilineFlush,
                       int maxLineBytes) {
    /**
     * Checks the settings.
     *
     * @param sources the logs to read, with unique names
     * @param stdout whether records are written as JSON lines on the sidecar's standard output (default
     *     {@code true}: where a cluster's log collector reads every container)
     * @param recent how many of the newest records {@code GET /v1/adapter/logs} can show (default 1,000)
     * @param rotateWait how long a rotated file is still read after a new one took its name, for what the
     *     app writes before it reopens (default 5 s, Fluent Bit's {@code Rotate_Wait})
     * @param multilineFlush how long a record of a text log waits for more continuation lines before it
     *     is written (default 1 s)
     * @param maxLineBytes the longest line kept as one record; a longer one is written in pieces of at most
     *     this size, cut between UTF-8 characters (default 64 KiB, at least 256)
     * @throws IllegalArgumentException when two sources share a name or a setting is out of range
     */
    public LogsSpec {
        sources = List.copyOf(sources);
        Set<String> names = new HashSet<>();
        for (LogSourceSpec source : sources) {
            if (!names.add(source.name())) {
                throw new IllegalArgumentException("two log sources are named " + source.name());
            }
        }
        if (recent < 0 || recent > 100_000) {
            throw new IllegalArgumentException("logs.recent must be 0 to 100000");
        }
        if (rotateWait.isNegative() || multilineFlush.toMillis() < 10 || maxLineBytes < 256) {
            throw new IllegalArgumentException("logs: rotateWait must be at least 0, multilineFlush at least 10ms, maxLineBytes at least 256");
        }
    }

    @JsonCreator
    static LogsSpec fromJson(@JsonProperty(value = "sources", required = true) List<LogSourceSpec> sources,
                             @JsonProperty("stdout") Boolean stdout, @JsonProperty("recent") Integer recent,
                             @JsonProperty("rotateWait") Duration rotateWait, @JsonProperty("multilineFlush") Duration multilineFlush,
                             @JsonProperty("maxLineBytes") Integer maxLineBytes) {
        return new LogsSpec(sources, stdout == null || stdout, recent == null ? 1_000 : recent,
                rotateWait == null ? Duration.ofSeconds(5) : rotateWait, multilineFlush == null ? Duration.ofSeconds(1) : multilineFlush,
                maxLineBytes == null ? 64 * 1024 : maxLineBytes);
    }
}
