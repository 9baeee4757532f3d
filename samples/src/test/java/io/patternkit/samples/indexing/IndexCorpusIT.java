package io.patternkit.samples.indexing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The main job on real input, as CI runs it: a slice of the JDK's own sources through two worker
 * replicas with their own sidecar processes, one worker killed with {@code kill -9} mid-run.
 */
class IndexCorpusIT {
    @Test
    void indexesAJdkSliceWithAWorkerKilledAndLosesNothing() throws Exception {
        Path jar = Path.of("target", "patternkit-samples.jar").toAbsolutePath();
        Path sidecarJar = Path.of("..", "sidecar", "target", "patternkit-sidecar.jar").toAbsolutePath().normalize();
        Path corpus = Corpus.findJdkSources().orElse(null);
        assumeTrue(corpus != null, "no JDK src.zip on this machine");
        Path work = Path.of("target", "it-index-corpus").toAbsolutePath();
        Path console = Files.createDirectories(Path.of("target")).resolve("it-index-corpus.out");

        Process run = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "--corpus", corpus.toString(), "--limit", "2000", "--kill-worker",
                "--work-dir", work.toString(), "--sidecar-jar", sidecarJar.toString()))
                .redirectErrorStream(true).redirectOutput(console.toFile()).start();
        boolean finished = run.waitFor(10, TimeUnit.MINUTES);
        String out = Files.readString(console, StandardCharsets.UTF_8);
        if (!finished) {
            run.destroyForcibly();
        }
        assertThat(finished).as("finished in time; output:\n%s", out).isTrue();
        assertThat(run.exitValue()).as("exit code; output:\n%s", out).isZero();

        JsonNode summary = new ObjectMapper().readTree(work.resolve("summary.json").toFile());
        assertThat(summary.get("files").asLong()).isEqualTo(2000);
        assertThat(summary.get("enqueued").asLong()).isEqualTo(2000);
        assertThat(summary.get("lost").asLong()).isZero();
        assertThat(summary.get("killedWorker").asBoolean()).isTrue();
        assertThat(summary.get("processed").asLong() + summary.get("deadLettered").asLong()).isEqualTo(2000);
        assertThat(out).contains("summary").contains("lost             0");
    }
}
