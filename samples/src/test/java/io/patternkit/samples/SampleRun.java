package io.patternkit.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patternkit.samples.indexing.Corpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a sample as CI does: a fresh JVM on the built samples jar, over the JDK's own sources, with
 * its own sidecar processes from the built sidecar jar; the test is skipped where the JDK has no
 * {@code src.zip}. The sample's console goes to {@code target/NAME.out}, its work to
 * {@code target/NAME/}.
 *
 * @param console everything the sample printed
 * @param summary the sample's {@code summary.json}
 */
public record SampleRun(String console, JsonNode summary) {
    /** The built samples jar. */
    public static final Path JAR = Path.of("target", "patternkit-samples.jar").toAbsolutePath();
    private static final Path SIDECAR_JAR =
            Path.of("..", "sidecar", "target", "patternkit-sidecar.jar").toAbsolutePath().normalize();

    /**
     * Runs the sample to its end and checks that it ended in time with exit code 0.
     *
     * @param name names the console file and the work directory under {@code target/}
     * @param timeout how long the sample may run before the test fails (the process is then killed)
     * @param javaArgs what comes after {@code java}: JVM options, then {@code -jar JAR} or {@code -cp JAR MAIN}
     * @param sampleArgs the sample's options besides {@code --corpus}, {@code --work-dir} and {@code --sidecar-jar}
     * @return the console and the summary
     * @throws IOException when the process cannot start or its files cannot be read
     * @throws InterruptedException when interrupted while waiting
     */
    public static SampleRun run(String name, Duration timeout, List<String> javaArgs, List<String> sampleArgs)
            throws IOException, InterruptedException {
        Path corpus = Corpus.findJdkSources().orElse(null);
        assumeTrue(corpus != null, "no JDK src.zip on this machine");
        Path work = Path.of("target", name).toAbsolutePath();
        Path console = Files.createDirectories(Path.of("target")).resolve(name + ".out");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaArgs);
        command.addAll(List.of("--corpus", corpus.toString()));
        command.addAll(sampleArgs);
        command.addAll(List.of("--work-dir", work.toString(), "--sidecar-jar", SIDECAR_JAR.toString()));
        Process run = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(console.toFile()).start();
        boolean finished = run.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        String out = Files.readString(console, StandardCharsets.UTF_8);
        if (!finished) {
            run.destroyForcibly();
        }
        assertThat(finished).as("finished in time; output:\n%s", out).isTrue();
        assertThat(run.exitValue()).as("exit code; output:\n%s", out).isZero();
        return new SampleRun(out, new ObjectMapper().readTree(work.resolve("summary.json").toFile()));
    }
}
