package io.patternkit.bench;

import io.patternkit.core.SidecarConfig;
import io.patternkit.workqueue.AckedAndClaimed;
import io.patternkit.workqueue.Enqueue;
import io.patternkit.workqueue.WorkItem;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What one sidecar process spends per call and per item of the work queue, read from {@code /proc} with no other
 * process to share the engine: one {@code run} sidecar on a fresh SQLite directory, and for each batch size the
 * SDK enqueues {@code --items} items in calls of that size, then drains them with claims of that size, each
 * carrying the previous claim's acks ({@link WorkQueue#ackAndClaim}, as the consumer does). For each phase it
 * prints the sidecar's CPU per item (user and system time of all its threads, {@code /proc/PID/stat}) and the
 * context switches of its threads per call ({@code /proc/PID/task/TID/status}, voluntary and not): the hand-offs
 * between the event loops and the worker threads that a call makes, which CPU readings on this noisy machine
 * kind cannot separate from the drift between runs. The same two figures for this JVM, the client's side (the
 * SDK and its HTTP client's helper threads, and the JVM's compiler threads, which count here too). Compare two
 * jars by running this with each in turn, both orders; with {@code PATTERNKIT_SIDECAR_JAVA} and
 * {@code PATTERNKIT_SIDECAR_AOT_CACHE} set the sidecar runs as the main job runs it ({@link BenchSidecar}).
 *
 * <p>Options: {@code --sidecar-jar} (default {@code sidecar/target/patternkit-sidecar.jar}), {@code --items 4000},
 * {@code --batches 1,16}, {@code --rounds 3} (the first is warm-up: printed, left out of the medians),
 * {@code --sidecar-jvm-args "-XX:MaxRAM=320m"}.
 */
public final class SidecarCallCost {
    private static final Duration VISIBILITY = Duration.ofSeconds(30);

    private SidecarCallCost() {
    }

    /** One phase of one round: each side's CPU per item in µs and its threads' context switches per call. */
    private record Phase(Cost sidecar, Cost client) {
    }

    /** One process's CPU per item in µs and its threads' context switches per call. */
    private record Cost(double cpuMicrosPerItem, double switchesPerCall) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%6.1f us/item %5.2f cs/call", cpuMicrosPerItem, switchesPerCall);
        }
    }

    /**
     * Runs the rounds and prints one line per round and batch size, then the medians.
     *
     * @param argv {@code --name value} options, see the class comment
     * @throws IOException when the sidecar's log or data directory cannot be made
     */
    public static void main(String[] argv) throws IOException {
        Args args = new Args(argv);
        Path jar = args.path("sidecar-jar", "sidecar/target/patternkit-sidecar.jar").toAbsolutePath();
        int items = args.integer("items", 4000);
        int rounds = args.integer("rounds", 3);
        List<Integer> batches = args.integers("batches", "1,16");
        List<String> jvm = List.of(args.string("sidecar-jvm-args", "-XX:MaxRAM=320m").trim().split("\\s+"));
        Path data = Files.createTempDirectory("patternkit-bench-callcost-");
        Map<String, List<Phase>> recorded = new LinkedHashMap<>();
        try (BenchSidecar sidecar = BenchSidecar.start(jar, "run", jvm, List.of("--data", data.toString()),
                Files.createTempFile("patternkit-bench-callcost-", ".log"))) {
            WorkQueueClient client = WorkQueueClient.create(SidecarConfig.builder().baseUrl(sidecar.baseUrl()).build());
            long pid = sidecar.pid();
            for (int round = 0; round < rounds; round++) {
                for (int batch : batches) {
                    WorkQueue queue = client.queue("callcost-" + round + "-" + batch);
                    Phase enqueue = measure(pid, items, batch, () -> enqueueAll(queue, items, batch));
                    Phase drain = measure(pid, items, batch, () -> drain(queue, items, batch));
                    System.out.printf("round %d batch %3d: enqueue sidecar %s, client %s | claim carrying acks sidecar %s,"
                            + " client %s%n", round, batch, enqueue.sidecar, enqueue.client, drain.sidecar, drain.client);
                    if (round > 0) {
                        recorded.computeIfAbsent("enqueue batch " + batch, k -> new ArrayList<>()).add(enqueue);
                        recorded.computeIfAbsent("claim carrying acks batch " + batch, k -> new ArrayList<>()).add(drain);
                    }
                }
            }
        }
        recorded.forEach((what, phases) -> System.out.printf("median, %s: sidecar %s, client %s%n", what,
                median(phases.stream().map(Phase::sidecar).toList()), median(phases.stream().map(Phase::client).toList())));
    }

    private static Cost median(List<Cost> costs) {
        return new Cost(Stats.median(costs.stream().map(Cost::cpuMicrosPerItem).toList()),
                Stats.median(costs.stream().map(Cost::switchesPerCall).toList()));
    }

    private static Phase measure(long pid, int items, int batch, Runnable work) {
        long self = ProcessHandle.current().pid();
        Counters sidecar = Counters.of(pid);
        Counters client = Counters.of(self);
        work.run();
        double calls = Math.ceil((double) items / batch);
        return new Phase(sidecar.costUntil(Counters.of(pid), items, calls),
                client.costUntil(Counters.of(self), items, calls));
    }

    /** One process's CPU ticks and its threads' context switches at one moment. */
    private record Counters(long ticks, long switches) {
        static Counters of(long pid) {
            return new Counters(cpuTicks(pid), contextSwitches(pid));
        }

        Cost costUntil(Counters later, int items, double calls) {
            return new Cost((later.ticks - ticks) / JobCpu.TICKS_PER_SECOND * 1e6 / items,
                    (later.switches - switches) / calls);
        }
    }

    private static void enqueueAll(WorkQueue queue, int items, int batch) {
        for (int from = 0; from < items; from += batch) {
            List<Enqueue> calls = new ArrayList<>();
            for (int i = from; i < Math.min(items, from + batch); i++) {
                calls.add(Enqueue.json("{\"n\":" + i + "}"));
            }
            if (calls.size() == 1) {
                queue.enqueue(calls.get(0));
            } else {
                queue.enqueueAll(calls);
            }
        }
    }

    private static void drain(WorkQueue queue, int items, int batch) {
        List<WorkItem> held = List.of();
        for (int claimed = 0; claimed < items; claimed += held.size()) {
            AckedAndClaimed answer = queue.ackAndClaim(held.stream().map(WorkItem::receipt).toList(), batch,
                    VISIBILITY, Duration.ZERO);
            held = answer.items();
            if (held.isEmpty()) {
                throw new IllegalStateException("the queue ran dry after " + claimed + " of " + items + " items");
            }
        }
        queue.ackAll(held.stream().map(WorkItem::receipt).toList());
    }

    private static long cpuTicks(long pid) {
        try {
            return JobCpu.cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Voluntary and involuntary context switches, summed over the process's threads that are alive now. */
    private static long contextSwitches(long pid) {
        long sum = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    ProcStatus status = ProcStatus.ofThread(task);
                    sum += status.field("voluntary_ctxt_switches:") + status.field("nonvoluntary_ctxt_switches:");
                } catch (UncheckedIOException e) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sum;
    }
}
