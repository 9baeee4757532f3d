package io.patternkit.sidecar.adapter.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Each format's reading of the lines the common loggers write. */
class LogFormatTest {
    @Test
    void jsonTakesTimeLevelAndMessageFromTheUsualMembersAndKeepsTheRestAsFields() {
        LogFormat.Parsed p = LogFormat.JSON.parse(
                "{\"@timestamp\":\"2026-12-03T05:10:00.123+01:00\",\"level\":\"warning\",\"msg\":\"disk low\",\"free\":12,\"tags\":[\"a\"]}");
        assertThat(p.time()).isEqualTo(Instant.parse("2026-12-03T04:10:00.123Z"));
        assertThat(p.level()).isEqualTo("WARN");
        assertThat(p.message()).isEqualTo("disk low");
        assertThat(p.fields()).containsOnlyKeys("free", "tags");
        assertThat(p.fields().get("free").asInt()).isEqualTo(12);
        assertThat(p.error()).isNull();
    }

    @Test
    void jsonEpochSecondsAndMillisAreBothRead() {
        assertThat(LogFormat.JSON.parse("{\"ts\":1764738600.5,\"msg\":\"x\"}").time()).isEqualTo(Instant.parse("2025-12-03T05:10:00.500Z"));
        assertThat(LogFormat.JSON.parse("{\"ts\":1764738600500,\"msg\":\"x\"}").time()).isEqualTo(Instant.parse("2025-12-03T05:10:00.500Z"));
        LogFormat.Parsed unreadable = LogFormat.JSON.parse("{\"time\":\"yesterday\",\"msg\":\"x\"}");
        assertThat(unreadable.time()).isNull();
        assertThat(unreadable.fields().get("time").asString()).isEqualTo("yesterday"); // kept, not guessed
    }

    @Test
    void aLineThatIsNotAJsonObjectIsKeptWholeAndSaysWhy() {
        LogFormat.Parsed p = LogFormat.JSON.parse("plain words {");
        assertThat(p.message()).isEqualTo("plain words {");
        assertThat(p.error()).startsWith("not JSON");
        assertThat(LogFormat.JSON.parse("[1,2]").error()).isEqualTo("not a JSON object");
    }

    @Test
    void logfmtReadsQuotedValuesEscapesAndBareFlags() {
        LogFormat.Parsed p = LogFormat.LOGFMT.parse("time=2026-12-03T05:10:00Z level=error msg=\"query \\\"x\\\" failed\" took=12ms retry");
        assertThat(p.time()).isEqualTo(Instant.parse("2026-12-03T05:10:00Z"));
        assertThat(p.level()).isEqualTo("ERROR");
        assertThat(p.message()).isEqualTo("query \"x\" failed");
        assertThat(p.fields().get("took").asString()).isEqualTo("12ms");
        assertThat(p.fields().get("retry").asBoolean()).isTrue();
        assertThat(LogFormat.LOGFMT.parse("msg=\"never closed").error()).contains("no closing quote");
    }

    @Test
    void combinedAccessLinesBecomeRequestFieldsWithALevelFromTheStatus() {
        LogFormat.Parsed p = LogFormat.COMBINED.parse("10.0.0.7 - alice [03/Dec/2026:05:10:00 +0000] \"GET /terms?term=x HTTP/1.1\" 503 42"
                + " \"-\" \"curl/8.5.0\"");
        assertThat(p.time()).isEqualTo(Instant.parse("2026-12-03T05:10:00Z"));
        assertThat(p.level()).isEqualTo("ERROR");
        assertThat(p.message()).isEqualTo("GET /terms?term=x HTTP/1.1");
        assertThat(p.fields()).containsOnlyKeys("remote", "user", "method", "path", "protocol", "status", "bytes", "userAgent");
        assertThat(p.fields().get("status").asInt()).isEqualTo(503);
        LogFormat.Parsed common = LogFormat.COMBINED.parse("::1 - - [03/Dec/2026:05:10:00 +0100] \"POST /x HTTP/2.0\" 404 -");
        assertThat(common.level()).isEqualTo("WARN");
        assertThat(common.time()).isEqualTo(Instant.parse("2026-12-03T04:10:00Z"));
        assertThat(common.fields()).doesNotContainKey("bytes");
        assertThat(LogFormat.COMBINED.parse("GET / 200").error()).contains("access log");
    }

    @Test
    void textFindsALeadingTimeAndALevelWord() {
        LogFormat.Parsed p = LogFormat.TEXT.parse("2026-12-03 05:10:00,250 ERROR [main] c.e.App - boom");
        assertThat(p.time()).isEqualTo(Instant.parse("2026-12-03T05:10:00.250Z"));
        assertThat(p.level()).isEqualTo("ERROR");
        assertThat(p.message()).isEqualTo("ERROR [main] c.e.App - boom");
        LogFormat.Parsed bare = LogFormat.TEXT.parse("just words");
        assertThat(bare.time()).isNull();
        assertThat(bare.level()).isNull();
        assertThat(bare.error()).isNull();
    }

    @Test
    void stackTraceLinesContinueATextRecordOnly() {
        assertThat(LogFormat.TEXT.continues("\tat com.example.App.main(App.java:10)")).isTrue();
        assertThat(LogFormat.TEXT.continues("Caused by: java.io.IOException: gone")).isTrue();
        assertThat(LogFormat.TEXT.continues("\t... 12 more")).isTrue();
        assertThat(LogFormat.TEXT.continues("java.lang.IllegalStateException: boom")).isTrue();
        assertThat(LogFormat.TEXT.continues("com.example.QuotaError")).isTrue();
        assertThat(LogFormat.TEXT.continues("Exception in thread \"main\" java.lang.Error")).isFalse();
        assertThat(LogFormat.TEXT.continues("java.version is 17")).isFalse();
        assertThat(LogFormat.TEXT.continues("2026-12-03 05:10:01 INFO next")).isFalse();
        assertThat(LogFormat.JSON.continues("  {\"indented\": true}")).isFalse();
    }

    @Test
    void valuesOutOfEveryRangeKeepTheLineWholeInsteadOfFailing() {
        assertThat(LogFormat.JSON.parse("{\"ts\":1e400,\"msg\":\"x\"}").error()).contains("not readable as json");
        assertThat(LogFormat.COMBINED.parse("1.2.3.4 - - [03/Dec/2026:05:10:00 +0000] \"GET / HTTP/1.1\" 200 "
                + "9".repeat(30)).error()).contains("not readable as combined");
        assertThat(LogFormat.TEXT.continues(" INFO a right-aligned level starts a record")).isFalse();
    }

    @Test
    void levelsOfOtherLoggersMapOntoOneScale() {
        assertThat(LogLevel.normalise("severe")).isEqualTo("ERROR");
        assertThat(LogLevel.normalise("CRITICAL")).isEqualTo("FATAL");
        assertThat(LogLevel.normalise("fine")).isEqualTo("DEBUG");
        assertThat(LogLevel.normalise("verbose")).isEqualTo("VERBOSE");
        assertThat(LogLevel.of("VERBOSE")).isEmpty();
    }
}
