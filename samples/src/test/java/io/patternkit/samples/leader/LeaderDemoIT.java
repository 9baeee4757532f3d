package io.patternkit.samples.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patternkit.samples.indexing.Corpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The leader sample on real input, as CI runs it: three replicas over a slice of the JDK's sources,
 * the leader's app killed with {@code kill -9}, the next leader frozen with {@code SIGSTOP} past its
 * lease; the store's own record must show every batch reported once and no stale write accepted.
 */
class LeaderDemoIT {
    @Test
    void reportsEveryBatchOnceThroughAKillAndAPauseWithNoStaleWriteAccepted() throws Exception {
        Path jar = Path.of("target", "patternkit-samples.jar").toAbsolutePath();
        Path sidecarJar = Path.of("..", "sidecar", "target", "patternkit-sidecar.jar").toAbsolutePath().normalize();
        Path corpus = Corpus.findJdkSources().orElse(null);
        assumeTrue(corpus != null, "no JDK src.zip on this machine");
        Path work = Path.of("target", "it-leader-demo").toAbsolutePath();
        Path console = Files.createDirectories(Path.of("target")).resolve("it-leader-demo.out");

        Process run = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", jar.toString(),
                LeaderDemo.class.getName(), "--corpus", corpus.toString(), "--limit", "3000",
                "--work-dir", work.toString(), "--sidecar-jar", sidecarJar.toString()))
                .redirectErrorStream(true).redirectOutput(console.toFile()).start();
        boolean finished = run.waitFor(5, TimeUnit.MINUTES);
        String out = Files.readString(console, StandardCharsets.UTF_8);
        if (!finished) {
            run.destroyForcibly();
        }
        assertThat(finished).as("finished in time; output:\n%s", out).isTrue();
        assertThat(run.exitValue()).as("exit code; output:\n%s", out).isZero();

        JsonNode summary = new ObjectMapper().readTree(work.resolve("summary.json").toFile());
        assertThat(summary.get("batches").asInt()).isEqualTo(50);
        assertThat(summary.get("reported").asInt()).isEqualTo(50);
        assertThat(summary.get("reportedTwice").asInt()).isZero();
        assertThat(summary.get("staleWritesAccepted").asInt()).isZero();
        assertThat(summary.get("tokensIncreasing").asBoolean()).isTrue();
        assertThat(summary.get("timeline").get("killHandoverMs").asLong())
                .as("the app's death is noticed through its dropped watch, well before the 3 s lease").isLessThan(1_500);
        assertThat(summary.get("ok").asBoolean()).isTrue();
    }
}
