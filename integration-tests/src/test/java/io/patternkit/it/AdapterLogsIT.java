package io.patternkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patternkit.testing.SidecarProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter's logs through a real sidecar process, with the faults a log adapter meets: the app's
 * file renamed while the app is halfway through a line, the app writing on to the renamed file
 * before it reopens, a copytruncate, and the sidecar stopped (SIGSTOP) across the rotation. Every
 * line the app wrote reaches the sidecar's standard output once, whole, in order.
 */
class AdapterLogsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void everyLineReachesStdoutOnceWholeAcrossARenameMidLineAStoppedSidecarAndACopytruncate() throws Exception {
        Path log = dir.resolve("app.log");
        Path config = Files.writeString(dir.resolve("adapter.json"), "{\"logs\": {\"rotateWait\": \"3s\", \"sources\": "
                + "[{\"name\": \"app\", \"file\": \"" + log + "\", \"format\": \"json\"}]}}");
        List<String> written = new ArrayList<>();
        try (SidecarProcess sidecar = SidecarProcess.run("adapter").dataDir(dir.resolve("data")).args("--adapter-config", config.toString())
                .start()) {
            OutputStream app = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            lines(app, written, 0, 100);
            write(app, "{\"msg\":\"line 100\",\"half\":"); // the app is halfway through a line ...
            awaitRecords(sidecar, 100);

            sidecar.pause(); // ... the sidecar is stopped ...
            Files.move(log, dir.resolve("app.log.1")); // ... and logrotate renames the file
            write(app, "\"written before and after the rename\"}\n");
            written.add("line 100");
            lines(app, written, 101, 150); // the app writes on to the renamed file until it reopens
            app.close();
            OutputStream reopened = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            lines(reopened, written, 150, 250);
            sidecar.resume();
            awaitRecords(sidecar, 250);

            Files.write(log, new byte[0], StandardOpenOption.TRUNCATE_EXISTING); // copytruncate
            lines(reopened, written, 250, 300);
            reopened.close();
            List<JsonNode> records = awaitRecords(sidecar, 300);

            assertThat(records).extracting(r -> r.get("message").asText()).containsExactlyElementsOf(written);
            JsonNode whole = records.get(100);
            assertThat(whole.get("fields").get("half").asText()).isEqualTo("written before and after the rename");
            assertThat(records).allSatisfy(r -> {
                assertThat(r.get("source").asText()).isEqualTo("app");
                assertThat(r.has("parseError")).isFalse();
            });
        }
    }

    private static void lines(OutputStream out, List<String> written, int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            write(out, "{\"time\":\"2026-12-03T06:00:00Z\",\"level\":\"info\",\"msg\":\"line " + i + "\",\"n\":" + i + "}\n");
            written.add("line " + i);
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Waits until the sidecar's stdout holds {@code count} records of the source, and answers them; fails on more. */
    private static List<JsonNode> awaitRecords(SidecarProcess sidecar, int count) {
        List<JsonNode> records = new ArrayList<>();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            records.clear();
            records.addAll(stdoutRecords(sidecar));
            return records.size() >= count;
        });
        assertThat(records).hasSize(count);
        return records;
    }

    private static List<JsonNode> stdoutRecords(SidecarProcess sidecar) {
        try {
            List<JsonNode> records = new ArrayList<>();
            for (String line : Files.readAllLines(sidecar.logFile(), StandardCharsets.UTF_8)) {
                if (line.startsWith("{")) {
                    JsonNode node = JSON.readTree(line);
                    if ("app".equals(node.path("source").asText())) {
                        records.add(node);
                    }
                }
            }
            return records;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
