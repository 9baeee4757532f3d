package io.patternkit.spring.workqueue;

import io.micrometer.core.instrument.MeterRegistry;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.spring.AnnotatedMethods;
import io.patternkit.spring.Settings;
import io.patternkit.spring.KeepAlive;
import io.patternkit.spring.NoRestart;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueConsumer;
import io.patternkit.workqueue.WorkQueues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;

/**
 * Runs one {@link WorkQueueConsumer} per {@link WorkQueueListener} method: builds them once every singleton exists
 * (a bad attribute fails the start-up, naming the method and the attribute), starts those with auto-startup when
 * the context starts, and drains them when it stops. When the application has a {@link Lifecycle}, each consumer is
 * registered with it, so that the lifecycle's one drain (run first, by
 * {@link io.patternkit.spring.lifecycle.DrainOnShutdown}) stops claiming, finishes and releases; this container's
 * own stop then finds them drained. While it has listeners, a non-daemon {@link KeepAlive} thread keeps the JVM
 * running, so that an application without a web server does not exit when its {@code main} returns.
 */
public final class WorkQueueListenerContainer implements SmartLifecycle, SmartInitializingSingleton {
    /** The phase of this bean: started before, and stopped after, the lifecycle's drain. */
    public static final int PHASE = Integer.MAX_VALUE - 200;
    private static final Logger log = LoggerFactory.getLogger(WorkQueueListenerContainer.class);

    private final WorkQueueListenerAnnotationProcessor processor;
    private final WorkQueues queues;
    private final PayloadCodec codec;
    private final ListenerDefaults defaults;
    private final Environment environment;
    private final MeterRegistry meterRegistry;
    private final Lifecycle lifecycle;
    /** Replaced whole (never changed in place) when a restart rebuilds the consumers. */
    private volatile Map<String, Registered> listeners = Map.of();
    private final KeepAlive keepAlive = new KeepAlive("patternkit-listeners-keep-alive");
    private volatile boolean running;
    private volatile boolean stopped;

    /**
     * @param processor what found the listener methods; not null
     * @param queues where queues come from; not null
     * @param codec how payloads bind; not null
     * @param defaults the settings of listeners that leave an attribute empty; not null
     * @param environment resolves {@code ${...}} placeholders in the attributes; not null
     * @param meterRegistry where the consumers' meters go; null for each consumer's own registry
     * @param lifecycle the application's lifecycle, whose drain drains the consumers; null when there is none
     */
    public WorkQueueListenerContainer(WorkQueueListenerAnnotationProcessor processor, WorkQueues queues,
            PayloadCodec codec, ListenerDefaults defaults, Environment environment, MeterRegistry meterRegistry,
            Lifecycle lifecycle) {
        this.processor = Objects.requireNonNull(processor, "processor");
        this.queues = Objects.requireNonNull(queues, "queues");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.environment = Objects.requireNonNull(environment, "environment");
        this.meterRegistry = meterRegistry;
        this.lifecycle = lifecycle;
    }

    @Override
    public void afterSingletonsInstantiated() {
        listeners = buildAll();
    }

    private Map<String, Registered> buildAll() {
        Map<String, Registered> built = new LinkedHashMap<>();
        for (AnnotatedMethods.Found<WorkQueueListener> listener : processor.found()) {
            listener.require(!built.containsKey(listener.id()), "the id names one consumer, but another listener"
                    + " method of the bean has the same name (give each its own) or the bean was made more than once (a"
                    + " listener's bean must be a singleton)");
            built.put(listener.id(), build(listener));
        }
        return java.util.Collections.unmodifiableMap(built);
    }

    private Registered build(AnnotatedMethods.Found<WorkQueueListener> listener) {
        WorkQueueListener annotation = listener.annotation();
        Attributes attributes = new Attributes(listener);
        WorkQueue queue = attributes.require("queue", annotation.queue(), queues::queue);
        ListenerMethodHandler handler = ListenerMethodHandler.of(listener.id(), listener.bean(), listener.method(),
                codec, Arrays.asList(annotation.deadLetterOn()));
        WorkQueueConsumer.Builder builder = WorkQueueConsumer.builder(queue, handler);
        attributes.apply("concurrency", annotation.concurrency(), "concurrency", defaults.concurrency(),
                Integer::valueOf, builder::concurrency);
        attributes.apply("batchSize", annotation.batchSize(), "batch-size", defaults.batchSize(), Integer::valueOf,
                builder::batchSize);
        attributes.apply("visibilityTimeout", annotation.visibilityTimeout(), "visibility-timeout",
                defaults.visibilityTimeout(), DurationStyle::detectAndParse, builder::visibilityTimeout);
        Settings.set(ListenerDefaults.PREFIX + "poll-wait", defaults.pollWait(), builder::pollWait);
        Settings.set(ListenerDefaults.PREFIX + "ack-linger", defaults.ackLinger(), builder::ackLinger);
        Settings.set(ListenerDefaults.PREFIX + "drain-timeout", defaults.drainTimeout(), builder::drainTimeout);
        Optional.ofNullable(meterRegistry).ifPresent(builder::meterRegistry);
        Optional.ofNullable(lifecycle).ifPresent(builder::lifecycle);
        boolean autoStartup = attributes.value("autoStartup", annotation.autoStartup(), defaults.autoStartup(),
                Attributes::bool);
        return new Registered(builder.build(), queue.name(), autoStartup);
    }

    /**
     * @param id the listener's id, {@code beanName.methodName}
     * @return its consumer, to start one without auto-startup or to read its stats; empty for an unknown id. A
     *     restart of the context (lifecycle off) replaces it: ask again rather than keep it
     */
    public Optional<WorkQueueConsumer> consumer(String id) {
        return Optional.ofNullable(listeners.get(id)).map(Registered::consumer);
    }

    /** @return every listener's consumer by id ({@code beanName.methodName}), in the order they were found */
    public Map<String, WorkQueueConsumer> consumers() {
        Map<String, WorkQueueConsumer> consumers = new LinkedHashMap<>();
        listeners.forEach((id, registered) -> consumers.put(id, registered.consumer()));
        return java.util.Collections.unmodifiableMap(consumers);
    }

    /**
     * Starts the consumers with auto-startup. After a stop, consumers are drained for good: with the application's
     * {@link Lifecycle}, whose one drain has run, a start is refused ({@link NoRestart}); without it, the consumers
     * are built anew from their annotations and started, as a listener container of Spring Kafka starts again.
     *
     * @throws IllegalStateException after a stop, when the application has a lifecycle
     */
    @Override
    public void start() {
        if (stopped && !listeners.isEmpty()) {
            if (lifecycle != null) {
                throw NoRestart.refused("@WorkQueueListener consumers");
            }
            listeners = buildAll();
            log.info("@WorkQueueListener consumers built again after the context stopped");
        }
        stopped = false;
        listeners.forEach((id, registered) -> {
            if (registered.autoStartup() && !registered.consumer().isRunning()) {
                registered.consumer().start();
                log.info("@WorkQueueListener {} consuming queue {}", id, registered.queue());
            }
        });
        if (!listeners.isEmpty()) {
            keepAlive.start();
        }
        running = true;
    }

    /**
     * Without a lifecycle (whose drain stops them first), stops every listener: all stop claiming at once, then each
     * drains within its drain timeout, side by side, so that one slow listener neither keeps the others claiming
     * nor adds its wait to theirs.
     */
    @Override
    public void stop() {
        stopped = true;
        Map<String, WorkQueueConsumer> draining = new LinkedHashMap<>();
        listeners.forEach((id, registered) -> {
            if (registered.consumer().drainResult().isEmpty()) {
                draining.put(id, registered.consumer());
            }
        });
        draining.values().forEach(WorkQueueConsumer::stopClaiming);
        List<Thread> drains = new ArrayList<>();
        draining.forEach((id, consumer) -> {
            Thread drain = new Thread(() -> {
                consumer.close(); // drains within its configured drain timeout
                log.info("@WorkQueueListener {} drained: {}", id, consumer.drainResult().orElse(null));
            }, "patternkit-drain-" + id);
            drain.start();
            drains.add(drain);
        });
        for (Thread drain : drains) {
            try {
                drain.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        keepAlive.stop();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    private record Registered(WorkQueueConsumer consumer, String queue, boolean autoStartup) {
    }

    /** Resolves, parses and applies one annotation attribute, naming the method and the attribute on failure. */
    private final class Attributes {
        private final AnnotatedMethods.Found<WorkQueueListener> listener;

        Attributes(AnnotatedMethods.Found<WorkQueueListener> listener) {
            this.listener = listener;
        }

        <T> T require(String name, String raw, Function<String, T> parse) {
            return parse(name, listener.resolve(environment, name, raw), parse);
        }

        <T> T value(String name, String raw, T fallback, Function<String, T> parse) {
            String text = listener.resolve(environment, name, raw).strip();
            return text.isEmpty() ? fallback : parse(name, text, parse);
        }

        /**
         * Applies the attribute, or when it is empty the default of property {@code patternkit.workqueue.listener.}
         * {@code property}; a bad value fails naming the method and the attribute, or the property.
         */
        <T> void apply(String name, String raw, String property, T fallback, Function<String, T> parse,
                Consumer<T> setter) {
            String text = listener.resolve(environment, name, raw).strip();
            if (text.isEmpty()) {
                Settings.set(ListenerDefaults.PREFIX + property, fallback, setter);
                return;
            }
            T value = parse(name, text, parse);
            try {
                setter.accept(value);
            } catch (IllegalArgumentException e) {
                throw invalid(name, text, e);
            }
        }

        private <T> T parse(String name, String text, Function<String, T> parse) {
            try {
                return parse.apply(text);
            } catch (IllegalArgumentException e) {
                throw invalid(name, text, e);
            }
        }

        private IllegalStateException invalid(String name, String text, IllegalArgumentException e) {
            return new IllegalStateException("@WorkQueueListener " + listener.id() + ": " + name + " '" + text + "' is not"
                    + " valid: " + e.getMessage(), e);
        }

        static Boolean bool(String text) {
            if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                return Boolean.valueOf(text);
            }
            throw new IllegalArgumentException("expected true or false");
        }
    }
}
