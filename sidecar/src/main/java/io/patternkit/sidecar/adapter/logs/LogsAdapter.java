package io.patternkit.sidecar.adapter.logs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.patternkit.sidecar.common.DaemonThreads;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The adapter's logging part at work: follows each configured source, turns its lines into records
 * ({@link RecordAssembler}), writes each as a JSON line on standard output through the logger
 * {@value #OUTPUT_LOGGER} (the sidecar's logging set-up, {@code io.patternkit.sidecar.SidecarLogging}, gives it a
 * bare {@code %msg%n} appender, so its lines are the JSON alone) and keeps the newest for {@link #newest}. Files are
 * polled every {@value #POLL_MILLIS} ms by one thread; each pipe has a thread of its own.
 *
 * <p>Meters: {@code patternkit.adapter.log.records} by {@code source} and {@code outcome}
 * ({@code parsed}; {@code unparsed}: kept whole, it did not read in its format; {@code malformed}:
 * not UTF-8, its bytes kept as {@code rawBase64}), {@code patternkit.adapter.log.rotations} by
 * {@code source} and {@code kind} ({@code renamed}, {@code truncated}).
 */
public final class LogsAdapter implements AutoCloseable {
    /** The logger whose lines are the normalised records. */
    public static final String OUTPUT_LOGGER = "patternkit.adapter.logs";
    static final long POLL_MILLIS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(LogsAdapter.class);
    private static final Logger OUTPUT = LoggerFactory.getLogger(OUTPUT_LOGGER);

    private final LogsSpec spec;
    private final RecentLogs recent;
    private final ScheduledExecutorService poller;
    private final Map<String, FileFollower> files = new LinkedHashMap<>();
    private final List<PipeReader> pipes = new ArrayList<>();
    private final List<RecordAssembler> assemblers = new ArrayList<>();

    private LogsAdapter(LogsSpec spec) {
        this.spec = spec;
        this.recent = new RecentLogs(spec.recent());
        this.poller = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("patternkit-adapter-logs"));
    }

    /**
     * Starts reading every source.
     *
     * @param spec the sources and settings
     * @param registry where the meters go
     * @param clock the time given to records that carry none
     * @param mapper writes the JSON lines
     * @return the running adapter
     * @throws IllegalStateException when a pipe cannot be made
     */
    public static LogsAdapter start(LogsSpec spec, MeterRegistry registry, Clock clock, JsonMapper mapper) {
        LogsAdapter logs = new LogsAdapter(spec);
        try {
            for (LogSourceSpec source : spec.sources()) {
                logs.add(source, registry, clock, mapper);
            }
        } catch (IOException | RuntimeException e) {
            logs.close();
            throw new IllegalStateException("adapter: cannot read the logs: " + e.getMessage(), e);
        }
        // The first look before start returns, so that "a file there when the sidecar starts is read from its end"
        // (docs/adapter.md) holds for a file the app writes at once, not only when the poller runs first.
        logs.poll();
        logs.poller.scheduleWithFixedDelay(logs::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        return logs;
    }

    private void add(LogSourceSpec source, MeterRegistry registry, Clock clock, JsonMapper mapper) throws IOException {
        Map<String, Counter> outcomes = Map.of(
                "parsed", records(registry, source, "parsed"), "unparsed", records(registry, source, "unparsed"),
                "malformed", records(registry, source, "malformed"));
        Consumer<LogRecord> sink = record -> {
            outcomes.get(record.raw() != null ? "malformed" : record.parseError() != null ? "unparsed" : "parsed").increment();
            recent.add(record);
            if (spec.stdout()) {
                OUTPUT.info(record.toJson(mapper).toString());
            }
        };
        RecordAssembler assembler = new RecordAssembler(source, clock, System::nanoTime, spec.multilineFlush().toNanos(), sink);
        assemblers.add(assembler);
        if (source.file().isPresent()) {
            Map<FileFollower.Rotation, Counter> rotations = new EnumMap<>(FileFollower.Rotation.class);
            for (FileFollower.Rotation kind : FileFollower.Rotation.values()) {
                rotations.put(kind, Counter.builder("patternkit.adapter.log.rotations").tag("source", source.name())
                        .tag("kind", kind.name().toLowerCase(Locale.ROOT))
                        .description("Rotations of the adapter's log files seen").register(registry));
            }
            files.put(source.name(), new FileFollower(source.file().get(), source.fromStart(), spec.rotateWait(), System::nanoTime,
                    () -> new LineSplitter(spec.maxLineBytes(), assembler::accept), kind -> rotations.get(kind).increment()));
        } else {
            pipes.add(new PipeReader(source.name(), source.pipe().orElseThrow(),
                    () -> new LineSplitter(spec.maxLineBytes(), assembler::accept)));
        }
        LOG.info("adapter: log source {} ({}, {})", source.name(), source.where(), source.format().name().toLowerCase(Locale.ROOT));
    }

    private static Counter records(MeterRegistry registry, LogSourceSpec source, String outcome) {
        return Counter.builder("patternkit.adapter.log.records").tag("source", source.name()).tag("outcome", outcome)
                .description("Records the adapter read from the app's logs").register(registry);
    }

    private void poll() {
        files.forEach((name, file) -> {
            try {
                file.poll();
            } catch (IOException | RuntimeException e) {
                LOG.warn("adapter: cannot read log source {}: {}", name, e.toString());
            }
        });
        assemblers.forEach(RecordAssembler::flushIfIdle);
    }

    /**
     * @param limit the most records to answer
     * @param source only this source's, or empty for all
     * @param atLeast only records of this level or above, or empty for all
     * @return the newest matching records, oldest first
     */
    public List<LogRecord> newest(int limit, Optional<String> source, Optional<LogLevel> atLeast) {
        return recent.newest(limit, source, atLeast);
    }

    /** @return how many records {@link #newest} can show at most */
    public int capacity() {
        return recent.capacity();
    }

    /** @return the configured sources */
    public List<LogSourceSpec> sources() {
        return spec.sources();
    }

    /** Stops reading: what was read is written, including lines the app left unfinished. */
    @Override
    public void close() {
        poller.shutdown();
        try {
            if (!poller.awaitTermination(2, TimeUnit.SECONDS)) {
                poller.shutdownNow(); // a poll stuck on a slow disk: interrupted, so the files below are not read by two threads
                poller.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pipes.forEach(PipeReader::close);
        files.values().forEach(FileFollower::close);
        assemblers.forEach(RecordAssembler::flush);
    }
}
