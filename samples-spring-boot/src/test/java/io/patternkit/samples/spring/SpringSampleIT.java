package io.patternkit.samples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patternkit.samples.indexing.Corpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the Spring Boot sample as the main job does, from its executable jar, on a slice of the JDK's sources: the
 * demo checks its own results (every file indexed once, the SIGTERM'd leader's drain clean with nothing stranded, a
 * successor elected whose refresh adds nothing) and exits non-zero when one fails. Skipped where the JDK has no
 * {@code src.zip}.
 */
class SpringSampleIT {
    private static final Path JAR = Path.of("target", "patternkit-samples-spring-boot.jar").toAbsolutePath();
    private static final Path SIDECAR_JAR =
            Path.of("..", "sidecar", "target", "patternkit-sidecar.jar").toAbsolutePath().normalize();

    @Test
    void twoReplicasIndexASliceOfTheJdkAndTheLeaderDrainsOnSigterm() throws Exception {
        Path corpus = Corpus.findJdkSources().orElse(null);
        assumeTrue(corpus != null, "no JDK src.zip on this machine");
        Path console = Path.of("target", "spring-sample-it.out").toAbsolutePath();
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                JAR.toString(), "demo", "--limit", "900", "--corpus", corpus.toString(), "--work-dir",
                Path.of("target", "spring-sample-it").toAbsolutePath().toString(), "--sidecar-jar",
                SIDECAR_JAR.toString());
        Process run = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(console.toFile()).start();
        boolean finished = run.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            run.destroyForcibly();
        }
        String out = Files.readString(console, StandardCharsets.UTF_8);
        assertThat(finished).as("finished in time; output:\n%s", out).isTrue();
        assertThat(run.exitValue()).as("exit code; output:\n%s", out).isZero();
        assertThat(out).contains("Spring Boot sample OK", ", 0 by both", "its refresh enqueued 0, 900 duplicates")
                .containsPattern("drained in \\d+ ms \\(\\d+ completed, \\d+ released, 0 stranded\\), exit 143");
    }
}
