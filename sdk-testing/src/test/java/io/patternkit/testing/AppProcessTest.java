package io.patternkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppProcessTest {
    private static final Instant READ = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void eventLinesAreParsedWithTheAppsOwnTimeWhenItGivesOne() {
        AppProcess.Event e = AppProcess.parse("replica-1", "EVENT ELECTED term=3 token=3 at=2026-12-01T10:00:00.5Z", READ)
                .orElseThrow();
        assertThat(e.kind()).isEqualTo("ELECTED");
        assertThat(e.is("ELECTED")).isTrue();
        assertThat(e.at()).isEqualTo(Instant.parse("2026-12-01T10:00:00.5Z"));
        assertThat(e.text()).isEqualTo("ELECTED term=3 token=3");
        assertThat(e.number("token")).isEqualTo(3);
        assertThat(e.field("reason")).isEmpty();
        assertThatThrownBy(() -> e.number("reason")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no reason");

        AppProcess.Event read = AppProcess.parse("leaf", "EVENT READY shard=s0 at=soon", READ).orElseThrow();
        assertThat(read.at()).isEqualTo(READ);
        assertThat(read.field("at")).contains("soon");
        assertThat(AppProcess.parse("leaf", "12:00 INFO started", READ)).isEmpty();
        assertThat(AppProcess.parse("leaf", "EVENT ", READ)).isEmpty();
    }

    @Test
    void aProcessIsReadSignalledAndAwaited(@TempDir Path dir) throws Exception {
        AppProcess.Events events = new AppProcess.Events();
        Path log = dir.resolve("app.log");
        try (AppProcess app = AppProcess.start("echo", List.of("sh", "-c",
                "echo 'EVENT READY n=1'; while read line; do echo \"EVENT GOT $line\"; [ \"$line\" = quit ] && exit 0; done"),
                Map.of(), log, events)) {
            assertThat(events.await("ready", e -> e.is("READY"), 1, Duration.ofSeconds(10))).hasSize(1);
            app.send("ping");
            assertThat(events.await("the echo", e -> e.is("GOT"), 1, Duration.ofSeconds(10)).get(0).text()).isEqualTo("GOT ping");
            assertThatThrownBy(() -> events.await("a second READY", e -> e.is("READY"), 2, Duration.ofMillis(50)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("a second READY (saw 1 of 2)");
            int mark = events.mark();
            app.quit(Duration.ofSeconds(10));
            assertThat(app.isAlive()).isFalse();
            assertThat(events.awaitAfter(mark, e -> e.is(AppProcess.EXITED), Duration.ofSeconds(10)))
                    .map(AppProcess.Event::app).contains("echo");
        }
        assertThat(Files.readString(log)).contains("EVENT GOT ping");
    }

    @Test
    void awaitAfterFindsTheFirstMatchSinceTheMarkWhateverArrivedBefore() throws Exception {
        AppProcess.Events events = new AppProcess.Events();
        events.add(AppProcess.parse("c1", "EVENT ELECTED", READ).orElseThrow());
        int mark = events.mark();
        events.add(AppProcess.parse("c1", "EVENT RESIGNING", READ).orElseThrow());
        events.add(AppProcess.parse("c2", "EVENT ELECTED", READ).orElseThrow());
        events.add(AppProcess.parse("c3", "EVENT ELECTED", READ).orElseThrow());
        assertThat(events.awaitAfter(mark, e -> e.is("ELECTED"), Duration.ZERO)).map(AppProcess.Event::app).contains("c2");
        assertThat(events.awaitAfter(events.mark(), e -> true, Duration.ofMillis(20))).isEmpty();
    }

    @Test
    void killEndsAStoppedProcess(@TempDir Path dir) {
        AppProcess app = AppProcess.start("sleeper", List.of("sleep", "60"), Map.of(), dir.resolve("s.log"), new AppProcess.Events());
        app.pause();
        app.kill();
        assertThat(app.isAlive()).isFalse();
    }
}
