package io.patternkit.sidecar.workqueue.exec;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.patternkit.sidecar.workqueue.WorkQueueMetrics;
import io.patternkit.sidecar.workqueue.exec.Verdict.Outcome;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The command runner's meters: {@code patternkit_workqueue_exec_commands_total} and the timer
 * {@code patternkit_workqueue_exec_duration_seconds}, both tagged with the queue and the
 * {@link Outcome} ({@code acked}, {@code retried}, {@code dead_lettered}, {@code timed_out},
 * {@code released}). Registered up front so every outcome shows, at zero, from the start.
 * Thread-safe.
 */
public final class ExecMetrics {
    private final Map<Outcome, Counter> commands = new EnumMap<>(Outcome.class);
    private final Map<Outcome, Timer> durations = new EnumMap<>(Outcome.class);

    /**
     * Registers the meters.
     *
     * @param registry the registry, never null
     * @param queue the consumed queue, used as the {@code queue} tag
     */
    public ExecMetrics(MeterRegistry registry, String queue) {
        for (Outcome outcome : Outcome.values()) {
            commands.put(outcome, Counter.builder(WorkQueueMetrics.EXEC_COMMANDS).tag("queue", queue)
                    .tag("outcome", outcome.tag()).description("Commands run per work item, by outcome").register(registry));
            durations.put(outcome, Timer.builder(WorkQueueMetrics.EXEC_DURATION).tag("queue", queue)
                    .tag("outcome", outcome.tag()).description("Duration of commands run per work item").register(registry));
        }
    }

    /**
     * Counts one item's outcome and, when its command ran, how long it took.
     *
     * @param outcome what happened to the item
     * @param duration how long its command ran, or null when it did not run
     */
    public void record(Outcome outcome, Duration duration) {
        commands.get(outcome).increment();
        if (duration != null) {
            durations.get(outcome).record(duration);
        }
    }
}
