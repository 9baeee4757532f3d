package io.patternkit.sidecar.adapter.logs;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Turns one source's lines into records: joins the lines that continue a record (a stack trace in
 * a text log) to it, reads each record in the source's format and hands it on. A record waits for
 * its continuation lines until the next record starts or {@code flushAfter} has passed since its
 * last line. Thread-safe: a pipe's reader feeds it while the
 * polling thread flushes idle records.
 */
final class RecordAssembler {
    private final LogSourceSpec source;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final long flushAfterNanos;
    private final Consumer<LogRecord> records;
    /** The most lines one record joins; a longer run is written in records of this many (no record grows for ever). */
    static final int MAX_RECORD_LINES = 1_000;
    private final List<LogLine> pending = new ArrayList<>();
    private long lastLineNanos;

    /**
     * @param source the source whose lines these are
     * @param clock the time given to records that carry none
     * @param nanoTime a monotonic clock, for the flush timeout
     * @param flushAfterNanos how long a record waits for continuation lines
     * @param records where records go
     */
    RecordAssembler(LogSourceSpec source, Clock clock, LongSupplier nanoTime, long flushAfterNanos, Consumer<LogRecord> records) {
        this.source = source;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.flushAfterNanos = flushAfterNanos;
        this.records = records;
    }

    /** @param line the source's next line */
    synchronized void accept(LogLine line) {
        if (!pending.isEmpty() && !source.format().continues(line.text())) {
            flush();
        }
        if (pending.isEmpty() && line.text().isEmpty()) {
            return; // blank lines between records carry nothing
        }
        pending.add(line);
        lastLineNanos = nanoTime.getAsLong();
        if (source.format() != LogFormat.TEXT || pending.size() >= MAX_RECORD_LINES) {
            flush();
        }
    }

    /** Writes the waiting record when no line has continued it for the flush timeout. */
    synchronized void flushIfIdle() {
        if (!pending.isEmpty() && nanoTime.getAsLong() - lastLineNanos >= flushAfterNanos) {
            flush();
        }
    }

    /** Writes the waiting record, if any. */
    synchronized void flush() {
        if (pending.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder();
        boolean malformed = false;
        for (LogLine line : pending) {
            text.append(text.isEmpty() ? "" : "\n").append(line.text());
            malformed |= line.malformed() != null;
        }
        byte[] raw = null;
        if (malformed) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int i = 0; i < pending.size(); i++) {
                if (i > 0) {
                    bytes.write('\n');
                }
                bytes.writeBytes(pending.get(i).bytes());
            }
            raw = bytes.toByteArray();
        }
        pending.clear();
        LogFormat.Parsed parsed = source.format().parse(text.toString());
        records.accept(new LogRecord(parsed.time() != null ? parsed.time() : clock.instant(), parsed.level(), parsed.message(),
                parsed.fields(), source.name(), raw, parsed.error()));
    }
}
