package io.patternkit.samples.indexing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.patternkit.samples.SampleRun;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The main job on real input, as CI runs it: a slice of the JDK's own sources through two worker
 * replicas with their own sidecar processes, one worker killed with {@code kill -9} mid-run and the
 * other replaced by a new replica, drained by SIGTERM sent to it and its sidecar at the same moment.
 */
class IndexCorpusIT {
    @Test
    void indexesAJdkSliceWithAWorkerKilledAndOneDrainedAndLosesNothing() throws Exception {
        SampleRun run = SampleRun.run("it-index-corpus", Duration.ofMinutes(10),
                List.of("-jar", SampleRun.JAR.toString()),
                List.of("--limit", "2000", "--kill-worker", "--drain-worker"));
        JsonNode summary = run.summary();
        String out = run.console();
        assertThat(summary.get("files").asLong()).isEqualTo(2000);
        assertThat(summary.get("enqueued").asLong()).isEqualTo(2000);
        assertThat(summary.get("lost").asLong()).isZero();
        assertThat(summary.get("killedWorker").asBoolean()).isTrue();
        assertThat(summary.get("processed").asLong() + summary.get("deadLettered").asLong()).isEqualTo(2000);
        JsonNode drain = summary.get("drain");
        assertThat(drain.get("stranded").asLong()).as("items left to wait out a visibility timeout").isZero();
        assertThat(drain.get("tookMs").asLong()).isLessThanOrEqualTo(drain.get("deadlineMs").asLong());
        assertThat(drain.get("sidecarExit").asInt()).isEqualTo(143);
        assertThat(out).contains("summary").contains("lost             0").contains("released on drain");
    }
}
