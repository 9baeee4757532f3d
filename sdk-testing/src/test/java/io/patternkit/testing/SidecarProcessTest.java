package io.patternkit.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SidecarProcessTest {
    private final String mavenRepoLocal = System.getProperty(SidecarProcess.MAVEN_REPO_LOCAL);

    @TempDir
    Path dir;

    @AfterEach
    void restoreProperty() {
        if (mavenRepoLocal == null) {
            System.clearProperty(SidecarProcess.MAVEN_REPO_LOCAL);
        } else {
            System.setProperty(SidecarProcess.MAVEN_REPO_LOCAL, mavenRepoLocal);
        }
    }

    @Test
    void passesThisJvmsLocalMavenRepositoryOnAsAnAbsolutePath() throws IOException {
        System.setProperty(SidecarProcess.MAVEN_REPO_LOCAL, "relative/repository");

        assertThat(command()).contains("-Dmaven.repo.local=" + Path.of("relative/repository").toAbsolutePath())
                .containsSubsequence("-Dmaven.repo.local=" + Path.of("relative/repository").toAbsolutePath(), "-jar");
    }

    @Test
    void passesNoLocalMavenRepositoryWhenThisJvmHasNone() throws IOException {
        System.clearProperty(SidecarProcess.MAVEN_REPO_LOCAL);

        assertThat(command()).noneMatch(argument -> argument.startsWith("-Dmaven.repo.local"));
    }

    @Test
    void anAotCacheComesWithTheJdk25OptionsBeforeTheJar() throws IOException {
        Path cache = dir.resolve("patternkit-sidecar.aot");
        Path jar = Files.createFile(dir.resolve("patternkit-sidecar.jar"));
        try (SidecarProcess sidecar = SidecarProcess.workqueue().jar(jar).aotCache(cache).dataDir(dir.resolve("data"))
                .build()) {
            assertThat(sidecar.command()).containsSubsequence("-XX:AOTCache=" + cache,
                    "-XX:TrimNativeHeapInterval=1000", "-jar");
        }
    }

    private List<String> command() throws IOException {
        Path jar = Files.createFile(dir.resolve("patternkit-sidecar.jar"));
        try (SidecarProcess sidecar = SidecarProcess.workqueue().jar(jar).dataDir(dir.resolve("data")).build()) {
            return sidecar.command();
        }
    }
}
