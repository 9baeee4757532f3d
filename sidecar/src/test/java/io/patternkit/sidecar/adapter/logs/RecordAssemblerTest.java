package io.patternkit.sidecar.adapter.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Lines into records: multi-line stack traces, the idle flush, bytes that are not UTF-8. */
class RecordAssemblerTest {
    private static final Instant READ_AT = Instant.parse("2026-12-03T06:00:00Z");
    private final AtomicLong nanos = new AtomicLong();
    private final List<LogRecord> records = new ArrayList<>();

    private RecordAssembler assembler(LogFormat format) {
        LogSourceSpec source = new LogSourceSpec("app", Optional.of(java.nio.file.Path.of("app.log")), Optional.empty(), format, false);
        return new RecordAssembler(source, Clock.fixed(READ_AT, ZoneOffset.UTC), nanos::get, 1_000_000_000L, records::add);
    }

    private static LogLine line(String text) {
        return LogLine.decode(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aJavaStackTraceIsOneRecordWithTheLevelOfItsFirstLine() {
        RecordAssembler a = assembler(LogFormat.TEXT);
        for (String l : List.of("2026-12-03T05:00:00Z ERROR request failed", "java.lang.IllegalStateException: boom",
                "\tat com.example.App.run(App.java:10)", "Caused by: java.io.IOException: gone", "\t... 3 more",
                "2026-12-03T05:00:01Z INFO next")) {
            a.accept(line(l));
        }
        assertThat(records).hasSize(1); // "next" waits for lines that might continue it
        a.flush();
        assertThat(records).hasSize(2);
        LogRecord trace = records.get(0);
        assertThat(trace.message()).isEqualTo("ERROR request failed\njava.lang.IllegalStateException: boom\n"
                + "\tat com.example.App.run(App.java:10)\nCaused by: java.io.IOException: gone\n\t... 3 more");
        assertThat(trace.time()).isEqualTo(Instant.parse("2026-12-03T05:00:00Z"));
        assertThat(trace.level()).isEqualTo("ERROR");
        assertThat(records.get(1).time()).isEqualTo(Instant.parse("2026-12-03T05:00:01Z"));
    }

    @Test
    void aRecordWithoutMoreLinesIsWrittenAfterTheFlushTimeout() {
        RecordAssembler a = assembler(LogFormat.TEXT);
        a.accept(line("WARN alone"));
        a.flushIfIdle();
        assertThat(records).isEmpty();
        nanos.addAndGet(999_999_999L);
        a.flushIfIdle();
        assertThat(records).isEmpty();
        nanos.addAndGet(1);
        a.flushIfIdle();
        assertThat(records).extracting(LogRecord::message).containsExactly("WARN alone");
    }

    @Test
    void bytesThatAreNotUtf8AreKeptAsTheyWereBesideAReadableMessage() {
        RecordAssembler a = assembler(LogFormat.JSON);
        byte[] bytes = {'{', '"', 'm', 's', 'g', '"', ':', '"', (byte) 0xC3, '(', '"', '}'};
        a.accept(LogLine.decode(bytes));
        LogRecord r = records.get(0);
        assertThat(r.raw()).isEqualTo(bytes);
        assertThat(r.message()).isEqualTo("\uFFFD(");
        assertThat(Base64.getDecoder().decode(r.toJson(io.patternkit.sidecar.common.JsonMappers.standard()).get("rawBase64").asString()))
                .isEqualTo(bytes);
    }

    @Test
    void noRecordJoinsMoreThanItsCapOfLines() {
        RecordAssembler a = assembler(LogFormat.TEXT);
        a.accept(line("ERROR endless"));
        for (int i = 0; i < 2_500; i++) {
            a.accept(line("\tat frame" + i));
        }
        assertThat(records).hasSize(2).allSatisfy(r -> assertThat(r.message().split("\n")).hasSize(RecordAssembler.MAX_RECORD_LINES));
    }

    @Test
    void eachJsonLineIsARecordAtOnceAndBlankLinesAreSkipped() {
        RecordAssembler a = assembler(LogFormat.JSON);
        a.accept(line("{\"msg\":\"a\"}"));
        a.accept(line(""));
        a.accept(line("  {\"msg\":\"b\"}"));
        assertThat(records).extracting(LogRecord::message).containsExactly("a", "b");
        assertThat(records).extracting(LogRecord::source).containsOnly("app");
    }
}
