package io.patternkit.lifecycle.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.patternkit.core.internal.DaemonThreads;
import io.patternkit.core.internal.JvmErrors;
import io.patternkit.lifecycle.DrainPhase;
import io.patternkit.lifecycle.DrainReport;
import io.patternkit.lifecycle.DrainReport.Outcome;
import io.patternkit.lifecycle.DrainStep;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.lifecycle.LifecycleListener;
import io.patternkit.lifecycle.TerminationNotice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the phases of a drain: each phase's steps at once, each on its own daemon thread, within the
 * phase's share of what is left of the deadline ({@link DrainPhase}). Internal.
 */
public final class DrainRunner {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final MeterRegistry registry;

    /** @param registry where step timers go */
    public DrainRunner(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param phase when the step runs
     * @param name its name in reports
     * @param step the action
     * @return the registration that removes it
     */
    public Lifecycle.Registration add(DrainPhase phase, String name, DrainStep step) {
        Entry entry = new Entry(phase, name, step);
        entries.add(entry);
        return () -> entries.remove(entry);
    }

    /**
     * @param notice the deadline
     * @param listeners told before and after
     * @return what each step did
     */
    public DrainReport run(TerminationNotice notice, List<LifecycleListener> listeners) {
        long start = System.nanoTime();
        long end = start + notice.budget().toNanos();
        log.info("termination notice ({}): draining within {} ms", notice.trigger(), notice.budget().toMillis());
        tell(listeners, l -> l.onTerminationNotice(notice));
        List<Entry> snapshot = List.copyOf(entries);
        List<DrainReport.Step> steps = new ArrayList<>();
        ExecutorService threads = Executors.newCachedThreadPool(DaemonThreads.numbered("patternkit-drain-"));
        try {
            for (DrainPhase phase : DrainPhase.values()) {
                List<Entry> ofPhase = snapshot.stream().filter(e -> e.phase == phase).toList();
                if (!ofPhase.isEmpty()) {
                    steps.addAll(runPhase(phase, ofPhase, snapshot, end, threads));
                }
            }
        } finally {
            threads.shutdownNow();
        }
        DrainReport report = new DrainReport(notice, steps, Duration.ofNanos(System.nanoTime() - start));
        log.info("drained in {} ms of {} ms: {}", report.took().toMillis(), notice.budget().toMillis(),
                report.clean() ? "every step completed" : describeUnclean(report));
        tell(listeners, l -> l.onDrained(report));
        return report;
    }

    private List<DrainReport.Step> runPhase(DrainPhase phase, List<Entry> ofPhase, List<Entry> all, long end,
            ExecutorService threads) {
        long now = System.nanoTime();
        long left = end - now;
        if (left <= 0) {
            return ofPhase.stream().map(e -> report(e, Duration.ZERO, Duration.ZERO, Outcome.SKIPPED, null)).toList();
        }
        int weights = all.stream().map(e -> e.phase).distinct().filter(p -> p.ordinal() >= phase.ordinal())
                .mapToInt(DrainPhase::weight).sum();
        Duration share = Duration.ofNanos(left / weights * phase.weight());
        long phaseEnd = now + share.toNanos();
        List<Future<Long>> running = ofPhase.stream().map(e -> threads.submit(() -> {
            long t0 = System.nanoTime();
            e.step.run(share);
            return System.nanoTime() - t0;
        })).toList();
        List<DrainReport.Step> done = new ArrayList<>();
        for (int i = 0; i < ofPhase.size(); i++) {
            done.add(await(ofPhase.get(i), running.get(i), share, now, phaseEnd));
        }
        return done;
    }

    private DrainReport.Step await(Entry e, Future<Long> future, Duration share, long phaseStart, long phaseEnd) {
        try {
            long took = future.get(Math.max(0, phaseEnd - System.nanoTime()), TimeUnit.NANOSECONDS);
            return report(e, share, Duration.ofNanos(took), Outcome.COMPLETED, null);
        } catch (TimeoutException t) {
            future.cancel(true);
            log.warn("drain step '{}' ({}) overran its {} ms; moving on", e.name, e.phase, share.toMillis());
            return report(e, share, Duration.ofNanos(System.nanoTime() - phaseStart), Outcome.OVERRAN, null);
        } catch (ExecutionException x) {
            Throwable cause = x.getCause();
            log.warn("drain step '{}' ({}) failed: {}", e.name, e.phase, cause.toString(), cause);
            return report(e, share, Duration.ofNanos(System.nanoTime() - phaseStart), Outcome.FAILED,
                    String.valueOf(cause.getMessage()));
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            return report(e, share, Duration.ofNanos(System.nanoTime() - phaseStart), Outcome.OVERRAN, null);
        }
    }

    private DrainReport.Step report(Entry e, Duration budget, Duration took, Outcome outcome, String error) {
        Timer.builder(Lifecycle.DRAIN_STEPS).description("Drain steps by phase and outcome")
                .tag("phase", e.phase.name().toLowerCase(java.util.Locale.ROOT))
                .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
                .register(registry).record(took);
        return new DrainReport.Step(e.phase, e.name, budget, took, outcome, Optional.ofNullable(error));
    }

    private static String describeUnclean(DrainReport report) {
        return report.steps().stream().filter(s -> s.outcome() != Outcome.COMPLETED)
                .map(s -> s.name() + " " + s.outcome().name().toLowerCase(java.util.Locale.ROOT))
                .reduce((a, b) -> a + ", " + b).orElse("");
    }

    private static void tell(List<LifecycleListener> listeners, Consumer<LifecycleListener> call) {
        for (LifecycleListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException | Error e) { // an assertion or a class that would not load must not stop the drain
                JvmErrors.rethrowIfFatal(e);
                log.warn("lifecycle listener {} threw; ignored", l, e);
            }
        }
    }

    /** A registered step; identity, not value, tells two registrations apart. */
    private static final class Entry {
        final DrainPhase phase;
        final String name;
        final DrainStep step;

        Entry(DrainPhase phase, String name, DrainStep step) {
            this.phase = phase;
            this.name = name;
            this.step = step;
        }
    }
}
