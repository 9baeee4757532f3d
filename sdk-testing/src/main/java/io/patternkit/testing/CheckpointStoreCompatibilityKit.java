package io.patternkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patternkit.lifecycle.Checkpoint;
import io.patternkit.lifecycle.CheckpointStore;
import io.patternkit.lifecycle.CheckpointWrite;
import io.patternkit.lifecycle.FencingTokenStaleException;
import io.patternkit.lifecycle.VersionConflictException;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The semantics every {@link CheckpointStore} must honour, as one abstract JUnit 5 suite run against the
 * sidecar's ({@code CheckpointClient}) and against {@link InMemoryCheckpointStore}, so that a unit test
 * on the fake means the same in production. A subclass supplies the subject; each test uses a fresh
 * checkpoint name.
 */
public abstract class CheckpointStoreCompatibilityKit {
    /** The checkpoint name of the current test: fresh per test. */
    protected String name;

    /** Creates the kit; subclasses are JUnit test classes. */
    protected CheckpointStoreCompatibilityKit() {
    }

    /** @return the subject, shared by the tests */
    protected abstract CheckpointStore store();

    /** Picks a fresh name. */
    @BeforeEach
    public final void freshName() {
        name = "kit-" + UUID.randomUUID();
    }

    /** Nothing saved reads as empty. */
    @Test
    public void nothingSavedReadsEmpty() {
        assertThat(store().read(name)).isEmpty();
    }

    /** Each save counts one version and the state reads back as the same JSON value. */
    @Test
    public void savesCountVersionsAndReadBackTheState() {
        Checkpoint first = store().save(name, CheckpointWrite.of(Map.of("lastBatch", 41)));
        assertThat(first.version()).isEqualTo(1);
        assertThat(first.fencingToken()).isZero();
        Checkpoint second = store().save(name, CheckpointWrite.json("[1,\"two\",{\"three\":3}]").expectingVersion(1));
        assertThat(second.version()).isEqualTo(2);
        Checkpoint read = store().read(name).orElseThrow();
        assertThat(read.version()).isEqualTo(2);
        assertThat(read.stateJson()).contains("[1,\"two\",{\"three\":3}]");
        assertThat(store().read(name).orElseThrow().stateAs(Object[].class).orElseThrow()).hasSize(3);
    }

    /** A save that expects another version is a {@link VersionConflictException} and changes nothing. */
    @Test
    public void aSaveExpectingAnotherVersionIsAConflict() {
        store().save(name, CheckpointWrite.json("1").expectingVersion(0));
        assertThatThrownBy(() -> store().save(name, CheckpointWrite.json("2").expectingVersion(0)))
                .isInstanceOf(VersionConflictException.class);
        assertThat(store().read(name).orElseThrow().stateJson()).contains("1");
    }

    /**
     * Leadership handover with state: the successor's restore returns the last state and refuses every
     * later save of the older term.
     */
    @Test
    public void afterASuccessorRestoredTheOldTermCannotSave() {
        store().save(name, CheckpointWrite.json("{\"lastBatch\":7}").fencedBy(3));
        Checkpoint restored = store().restore(name, 4);
        assertThat(restored.stateJson()).contains("{\"lastBatch\":7}");
        assertThat(restored.fencingToken()).isEqualTo(4);
        assertThatThrownBy(() -> store().save(name, CheckpointWrite.json("{\"lastBatch\":8}").fencedBy(3)))
                .isInstanceOf(FencingTokenStaleException.class);
        assertThatThrownBy(() -> store().restore(name, 2)).isInstanceOf(FencingTokenStaleException.class);
        assertThat(store().save(name, CheckpointWrite.json("{\"lastBatch\":8}").fencedBy(4).expectingVersion(1))
                .version()).isEqualTo(2);
    }

    /** A restore of a checkpoint never saved answers version 0 without state, and fences it. */
    @Test
    public void aRestoreOfNothingIsEmptyAndFenced() {
        Checkpoint empty = store().restore(name, 5);
        assertThat(empty.version()).isZero();
        assertThat(empty.stateJson()).isEmpty();
        assertThatThrownBy(() -> store().save(name, CheckpointWrite.json("1").fencedBy(4)))
                .isInstanceOf(FencingTokenStaleException.class);
        assertThat(store().save(name, CheckpointWrite.json("1").expectingVersion(0).fencedBy(5)).version()).isEqualTo(1);
    }

    /** Names follow the wire's rule. */
    @Test
    public void badNamesAreRefusedBeforeAnyCall() {
        assertThatThrownBy(() -> store().read("a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().save("..", CheckpointWrite.json("1"))).isInstanceOf(IllegalArgumentException.class);
    }
}
