package io.patternkit.spring.workqueue;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.patternkit.lifecycle.HealthProbe;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.spring.autoconfigure.PatternkitLifecycleAutoConfiguration;
import io.patternkit.spring.autoconfigure.WorkQueueAutoConfiguration;
import io.patternkit.testing.InMemoryWorkQueue;
import io.patternkit.testing.InMemoryWorkQueues;
import io.patternkit.testing.ManualClock;
import io.patternkit.workqueue.Enqueue;
import io.patternkit.workqueue.WorkItem;
import io.patternkit.workqueue.WorkQueueConsumer;
import io.patternkit.workqueue.WorkQueueMetrics;
import io.patternkit.workqueue.WorkQueues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

class WorkQueueListenerTest {
    private final ManualClock clock = new ManualClock();
    private final InMemoryWorkQueues queues = InMemoryWorkQueues.create(clock);
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PatternkitLifecycleAutoConfiguration.class,
                    WorkQueueAutoConfiguration.class))
            .withBean(WorkQueues.class, () -> queues)
            .withBean(JsonMapper.class, () -> JsonMapper.builder().build())
            .withPropertyValues("patternkit.workqueue.listener.poll-wait=200ms");

    record Order(String sku, int quantity) {
    }

    static class OrderListener {
        final List<Order> orders = new CopyOnWriteArrayList<>();
        final List<WorkItem> items = new CopyOnWriteArrayList<>();

        @WorkQueueListener(queue = "${app.orders-queue:orders}", concurrency = "2")
        void onOrder(Order order, WorkItem item) {
            orders.add(order);
            items.add(item);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Orders {
        @Bean
        OrderListener orderListener() {
            return new OrderListener();
        }
    }

    @Test
    void aContextStoppedAndStartedAgainSaysItCannotInsteadOfStartingDrainedConsumers() {
        runner.withUserConfiguration(Orders.class).run(context -> {
            context.getBean(WorkQueueTemplate.class).send("orders", new Order("book-1", 2));
            await().atMost(Duration.ofSeconds(10)).until(() -> queues.queue("orders").stats().acked() == 1);
            context.stop();
            assertThatThrownBy(context::start).hasRootCauseInstanceOf(IllegalStateException.class).rootCause()
                    .hasMessageContaining("@WorkQueueListener consumers cannot start again after the application "
                            + "context stopped");
        });
    }

    @Test
    void withTheLifecycleOffAStoppedContextStartsAgainWithNewConsumersThatTheInFlightGaugeCounts() {
        Slow slow = new Slow();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        runner.withBean(Slow.class, () -> slow).withBean(MeterRegistry.class, () -> registry)
                .withPropertyValues("patternkit.lifecycle.enabled=false").run(context -> {
                    WorkQueueListenerContainer container = context.getBean(WorkQueueListenerContainer.class);
                    WorkQueueConsumer before = container.consumers().values().iterator().next();
                    context.stop();
                    assertThat(before.drainResult()).isPresent();

                    context.start();
                    WorkQueueConsumer after = container.consumers().values().iterator().next();
                    assertThat(after).isNotSameAs(before);
                    assertThat(after.isRunning()).isTrue();
                    queues.queue("slow").enqueue(Enqueue.json("{}"));
                    assertThat(slow.started.await(10, TimeUnit.SECONDS)).isTrue();
                    assertThat(registry.get(WorkQueueMetrics.IN_FLIGHT).gauge().value())
                            .as("the gauge counts the new consumer's item, not the drained one's none").isEqualTo(1);
                    slow.release.countDown();
                    await().atMost(Duration.ofSeconds(10)).until(() -> queues.queue("slow").stats().acked() == 1);
                });
    }

    /** A listener written once for any payload type, as a generic base class. */
    abstract static class TypedListener<T> {
        final List<Object> received = new CopyOnWriteArrayList<>();

        @WorkQueueListener(queue = "typed")
        void handle(T payload) {
            received.add(payload);
        }
    }

    static class OrderTypedListener extends TypedListener<Order> {
    }

    static class OrderBatchListener extends TypedListener<List<Order>> {
    }

    @Test
    void aPayloadTypedByAGenericBaseClassBindsToTheSubclasssType() {
        runner.withBean(OrderTypedListener.class, OrderTypedListener::new).run(context -> {
            context.getBean(WorkQueueTemplate.class).send("typed", new Order("book-1", 2));
            OrderTypedListener listener = context.getBean(OrderTypedListener.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> queues.queue("typed").stats().acked() == 1);
            assertThat(listener.received).containsExactly(new Order("book-1", 2));
        });
        runner.withBean(OrderBatchListener.class, OrderBatchListener::new).run(context -> {
            context.getBean(WorkQueueTemplate.class).send("typed", List.of(new Order("book-1", 2)));
            OrderBatchListener listener = context.getBean(OrderBatchListener.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.received.size() == 1);
            assertThat(listener.received).containsExactly(List.of(new Order("book-1", 2))); // records, not maps
        });
    }

    @Test
    void aListenerReceivesTheBoundPayloadAndItsReturnAcks() {
        runner.withUserConfiguration(Orders.class).withPropertyValues("app.orders-queue=orders-eu").run(context -> {
            WorkQueueTemplate template = context.getBean(WorkQueueTemplate.class);
            template.send("orders-eu", new Order("book-1", 2));
            OrderListener listener = context.getBean(OrderListener.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> queues.queue("orders-eu").stats().acked() == 1);
            assertThat(listener.orders).containsExactly(new Order("book-1", 2));
            assertThat(listener.items).singleElement().satisfies(item -> assertThat(item.attempt()).isEqualTo(1));
        });
    }

    static class Flaky {
        final CountDownLatch calls = new CountDownLatch(1);

        @WorkQueueListener(queue = "flaky")
        void handle(String text) throws java.io.IOException {
            calls.countDown();
            throw new java.io.IOException("disk full while handling " + text);
        }
    }

    @Test
    void aThrownExceptionNacksForARetryAfterBackoff() {
        runner.withBean(Flaky.class, Flaky::new).run(context -> {
            InMemoryWorkQueue queue = queues.queue("flaky");
            queue.enqueue(Enqueue.json("\"hello\""));
            await().atMost(Duration.ofSeconds(10)).until(() -> queue.stats().delayed() == 1);
            assertThat(queue.stats().acked()).isZero();
            assertThat(queue.stats().dead()).isZero();
        });
    }

    static class Strict {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @WorkQueueListener(queue = "strict", deadLetterOn = IllegalStateException.class)
        void handle(Order order) {
            seen.add(order.sku());
            throw new IllegalStateException("unknown sku " + order.sku());
        }
    }

    @Test
    void aListedExceptionAndAPayloadThatDoesNotBindDeadLetterAtOnce() {
        runner.withBean(Strict.class, Strict::new).run(context -> {
            InMemoryWorkQueue queue = queues.queue("strict");
            queue.enqueue(Enqueue.json("{\"sku\":\"x-1\",\"quantity\":1}"));
            queue.enqueue(Enqueue.json("{\"sku\":\"x-2\",\"quantity\":\"many\"}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> queue.stats().dead() == 2);
            assertThat(context.getBean(Strict.class).seen).containsExactly("x-1");
            assertThat(queue.deadLetters(10)).extracting(d -> d.reason())
                    .anySatisfy(e -> assertThat(e).contains("unknown sku x-1"))
                    .anySatisfy(e -> assertThat(e).contains("does not bind to").contains("Order"));
        });
    }

    static class FileStage {
        final List<String> contents = new CopyOnWriteArrayList<>();

        @WorkQueueListener(queue = "files")
        void handle(Path file) throws java.io.IOException {
            contents.add(Files.readString(file));
        }
    }

    @Test
    void aPathParameterReceivesTheItemsFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("in.txt"), "stage input");
        runner.withBean(FileStage.class, FileStage::new).run(context -> {
            context.getBean(WorkQueueTemplate.class).sendFile("files", file);
            await().atMost(Duration.ofSeconds(10)).until(() -> queues.queue("files").stats().acked() == 1);
            assertThat(context.getBean(FileStage.class).contents).containsExactly("stage input");
        });
    }

    static class Slow {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean finished;

        @WorkQueueListener(queue = "slow", concurrency = "1")
        void handle(WorkItem item) throws InterruptedException {
            started.countDown();
            release.await();
            finished = true;
        }
    }

    @Test
    void closingTheContextLetsTheRunningHandlerFinishAndAcks() throws Exception {
        Slow slow = new Slow();
        InMemoryWorkQueue queue = queues.queue("slow");
        queue.enqueue(Enqueue.json("{}"));
        queue.enqueue(Enqueue.json("{}"));
        var context = new org.springframework.context.annotation.AnnotationConfigApplicationContext();
        context.register(PatternkitLifecycleAutoConfiguration.class, WorkQueueAutoConfiguration.class);
        context.registerBean(WorkQueues.class, () -> queues);
        context.registerBean(Slow.class, () -> slow);
        context.refresh();
        assertThat(slow.started.await(10, TimeUnit.SECONDS)).isTrue();
        Thread closer = new Thread(context::close);
        closer.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> context.getBean(
                io.patternkit.lifecycle.Lifecycle.class).isDraining());
        slow.release.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(closer.isAlive()).isFalse();
        assertThat(slow.finished).isTrue();
        assertThat(queue.stats().acked()).isEqualTo(1);
        assertThat(queue.stats().ready()).as("the second item, never started, is ready for another consumer")
                .isEqualTo(1);
        assertThat(queue.stats().inFlight()).isZero();
    }

    /** A second listener beside {@link Slow}: counts what it handles. */
    static class Quick {
        final java.util.concurrent.atomic.AtomicInteger handled = new java.util.concurrent.atomic.AtomicInteger();

        @WorkQueueListener(queue = "quick", concurrency = "1")
        void handle(WorkItem item) {
            handled.incrementAndGet();
        }
    }

    @Test
    void withTheLifecycleOffEveryListenerStopsClaimingBeforeAnyDrainWaits() throws Exception {
        Slow slow = new Slow();
        Quick quick = new Quick();
        queues.queue("slow").enqueue(Enqueue.json("{}"));
        var context = new org.springframework.context.annotation.AnnotationConfigApplicationContext();
        context.register(PatternkitLifecycleAutoConfiguration.class, WorkQueueAutoConfiguration.class);
        context.registerBean(WorkQueues.class, () -> queues);
        context.registerBean(Slow.class, () -> slow);
        context.registerBean(Quick.class, () -> quick);
        context.getEnvironment().getPropertySources().addFirst(new org.springframework.core.env.MapPropertySource("test",
                java.util.Map.of("patternkit.lifecycle.enabled", "false", "patternkit.workqueue.listener.poll-wait", "200ms")));
        context.refresh();
        assertThat(slow.started.await(10, TimeUnit.SECONDS)).isTrue();
        queues.queue("quick").enqueue(Enqueue.json("{}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> quick.handled.get() == 1);
        Thread closer = new Thread(context::close);
        closer.start(); // the slow listener's drain waits for its running handler
        await().atMost(Duration.ofSeconds(10)).until(() -> !context.getBean(WorkQueueListenerContainer.class)
                .consumers().values().stream().allMatch(WorkQueueConsumer::isRunning));
        queues.queue("quick").enqueue(Enqueue.json("{}"));
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> quick.handled.get() == 1);
        slow.release.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(closer.isAlive()).isFalse();
        assertThat(queues.queue("quick").stats().ready()).as("left for another instance, not claimed while closing")
                .isEqualTo(1);
    }

    @Test
    void aRunningListenerKeepsTheJvmAliveUntilTheContextStops() {
        await().atMost(Duration.ofSeconds(10)).until(() -> keepAliveThreads().isEmpty()); // an earlier context's ends
        runner.withUserConfiguration(Orders.class).run(context -> assertThat(keepAliveThreads()).singleElement()
                .satisfies(thread -> assertThat(thread.isDaemon()).isFalse()));
        await().atMost(Duration.ofSeconds(10)).until(() -> keepAliveThreads().isEmpty());
    }

    /** A bean of the application's that fails the start-up after the listeners started (a later phase). */
    static class FailsToStart implements org.springframework.context.SmartLifecycle {
        static final AtomicInteger KEEP_ALIVES_AT_START = new AtomicInteger(-1);

        @Override
        public void start() {
            KEEP_ALIVES_AT_START.set(keepAliveThreads().size());
            throw new IllegalStateException("the application's own bean failed to start");
        }

        @Override
        public void stop() {
        }

        @Override
        public boolean isRunning() {
            return false;
        }

        @Override
        public int getPhase() {
            return Integer.MAX_VALUE;
        }
    }

    @Test
    void aStartUpThatFailsAfterTheListenersStartedStopsThem() {
        await().atMost(Duration.ofSeconds(10)).until(() -> keepAliveThreads().isEmpty()); // an earlier context's ends
        runner.withUserConfiguration(Orders.class).withBean(FailsToStart.class, FailsToStart::new)
                .run(context -> assertThat(context).hasFailed());
        assertThat(FailsToStart.KEEP_ALIVES_AT_START).as("the listeners had started").hasValue(1);
        await("nothing keeps the failed JVM alive").atMost(Duration.ofSeconds(10))
                .until(() -> keepAliveThreads().isEmpty());
    }

    private static List<Thread> keepAliveThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("patternkit-listeners-keep-alive") && t.isAlive()).toList();
    }

    static class BadConcurrency {
        @WorkQueueListener(queue = "q", concurrency = "0")
        void handle(WorkItem item) {
        }
    }

    static class BadQueue {
        @WorkQueueListener(queue = "no spaces allowed")
        void handle(WorkItem item) {
        }
    }

    static class TwoPayloads {
        @WorkQueueListener(queue = "q")
        void handle(Order order, String other) {
        }
    }

    static class Returns {
        @WorkQueueListener(queue = "q")
        String handle(WorkItem item) {
            return "ack?";
        }
    }

    static class UnresolvedQueue {
        @WorkQueueListener(queue = "${orders.queue}")
        void handle(WorkItem item) {
        }
    }

    static class Plain {
        @WorkQueueListener(queue = "q")
        void handle(WorkItem item) {
        }
    }

    static class Overloads {
        @WorkQueueListener(queue = "a")
        void handle(WorkItem item) {
        }

        @WorkQueueListener(queue = "b")
        void handle(Path file) {
        }
    }

    @Test
    void aBadListenerFailsTheStartUpNamingTheMethodAndAttribute() {
        runner.withBean("bad", UnresolvedQueue.class, UnresolvedQueue::new).run(context -> assertThat(context)
                .hasFailed().getFailure().hasStackTraceContaining("@WorkQueueListener bad.handle: queue '${orders.queue}'"));
        runner.withBean("bad", Overloads.class, Overloads::new).run(context -> assertThat(context)
                .hasFailed().getFailure().hasStackTraceContaining("@WorkQueueListener bad.handle: the id names one consumer"));
        runner.withBean("bad", BadConcurrency.class, BadConcurrency::new).run(context -> assertThat(context)
                .hasFailed().getFailure().hasStackTraceContaining("@WorkQueueListener bad.handle: concurrency '0' is"
                        + " not valid: concurrency must be 1..1000, got 0"));
        runner.withBean("bad", BadQueue.class, BadQueue::new).run(context ->
                assertThat(context.getStartupFailure()).hasStackTraceContaining("@WorkQueueListener bad.handle: queue"));
        runner.withBean("bad", TwoPayloads.class, TwoPayloads::new).run(context ->
                assertThat(context.getStartupFailure()).hasStackTraceContaining("more than one payload parameter"));
        runner.withBean("bad", Returns.class, Returns::new).run(context ->
                assertThat(context.getStartupFailure()).hasStackTraceContaining("must return void"));
        runner.withBean("bad", BadConcurrency.class, BadConcurrency::new)
                .withPropertyValues("patternkit.workqueue.listener.visibility-timeout=0s").run(context ->
                        assertThat(context).hasFailed());
        // A bad default is named by its property, for Spring Boot's failure analysis.
        runner.withBean("quick", Quick.class, Quick::new)
                .withPropertyValues("patternkit.workqueue.listener.poll-wait=1m").run(context -> assertThat(
                        NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
                        .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                        .hasMessageContaining("patternkit.workqueue.listener.poll-wait"));
        runner.withBean("plain", Plain.class, Plain::new)
                .withPropertyValues("patternkit.workqueue.listener.concurrency=0").run(context -> assertThat(
                        NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
                        .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                        .hasMessageContaining("patternkit.workqueue.listener.concurrency"));
    }

    @Test
    void autoStartupFalseLeavesTheConsumerForTheApplicationToStart() {
        runner.withUserConfiguration(Orders.class).withPropertyValues("patternkit.workqueue.listener.auto-startup=false")
                .run(context -> {
                    WorkQueueListenerContainer container = context.getBean(WorkQueueListenerContainer.class);
                    assertThat(container.consumers()).containsOnlyKeys("orderListener.onOrder");
                    assertThat(container.consumer("orderListener.onOrder")).hasValueSatisfying(c ->
                            assertThat(c.isRunning()).isFalse());
                    assertThat(context.getBean(Lifecycle.class).health(HealthProbe.READINESS).up())
                            .as("a listener left for the application to start does not hold the application's readiness").isTrue();
                    context.getBean(WorkQueueTemplate.class).send("orders", new Order("pen", 1));
                    container.consumer("orderListener.onOrder").orElseThrow().start();
                    await().atMost(Duration.ofSeconds(10)).until(() -> queues.queue("orders").stats().acked() == 1);
                });
    }
}
