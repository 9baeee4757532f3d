package io.patternkit.sidecar.adapter.logs;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.patternkit.protocol.NameRule;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * One log the adapter reads: a file it follows as {@code tail -F} does (across rotation by rename
 * and by truncation), or a named pipe (FIFO) the app writes to, made by the adapter when missing.
 *
 * @param name the source's name (a DNS-1123 label), written in every record and used as a metric tag
 * @param file the file to follow, or empty
 * @param pipe the named pipe to read, or empty
 * @param format how the app writes its lines
 * @param fromStart whether a file that is there when the adapter starts is read from its start
 *        (default {@code false}: from its end, as {@code tail -F} and Fluent Bit's {@code Read_from_Head}
 *        do, so that a restarted sidecar does not write it again); a file that appears later, and the
 *        new file after a rotation, are always read from their start
 */
public record LogSourceSpec(String name, Optional<Path> file, Optional<Path> pipe, LogFormat format, boolean fromStart) {
    /**
     * Checks the spec.
     *
     * @param name the source's name (a DNS-1123 label), written in every record and used as a metric tag
     * @param file the file to follow, or empty
     * @param pipe the named pipe to read, or empty
     * @param format how the app writes its lines
     * @param fromStart whether a file that is there when the adapter starts is read from its start
     *     (default {@code false}: from its end, as {@code tail -F} and Fluent Bit's {@code Read_from_Head}
     *     do, so that a restarted sidecar does not write it again); a file that appears later, and the
     *     new file after a rotation, are always read from their start
     * @throws IllegalArgumentException when the name is invalid or not exactly one of file and pipe is given
     */
    public LogSourceSpec {
        if (name == null || !NameRule.UPSTREAM.matches(name)) {
            throw new IllegalArgumentException("log source name '" + name + "': " + NameRule.UPSTREAM.requirement());
        }
        if (file.isPresent() == pipe.isPresent()) {
            throw new IllegalArgumentException("log source " + name + ": give exactly one of file and pipe");
        }
    }

    @JsonCreator
    static LogSourceSpec fromJson(@JsonProperty(value = "name", required = true) String name, @JsonProperty("file") Path file,
                                  @JsonProperty("pipe") Path pipe, @JsonProperty(value = "format", required = true) String format,
                                  @JsonProperty("fromStart") Boolean fromStart) {
        LogFormat parsed;
        try {
            parsed = LogFormat.valueOf(format.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("log source " + name + ": format must be json, logfmt, combined or text, not '" + format + "'");
        }
        return new LogSourceSpec(name, Optional.ofNullable(file), Optional.ofNullable(pipe), parsed, Boolean.TRUE.equals(fromStart));
    }

    /** @return where it reads, for logs */
    public String where() {
        return file.map(f -> "file " + f).orElseGet(() -> "pipe " + pipe.orElseThrow());
    }
}
