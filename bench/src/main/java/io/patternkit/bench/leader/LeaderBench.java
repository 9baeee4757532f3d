package io.patternkit.bench.leader;

import io.patternkit.bench.Args;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The leader-election benchmark: graceful handover and crash failover, measured in one run next to
 * the two Java libraries users would pick instead, each with comparable lease settings, and the cost
 * of the low-level renew and observe calls.
 *
 * <p>Each candidate is a JVM of its own (a candidate main of this package) that prints timestamped
 * events (see {@link CandidateRuntime}); a {@link Cluster} of N candidates per contender runs for the
 * whole phase. Per round and contender: the leader resigns (graceful handover), the leader's app is
 * killed with {@code kill -9} (crash, app alone), and for Patternkit the leader's sidecar and app are
 * killed (crash, app plus sidecar); each is measured until another candidate prints
 * {@code ELECTED}. The contenders take turns within every round, in an order that rotates round by
 * round, so the machine's noise hits all of them alike.
 *
 * <p>Phases: the main lease settings ({@code --lease-ms 3000 --renew-ms 2000 --retry-ms 500}, all
 * transitions, {@code --rounds} after {@code --warmup-rounds}), then a long lease ({@code
 * --long-lease-ms 15000 --long-renew-ms 10000 --long-retry-ms 2000}, client-go's defaults; crash of
 * the app alone only, {@code --long-rounds}, no warm-up) to show what depends on the lease. Then the
 * call costs ({@link CallCost}: {@code --call-rounds}, {@code --call-iterations},
 * {@code --call-warmup}).
 *
 * <p>Other options: {@code --out DIR} (writes {@code leader.md}, {@code targets-leader.md},
 * {@code leader.json}, logs under {@code leader-logs/}), {@code --candidates 3},
 * {@code --long-candidates 2}, {@code --settle-ms 1000}, {@code --sidecar-jar}, {@code --contenders
 * curator,fabric8,patternkit-sqlite,patternkit-postgres,patternkit-kubernetes,patternkit-sqlite-state,
 * patternkit-postgres-state,patternkit-kubernetes-state} (the -state ones hand over through a drain with a
 * checkpoint, {@link StatefulPatternkitCandidate}; PostgreSQL only when
 * {@code PATTERNKIT_TEST_JDBC_URL} is set).
 */
public final class LeaderBench {
    private static final String DEFAULT_CONTENDERS =
            "curator,fabric8,patternkit-sqlite,patternkit-postgres,patternkit-kubernetes,patternkit-sqlite-state,"
            + "patternkit-postgres-state,patternkit-kubernetes-state";

    private LeaderBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param argv {@code --name value} options, see the class comment
     * @throws Exception when a server, a candidate or a probe cannot start
     */
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Path out = Files.createDirectories(args.path("out", "bench/target/results"));
        Path logs = Files.createDirectories(out.resolve("leader-logs"));
        Settings settings = Settings.from(args);
        Path work = Files.createTempDirectory("patternkit-bench-leader-");
        long started = System.nanoTime();
        List<Sample> samples = new ArrayList<>();
        List<CallCost> calls = List.of();
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, Boolean> sidecars = new LinkedHashMap<>();
        try (PeerServers servers = PeerServers.start(work)) {
            System.err.println("ZooKeeper at " + servers.zookeeperConnect() + ", Kubernetes mock at " + servers.kubernetesUrl());
            List<Contender> contenders = contenders(settings, servers, work);
            for (Contender contender : contenders) {
                labels.put(contender.key(), contender.label());
                sidecars.put(contender.key(), contender.hasSidecar());
            }
            try {
                samples.addAll(phase(contenders, settings.lease(), settings.candidates(), settings.warmupRounds(),
                        settings.rounds(), true, logs, settings.settle()));
                if (settings.longRounds() > 0) {
                    samples.addAll(phase(contenders, settings.longLease(), settings.longCandidates(), 0,
                            settings.longRounds(), false, logs, settings.settle()));
                }
                List<PatternkitContender> patternkit = contenders.stream()
                        .filter(PatternkitContender.class::isInstance).map(PatternkitContender.class::cast)
                        .filter(c -> !c.withState()).toList(); // the calls are the same with state
                try (PeerProbes peers = PeerProbes.open(servers, settings.lease());
                        PatternkitProbes ours = PatternkitProbes.open(patternkit, settings.lease(), logs)) {
                    List<CallProbe> probes = new ArrayList<>(peers.probes());
                    probes.removeIf(p -> !labels.containsKey(p.contender()));
                    probes.addAll(ours.probes());
                    calls = CallCost.measure(probes, settings.callRounds(), settings.callIterations(), settings.callWarmup());
                } catch (RuntimeException e) {
                    // The transitions measured so far are still reported; the table says the calls are missing.
                    System.err.println("[calls] not measured: " + e);
                }
            } finally {
                contenders.forEach(Contender::close);
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        LeaderReport report = new LeaderReport(settings, labels, sidecars, samples, calls, took);
        report.write(out);
        System.err.println("leader benchmark took " + took.toSeconds() + " s; wrote " + out.resolve("leader.md"));
    }

    private static List<Contender> contenders(Settings settings, PeerServers servers, Path work) throws IOException {
        List<Contender> all = new ArrayList<>();
        for (String key : settings.contenders()) {
            switch (key) {
                case "curator" -> all.add(new PeerContender("curator", "Curator `LeaderLatch`", CuratorCandidate.class,
                        List.of("--connect", servers.zookeeperConnect())));
                case "fabric8" -> all.add(new PeerContender("fabric8", "fabric8 `LeaderElector`", Fabric8Candidate.class,
                        List.of("--master-url", servers.kubernetesUrl())));
                case "patternkit-sqlite", "patternkit-sqlite-state" -> all.add(new PatternkitContender("sqlite",
                        settings.sidecarJar(), List.of("--data", Files.createDirectories(work.resolve(key)).toString()),
                        key.endsWith("-state")));
                case "patternkit-postgres", "patternkit-postgres-state" -> {
                    String jdbcUrl = System.getenv("PATTERNKIT_TEST_JDBC_URL");
                    if (jdbcUrl == null || jdbcUrl.isBlank()) {
                        System.err.println("PATTERNKIT_TEST_JDBC_URL is not set: Patternkit on PostgreSQL is left out");
                    } else {
                        all.add(new PatternkitContender("postgres", settings.sidecarJar(), List.of("--jdbc-url", jdbcUrl),
                                key.endsWith("-state")));
                    }
                }
                case "patternkit-kubernetes", "patternkit-kubernetes-state" -> all.add(new PatternkitContender("kubernetes",
                        settings.sidecarJar(), List.of("--kube-master", servers.kubernetesUrl(), "--namespace", "bench"),
                        key.endsWith("-state")));
                default -> throw new IllegalArgumentException("unknown contender " + key);
            }
        }
        return all;
    }

    /**
     * One phase: a cluster per contender, started one after another, then the rounds.
     *
     * @param everyTransition all transitions (handover, crash of the app, crash of app and sidecar),
     *     or only the crash of the app
     */
    private static List<Sample> phase(List<Contender> contenders, LeaseSettings lease, int size, int warmupRounds,
            int rounds, boolean everyTransition, Path logs, Duration settle) throws InterruptedException {
        System.err.println("== phase: " + lease.describe() + ", " + size + " candidates per contender");
        List<Cluster> clusters = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        try {
            for (Contender contender : contenders) {
                Cluster cluster = new Cluster(contender, lease, size, logs, settle);
                clusters.add(cluster);
                cluster.start();
            }
            for (int round = -warmupRounds; round < rounds; round++) {
                List<Cluster> order = new ArrayList<>(clusters);
                Collections.rotate(order, -Math.floorMod(round, order.size()));
                for (Cluster cluster : order) {
                    if (everyTransition) {
                        samples.add(cluster.handover(round));
                    }
                    samples.add(cluster.crash(round, false));
                    if (everyTransition && cluster.contender().hasSidecar()) {
                        samples.add(cluster.crash(round, true));
                    }
                }
            }
        } finally {
            clusters.forEach(Cluster::close);
        }
        return samples;
    }

    /** The benchmark's options. */
    record Settings(List<String> contenders, Path sidecarJar, LeaseSettings lease, int candidates, int warmupRounds, int rounds,
            LeaseSettings longLease, int longCandidates, int longRounds, Duration settle, int callRounds,
            int callIterations, int callWarmup) {

        static Settings from(Args args) {
            return new Settings(
                    List.of(args.string("contenders", DEFAULT_CONTENDERS).split(",")),
                    args.path("sidecar-jar", "sidecar/target/patternkit-sidecar.jar"),
                    LeaseSettings.ofMillis(args.integer("lease-ms", 3000), args.integer("renew-ms", 2000),
                            args.integer("retry-ms", 500)),
                    args.integer("candidates", 3),
                    args.integer("warmup-rounds", 1),
                    args.integer("rounds", 5),
                    LeaseSettings.ofMillis(args.integer("long-lease-ms", 15000), args.integer("long-renew-ms", 10000),
                            args.integer("long-retry-ms", 2000)),
                    args.integer("long-candidates", 2),
                    args.integer("long-rounds", 2),
                    Duration.ofMillis(args.integer("settle-ms", 1000)),
                    args.integer("call-rounds", 3),
                    args.integer("call-iterations", 500),
                    args.integer("call-warmup", 1000));
        }
    }
}
