package io.patternkit.workqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStageTest {
    @TempDir
    Path dir;

    private static WorkItem fileItem(String ref) {
        return new WorkItem("i1", "r1", 1, 5, null, ref, null, 0, Instant.EPOCH, Instant.EPOCH);
    }

    private long filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.count();
        }
    }

    @Test
    void writesToATempFileAndRenamesItIntoPlaceOnSuccess() throws Exception {
        Path in = Files.writeString(dir.resolve("in.txt"), "abc");
        Path out = dir.resolve("out/in.txt.up");
        WorkHandler h = WorkHandler.fileStage((input, output) -> {
            assertThat(output).isNotEqualTo(out).hasParent(out.getParent());
            assertThat(out).doesNotExist();
            Files.writeString(output, Files.readString(input).toUpperCase());
        }, input -> out);
        h.handle(fileItem(in.toString()));
        assertThat(out).hasContent("ABC");
        assertThat(filesIn(out.getParent())).isEqualTo(1);
    }

    @Test
    void aFailingStageLeavesNoOutputAndNoTempFile() throws Exception {
        Path in = Files.writeString(dir.resolve("in.txt"), "abc");
        Path out = dir.resolve("out.txt");
        WorkHandler h = WorkHandler.fileStage((input, output) -> {
            Files.writeString(output, "half");
            throw new IOException("disk full");
        }, input -> out);
        assertThatThrownBy(() -> h.handle(fileItem(in.toString()))).isInstanceOf(IOException.class);
        assertThat(out).doesNotExist();
        assertThat(filesIn(dir)).isEqualTo(1);
    }

    @Test
    void aMissingInputOrAJsonItemIsPoison() {
        WorkHandler h = WorkHandler.fileStage((input, output) -> { }, input -> dir.resolve("o"));
        assertThatThrownBy(() -> h.handle(fileItem(dir.resolve("nope").toString())))
                .isInstanceOf(PoisonItemException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> h.handle(new WorkItem("i", "r", 1, 5, "{}", null, null, 0, Instant.EPOCH,
                Instant.EPOCH))).isInstanceOf(PoisonItemException.class).hasMessageContaining("no local input file");
    }

    @Test
    void resolvesFileUrisButNotRemoteReferences() {
        assertThat(fileItem(dir.toUri().toString()).file()).contains(dir);
        assertThat(fileItem("s3://bucket/key").file()).isEmpty();
    }
}
