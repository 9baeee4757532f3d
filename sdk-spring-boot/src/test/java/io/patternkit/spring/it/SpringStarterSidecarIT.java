package io.patternkit.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patternkit.leader.LeaderElection;
import io.patternkit.leader.Leadership;
import io.patternkit.leader.RevocationReason;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.spring.actuate.PatternkitEndpoint;
import io.patternkit.spring.leader.LeadershipGrantedEvent;
import io.patternkit.spring.leader.LeadershipRevokedEvent;
import io.patternkit.spring.lifecycle.PatternkitCheckpoint;
import io.patternkit.spring.lifecycle.PatternkitRestore;
import io.patternkit.spring.workqueue.WorkQueueListener;
import io.patternkit.spring.workqueue.WorkQueueTemplate;
import io.patternkit.testing.Sidecar;
import io.patternkit.testing.SidecarProcess;
import io.patternkit.workqueue.WorkItem;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/**
 * Spring Boot applications with the starter against one real {@code patternkit-sidecar run} process on SQLite,
 * started for the class by {@link Sidecar}:
 * listeners ack, nack for a retry and dead-letter; leadership follows the contexts as events, and a leader's
 * {@code @PatternkitCheckpoint} state reaches its successor's {@code @PatternkitRestore} before the grant; and closing a context
 * under load drains it, so that every item is handled once and none waits out its visibility timeout.
 */
class SpringStarterSidecarIT {
    @Sidecar(patterns = {"workqueue", "leader", "checkpoint"}, args = {"--backoff-base", "100ms", "--lease-duration", "3s",
            "--renew-deadline", "1500ms", "--retry-period", "200ms"})
    static SidecarProcess sidecar;
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    @AfterEach
    void closeTheApplications() {
        contexts.forEach(ConfigurableApplicationContext::close);
    }

    /** A document to index: fails once, or fails for good. */
    public record Doc(String id, boolean failOnce, boolean poison) {
        static Doc plain(String id) {
            return new Doc(id, false, false);
        }
    }

    /**
     * The application's worker: a listener and a record of what it did. Handlers wait at {@link #gate} (open unless a
     * test closes it) so that a test can hold items in flight for as long as it needs.
     */
    public static class Indexer {
        final Set<String> done = ConcurrentHashMap.newKeySet();
        final Map<String, Integer> attempts = new ConcurrentHashMap<>();
        final AtomicInteger entered = new AtomicInteger();
        volatile CountDownLatch gate = new CountDownLatch(0);

        @WorkQueueListener(queue = "${it.queue}", deadLetterOn = IllegalArgumentException.class)
        void index(Doc doc, WorkItem item) throws IOException, InterruptedException {
            attempts.merge(doc.id(), 1, Integer::sum);
            if (doc.poison()) {
                throw new IllegalArgumentException("not a document: " + doc.id());
            }
            if (doc.failOnce() && item.attempt() == 1) {
                throw new IOException("index locked, try again");
            }
            entered.incrementAndGet();
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
            done.add(doc.id());
        }
    }

    /** What the application heard about its leadership. */
    public static class LeadershipLog {
        final List<Object> events = new CopyOnWriteArrayList<>();

        @EventListener
        void granted(LeadershipGrantedEvent event) {
            events.add(event);
        }

        @EventListener
        void revoked(LeadershipRevokedEvent event) {
            events.add(event);
        }
    }

    /** State handed from leader to leader: saved in the drain, restored on election before the grant is heard. */
    public static class Progress {
        final AtomicLong batch = new AtomicLong();
        final List<String> calls = new CopyOnWriteArrayList<>();

        @PatternkitCheckpoint(name = "${it.checkpoint:spring-it-progress}")
        Long checkpoint() {
            return batch.get();
        }

        @PatternkitRestore(name = "${it.checkpoint:spring-it-progress}")
        void restore(Long saved) {
            batch.set(saved);
            calls.add("restored " + saved);
        }

        @EventListener
        void granted(LeadershipGrantedEvent event) {
            calls.add("granted");
        }
    }

    /** The application. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    public static class App {
        @Bean
        Indexer indexer() {
            return new Indexer();
        }

        @Bean
        LeadershipLog leadershipLog() {
            return new LeadershipLog();
        }

        @Bean
        Progress progress() {
            return new Progress();
        }
    }

    private ConfigurableApplicationContext start(String name, String queue, String... more) {
        List<String> properties = new ArrayList<>(List.of("patternkit.sidecar.url=" + sidecar.baseUrl(),
                "it.queue=" + queue, "patternkit.leader.candidate-id=" + name,
                "patternkit.workqueue.listener.visibility-timeout=60s", "patternkit.workqueue.listener.poll-wait=1s",
                "spring.lifecycle.timeout-per-shutdown-phase=20s"));
        properties.addAll(List.of(more));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF).properties(properties.toArray(String[]::new))
                .run();
        contexts.add(context);
        return context;
    }

    @Test
    void listenersAckRetryAfterANackAndDeadLetter() {
        ConfigurableApplicationContext app = start("a", "spring-outcomes");
        WorkQueueTemplate template = app.getBean(WorkQueueTemplate.class);
        List<Doc> docs = new ArrayList<>();
        IntStream.range(0, 20).forEach(i -> docs.add(Doc.plain("doc-" + i)));
        docs.add(new Doc("flaky-1", true, false));
        docs.add(new Doc("flaky-2", true, false));
        docs.add(new Doc("junk", false, true));
        template.sendAll("spring-outcomes", docs);
        Indexer indexer = app.getBean(Indexer.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> indexer.done.size() == 22);
        await().atMost(Duration.ofSeconds(10)).until(() -> template.queue("spring-outcomes").stats().dead() == 1);
        assertThat(indexer.attempts).containsEntry("flaky-1", 2).containsEntry("flaky-2", 2).containsEntry("junk", 1)
                .containsEntry("doc-7", 1);
        assertThat(template.queue("spring-outcomes").deadLetters(10)).singleElement()
                .satisfies(dead -> assertThat(dead.reason()).contains("not a document: junk"));
        // The Actuator endpoint asks the real sidecar's readiness probe and shows the listener's counters.
        assertThat(app.getBean(PatternkitEndpoint.class).patternkit().toString())
                .contains("url=" + sidecar.baseUrl() + ", ready=true, status=UP", "processed=22", "deadLettered=1");
    }

    @Test
    void leadershipFollowsTheApplicationsAsEventsAndHandsOverItsCheckpoint() {
        ConfigurableApplicationContext a = start("a", "spring-leader", "patternkit.leader.election=spring-it",
                "it.checkpoint=spring-it-handover");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.getBean(Leadership.class).isLeader());
        a.getBean(Progress.class).batch.set(42); // the leader's work
        ConfigurableApplicationContext b = start("b", "spring-leader", "patternkit.leader.election=spring-it",
                "it.checkpoint=spring-it-handover");
        await().atMost(Duration.ofSeconds(5)).until(() -> b.getBean(Leadership.class).lastObserved().isPresent());
        assertThat(b.getBean(Leadership.class).isLeader()).isFalse();
        long firstToken = a.getBean(Leadership.class).fencingToken().getAsLong();
        LeadershipLog aLog = a.getBean(LeadershipLog.class);

        a.close();
        assertThat(aLog.events).hasSize(2).last().isInstanceOfSatisfying(LeadershipRevokedEvent.class,
                revoked -> assertThat(revoked.reason()).isEqualTo(RevocationReason.CLOSED));
        // Resigned on close, not left to expire: the sidecar no longer names a once close() has returned.
        assertThat(b.getBean(LeaderElection.class).currentLeader("spring-it").isLeader("a")).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.getBean(Leadership.class).isLeader());
        // isLeader turns true when the term is won; the restore and the grant's listeners run after it, on the
        // leadership's event thread, so their effects are awaited, not read at once.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(b.getBean(LeadershipLog.class).events).singleElement()
                    .isInstanceOfSatisfying(LeadershipGrantedEvent.class,
                            granted -> assertThat(granted.fencingToken()).isGreaterThan(firstToken));
            // a's drain saved 42 fenced by its token; b restored it with its own before any listener heard the grant.
            assertThat(b.getBean(Progress.class).calls).containsExactly("restored 42", "granted");
        });
        assertThat(b.getBean(Progress.class).batch).hasValue(42);
    }

    @Test
    void closingAnApplicationUnderLoadDrainsItAndLosesNothing() {
        ConfigurableApplicationContext a = start("a", "spring-drain", "patternkit.workqueue.listener.concurrency=4");
        ConfigurableApplicationContext b = start("b", "spring-drain", "patternkit.workqueue.listener.concurrency=4");
        WorkQueueTemplate template = a.getBean(WorkQueueTemplate.class);
        Indexer aIndexer = a.getBean(Indexer.class);
        Indexer bIndexer = b.getBean(Indexer.class);
        aIndexer.gate = new CountDownLatch(1); // A's handlers hold their items until A is draining
        List<Doc> docs = IntStream.range(0, 160).mapToObj(i -> Doc.plain("d-" + i)).toList();
        for (int i = 0; i < docs.size(); i += 40) {
            template.sendAll("spring-drain", docs.subList(i, i + 40));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> aIndexer.entered.get() >= 1);
        Lifecycle aLifecycle = a.getBean(Lifecycle.class);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(a::close);
        await().atMost(Duration.ofSeconds(10)).until(aLifecycle::isDraining);
        aIndexer.gate.countDown(); // the items in flight at the termination notice finish within the drain
        closing.join();
        assertThat(aIndexer.done).as("A finished what it held when the drain began").isNotEmpty();
        assertThat(aLifecycle.lastReport()).hasValueSatisfying(report -> assertThat(report.clean()).isTrue());
        // Everything A held was finished or given back: B handles the rest well within the 60 s visibility timeout.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> aIndexer.done.size() + bIndexer.done.size() == docs.size());
        Set<String> both = new HashSet<>(aIndexer.done);
        both.retainAll(bIndexer.done);
        assertThat(both).as("handled by both").isEmpty();
        assertThat(aIndexer.attempts.values()).allMatch(n -> n == 1);
        WorkQueueTemplate stillRunning = b.getBean(WorkQueueTemplate.class); // A's client closed with A
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            var stats = stillRunning.queue("spring-drain").stats();
            return stats.inFlight() == 0 && stats.ready() == 0;
        });
    }
}
