package io.patternkit.sidecar.adapter.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Following a file across the ways logs are rotated, with a hand-moved clock instead of waits. */
class FileFollowerTest {
    @TempDir
    Path dir;

    private final AtomicLong nanos = new AtomicLong();
    private final List<String> lines = new ArrayList<>();
    private final List<FileFollower.Rotation> rotations = new ArrayList<>();
    private FileFollower follower;

    private FileFollower follow(Path file, boolean fromStart) {
        follower = new FileFollower(file, fromStart, Duration.ofSeconds(5), nanos::get,
                () -> new LineSplitter(256, line -> lines.add(line.text())), rotations::add);
        return follower;
    }

    @AfterEach
    void close() {
        if (follower != null) {
            follower.close();
        }
    }

    private static OutputStream appender(Path file) throws IOException {
        return Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Test
    void aLineHalfWrittenWhenTheFileIsRenamedIsReadWholeFromTheOldFile() throws IOException {
        Path log = dir.resolve("app.log");
        FileFollower f = follow(log, false);
        f.poll(); // before the app made its file: the file is read from its start once it appears
        try (OutputStream app = appender(log)) {
            write(app, "one\ntw");
            f.poll();
            assertThat(lines).containsExactly("one");
            Files.move(log, dir.resolve("app.log.1")); // logrotate's rename; the app still holds the old file
            write(app, "o\nthree\n");
            try (OutputStream reopened = appender(log)) {
                write(reopened, "four\n");
                f.poll();
                assertThat(lines).containsExactly("one", "two", "three", "four");
                assertThat(rotations).containsExactly(FileFollower.Rotation.RENAMED);
                write(app, "late\n"); // written before the app reopened, read while the old file is still watched
                write(reopened, "five\n");
                f.poll();
                assertThat(lines).containsExactly("one", "two", "three", "four", "late", "five");
                write(app, "unfinished");
                nanos.addAndGet(Duration.ofSeconds(5).toNanos());
                f.poll();
                assertThat(lines).endsWith("unfinished"); // the rotate wait is over: the unfinished line is handed on, once
                write(app, "after the wait\n");
                f.poll();
                assertThat(lines).doesNotContain("after the wait");
            }
        }
    }

    @Test
    void aFileCutShortInPlaceIsReadAgainFromItsStart() throws IOException {
        Path log = dir.resolve("app.log");
        FileFollower f = follow(log, true);
        try (OutputStream app = appender(log)) {
            write(app, "before the copy\nbefore too\n");
            f.poll();
            Files.write(log, new byte[0], StandardOpenOption.TRUNCATE_EXISTING); // copytruncate
            write(app, "after\n");
            f.poll();
        }
        assertThat(lines).containsExactly("before the copy", "before too", "after");
        assertThat(rotations).containsExactly(FileFollower.Rotation.TRUNCATED);
    }

    @Test
    void aFileThereAtTheStartIsFollowedFromItsEndUnlessAskedAndOneThatAppearsLaterFromItsStart() throws IOException {
        Path old = Files.writeString(dir.resolve("old.log"), "written before the adapter\n");
        FileFollower f = follow(old, false);
        f.poll();
        Files.writeString(old, "new\n", StandardOpenOption.APPEND);
        f.poll();
        assertThat(lines).containsExactly("new");
        f.close();

        lines.clear();
        Path later = dir.resolve("later.log");
        FileFollower g = follow(later, false);
        g.poll();
        Files.writeString(later, "first\nsecond\n");
        g.poll();
        assertThat(lines).containsExactly("first", "second");
    }

    @Test
    void aPipeSourceThatIsARegularFileIsRefusedAtStart() throws IOException {
        Path notAPipe = Files.writeString(dir.resolve("events.pipe"), "would be read again and again\n");
        LogsSpec spec = new LogsSpec(List.of(new LogSourceSpec("events", java.util.Optional.empty(), java.util.Optional.of(notAPipe),
                LogFormat.TEXT, false)), false, 10, Duration.ofSeconds(1), Duration.ofSeconds(1), 1024);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LogsAdapter.start(spec,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), java.time.Clock.systemUTC(),
                io.patternkit.sidecar.common.JsonMappers.standard())).hasMessageContaining("is not a named pipe");
    }

    @Test
    void aLineLongerThanTheCapIsHandedOnInPiecesAndCarriageReturnsAreDropped() throws IOException {
        Path log = dir.resolve("app.log");
        FileFollower f = follow(log, true);
        String longLine = "x".repeat(600);
        Files.writeString(log, longLine + "\r\nshort\r\n");
        f.poll();
        assertThat(lines).containsExactly("x".repeat(256), "x".repeat(256), "x".repeat(88), "short");
    }
}
