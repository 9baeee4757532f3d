package io.patternkit.spring.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patternkit.leader.LeaderElection;
import io.patternkit.leader.Leadership;
import io.patternkit.lifecycle.CheckpointClient;
import io.patternkit.lifecycle.CheckpointStore;
import io.patternkit.lifecycle.CheckpointWrite;
import io.patternkit.spring.autoconfigure.CheckpointAutoConfiguration;
import io.patternkit.spring.autoconfigure.LeaderElectionAutoConfiguration;
import io.patternkit.spring.autoconfigure.PatternkitLifecycleAutoConfiguration;
import io.patternkit.testing.InMemoryCheckpointStore;
import io.patternkit.testing.InMemoryLeaderElection;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import io.patternkit.spring.leader.LeaderOnly;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class CheckpointHooksTest {
    private final InMemoryCheckpointStore store = new InMemoryCheckpointStore();
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PatternkitLifecycleAutoConfiguration.class,
                    CheckpointAutoConfiguration.class))
            .withBean(CheckpointStore.class, () -> store);

    /** Progress handed to the next incarnation. */
    static class Progress {
        final AtomicLong batch = new AtomicLong();

        @PatternkitCheckpoint(name = "${progress.name:progress}")
        Long save() {
            return batch.get() == 0 ? null : batch.get();
        }

        @PatternkitRestore(name = "${progress.name:progress}")
        void restore(long saved) {
            batch.set(saved);
        }
    }

    static class TakesAParameter {
        @PatternkitCheckpoint(name = "p")
        Long save(String what) {
            return 1L;
        }
    }

    static class RestoresNothingSaved {
        @PatternkitRestore(name = "nobody-saves-this")
        void restore(Long saved) {
        }
    }

    static class TwoSavers {
        @PatternkitCheckpoint(name = "p")
        Long a() {
            return 1L;
        }

        @PatternkitCheckpoint(name = "p")
        Long b() {
            return 2L;
        }
    }

    @Test
    void withoutLeadershipTheStateIsReadBackAtStartAndSavedUnfencedByTheDrain() {
        store.save("progress", CheckpointWrite.of(7L));
        runner.withBean(Progress.class).run(context -> {
            Progress progress = context.getBean(Progress.class);
            assertThat(progress.batch).hasValue(7);
            progress.batch.set(9);
            context.close(); // the drain's CHECKPOINT phase
            assertThat(store.read("progress").orElseThrow().stateAs(Long.class)).hasValue(9L);
            assertThat(store.read("progress").orElseThrow().fencingToken()).isZero();
        });
    }

    @Test
    void withTheLifecycleOffTheStateIsSavedWhenTheContextStops() {
        runner.withPropertyValues("patternkit.lifecycle.enabled=false").withBean(Progress.class).run(context -> {
            assertThat(context.getBean(Progress.class).batch).hasValue(0); // nothing saved yet: restore not called
            context.getBean(Progress.class).batch.set(3);
            context.close();
            assertThat(store.read("progress").orElseThrow().stateAs(Long.class)).hasValue(3L);
        });
    }

    @Test
    void withTheLifecycleOffAStopSavesAndAStartAgainReadsTheStateBack() {
        runner.withPropertyValues("patternkit.lifecycle.enabled=false").withBean(Progress.class).run(context -> {
            Progress progress = context.getBean(Progress.class);
            progress.batch.set(4);
            context.stop();
            assertThat(store.read("progress").orElseThrow().stateAs(Long.class)).hasValue(4L);
            progress.batch.set(0); // as a process restored from a checkpoint image may hold anything
            store.save("progress", CheckpointWrite.of(5L)); // another incarnation moved on meanwhile
            context.start();
            assertThat(progress.batch).hasValue(5);
        });
    }

    /** A restore that cannot read the state, as a schema change would make it. */
    static class UnreadableProgress {
        @PatternkitCheckpoint(name = "progress")
        Long save() {
            return null;
        }

        @PatternkitRestore(name = "progress")
        void restore(long saved) {
            throw new IllegalStateException("cannot read the saved progress");
        }
    }

    @LeaderOnly
    static class Refresher implements org.springframework.context.Lifecycle {
        final AtomicLong starts = new AtomicLong();
        volatile boolean running;

        @Override
        public void start() {
            starts.incrementAndGet();
            running = true;
        }

        @Override
        public void stop() {
            running = false;
        }

        @Override
        public boolean isRunning() {
            return running;
        }
    }

    @Test
    void aLeaderWhoseRestoreFailsNeverStartsItsLeaderOnlyBeans() {
        store.save("progress", CheckpointWrite.of(7L));
        InMemoryLeaderElection election = InMemoryLeaderElection.builder().build();
        Refresher refresher = new Refresher();
        runner.withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class))
                .withBean(LeaderElection.class, () -> election).withBean(UnreadableProgress.class)
                .withBean(Refresher.class, () -> refresher)
                .withPropertyValues("patternkit.leader.election=reindex", "patternkit.leader.candidate-id=pod-a")
                .run(context -> {
                    Leadership leadership = context.getBean(Leadership.class);
                    // The term is won, the restore throws, and the term is given up.
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> store.read("progress").orElseThrow().fencingToken() > 0);
                    await().atMost(Duration.ofSeconds(10)).until(() -> !leadership.isLeader());
                    assertThat(refresher.starts).as("no leader works from a state it could not read").hasValue(0);
                });
    }

    @Test
    void withTheLifecycleOffALeaderSavesFencedBeforeItResigns() {
        InMemoryLeaderElection election = InMemoryLeaderElection.builder().build();
        runner.withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class))
                .withBean(LeaderElection.class, () -> election).withBean(Progress.class)
                .withPropertyValues("patternkit.lifecycle.enabled=false", "patternkit.leader.election=reindex",
                        "patternkit.leader.candidate-id=pod-a")
                .run(context -> {
                    Leadership leadership = context.getBean(Leadership.class);
                    await().atMost(Duration.ofSeconds(10)).until(leadership::isLeader);
                    long token = leadership.fencingToken().getAsLong();
                    context.getBean(Progress.class).batch.set(4);
                    context.close(); // the context's stop: save first, then resign
                    assertThat(store.read("progress")).as("saved by the leader before it resigned").isPresent();
                    assertThat(store.read("progress").orElseThrow().stateAs(Long.class)).hasValue(4L);
                    assertThat(store.read("progress").orElseThrow().fencingToken()).isEqualTo(token);
                    assertThat(election.currentLeader("reindex").leader()).as("and resigned").isEmpty();
                });
    }

    @Test
    void withAFenceOnlyTheLeaderSavesFencedAndAStaleSaveIsLoggedNotThrown() {
        OptionalLong[] token = {OptionalLong.empty()};
        ApplicationContextRunner fenced = runner.withBean(CheckpointFence.class, () -> () -> token[0]).withBean(Progress.class);
        fenced.run(context -> { // not the leader: nothing read at start, nothing saved
            context.getBean(Progress.class).batch.set(5);
            context.close();
            assertThat(store.read("progress")).isEmpty();
        });
        token[0] = OptionalLong.of(4);
        fenced.run(context -> {
            context.getBean(CheckpointHooks.class).restore(4); // elected with token 4: nothing saved yet, nothing called
            assertThat(context.getBean(Progress.class).batch).hasValue(0);
            context.getBean(Progress.class).batch.set(6);
            context.close();
            assertThat(store.read("progress").orElseThrow().stateAs(Long.class)).hasValue(6L);
            assertThat(store.read("progress").orElseThrow().fencingToken()).isEqualTo(4);
        });
        fenced.run(context -> {
            store.restore("progress", 5); // a successor elected with token 5 took over the checkpoint
            context.getBean(Progress.class).batch.set(8);
            context.close(); // refused as stale: logged, the drain goes on
            assertThat(context).hasNotFailed();
            assertThat(store.read("progress").orElseThrow().stateAs(Long.class)).hasValue(6L);
        });
    }

    @Test
    void wrongMethodsFailTheStartNamingThem() {
        runner.withBean(TakesAParameter.class).run(context -> assertThat(context).getFailure()
                .hasMessageContaining("@PatternkitCheckpoint").hasMessageContaining("save").hasMessageContaining("no parameters"));
        runner.withBean(RestoresNothingSaved.class).run(context -> assertThat(context).getFailure()
                .hasMessageContaining("@PatternkitRestore").hasMessageContaining("nobody-saves-this"));
        runner.withBean(TwoSavers.class).run(context -> assertThat(context).getFailure()
                .hasMessageContaining("has one such method already"));
        runner.withBean(Progress.class).withPropertyValues("progress.name=no spaces").run(context -> assertThat(context)
                .getFailure().hasMessageContaining("name 'no spaces'"));
    }

    @Test
    void theClientIsOnlyMadeWhenNoStoreIsGivenAndBacksOffToTheApplications() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(CheckpointAutoConfiguration.class))
                .withPropertyValues("patternkit.sidecar.url=http://127.0.0.1:7300")
                .run(context -> assertThat(context).hasSingleBean(CheckpointClient.class));
        runner.run(context -> assertThat(context).doesNotHaveBean(CheckpointClient.class).getBean(CheckpointStore.class)
                .isSameAs(store));
    }
}
