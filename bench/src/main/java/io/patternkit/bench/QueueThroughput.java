package io.patternkit.bench;

import io.patternkit.sidecar.workqueue.AckOutcome;
import io.patternkit.core.SidecarConfig;
import io.patternkit.sidecar.engine.postgres.PostgresQueueEngine;
import io.patternkit.sidecar.engine.sqlite.SqliteQueueEngine;
import io.patternkit.sidecar.workqueue.Backoff;
import io.patternkit.sidecar.workqueue.ClaimedItem;
import io.patternkit.sidecar.workqueue.NewItem;
import io.patternkit.sidecar.workqueue.QueueEngine;
import io.patternkit.sidecar.workqueue.Receipt;
import io.patternkit.testing.SidecarProcess;
import io.patternkit.workqueue.AckedAndClaimed;
import io.patternkit.workqueue.BatchOutcome;
import io.patternkit.workqueue.Enqueue;
import io.patternkit.workqueue.WorkItem;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * End-to-end queue throughput: enqueue, claim and ack with a no-op handler, through the SDK and a
 * real sidecar process, next to the same engine class driven in-process through the
 * {@link QueueEngine} SPI with the same statements and batching. One thread drives each side; the
 * sides' order rotates from round to round, so the machine's noise hits all, and each round uses fresh
 * queue names.
 *
 * <p>Two shapes: <b>backlog</b> enqueues all {@code N} items (one call per item at batch 1, one
 * batch call per {@code batch} items otherwise), then claims {@code batch} at a time and acks them
 * (one ack at batch 1, one batch ack otherwise) until all are done; <b>pipelined</b> enqueues one
 * batch, claims and acks it, and repeats, so the queue never holds more than one batch.
 *
 * <p>The direct side makes the engine calls the sidecar's service makes per request:
 * {@code enqueue(list)}, {@code claim}, and {@code ackAll(list)} for an ack of one or many receipts.
 *
 * <p>Options: {@code --out DIR} (Markdown fragment {@code throughput.md}), {@code --rounds 5},
 * {@code --batches 1,10,50}, {@code --items 1000,4000,8000} (N per batch size), {@code --sidecar-jar},
 * {@code --engines sqlite,postgres}, {@code --backlogs 1000,4000,16000}, {@code --sidecar-jvm-args "..."} (further JVM
 * options of the sidecar, separated by spaces, after those {@link BenchSidecar} chooses; default none),
 * {@code --elasticmq-lib DIR} (default
 * {@code bench/elasticmq/target/lib}), {@code --sqs-http apache|urlconnection} (the SQS client's HTTP client, default
 * apache). PostgreSQL runs when {@code PATTERNKIT_TEST_JDBC_URL} is set.
 *
 * <p>The peer: with ElasticMQ's libraries present, its server in memory and with H2 storage, each its own process,
 * driven by the AWS SDK's SQS client, joins the SQLite rounds; the four sides' order rotates every round.
 *
 * <p>Last, the in-process cost of claiming one item with a backlog of ready items behind it, per
 * engine.
 */
public final class QueueThroughput {
    private static final Duration VISIBILITY = Duration.ofMinutes(5);
    private static final Backoff BACKOFF = new Backoff(1000, 300_000);
    private static final String[] SHAPES = {"backlog", "pipelined"};
    /** The peer the target names: ElasticMQ keeping its messages in memory. */
    private static final String ELASTICMQ_MEMORY = "elasticmq-memory";

    private QueueThroughput() {
    }

    /**
     * Runs the benchmark and writes {@code throughput.md} into {@code --out}.
     *
     * @param argv {@code --name value} options, see the class comment
     * @throws Exception when a sidecar or engine cannot be started, or a run loses items
     */
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Path out = Files.createDirectories(args.path("out", "bench/target/results"));
        int rounds = args.integer("rounds", 5);
        List<Integer> batches = args.integers("batches", "1,10,50");
        List<Integer> items = args.integers("items", "1000,4000,8000");
        Path jar = args.path("sidecar-jar", "sidecar/target/patternkit-sidecar.jar");
        String jvmArgs = args.string("sidecar-jvm-args", "").trim();
        List<String> sidecarJvm = jvmArgs.isEmpty() ? List.of() : List.of(jvmArgs.split("\\s+"));
        String jdbcUrl = System.getenv("PATTERNKIT_TEST_JDBC_URL");
        List<String> engines = args.engines();
        Path work = Files.createTempDirectory("patternkit-bench-throughput-");

        Path elasticMqLib = args.path("elasticmq-lib", "bench/elasticmq/target/lib");
        boolean peers = Files.isDirectory(elasticMqLib);
        String sqsClient = args.string("sqs-http", "apache");
        if (!peers) {
            say("no ElasticMQ libraries at %s (mvn -Pbench -pl bench/elasticmq package): measuring without the peer",
                    elasticMqLib);
        }
        Map<String, Cell> cells = new LinkedHashMap<>();
        List<Integer> backlogs = args.integers("backlogs", "1000,4000,16000");
        List<String[]> scaling = new ArrayList<>();
        Map<String, ProcStatus> memory = new LinkedHashMap<>(); // each engine's sidecar, read after its rounds
        for (String engine : engines) {
            Path sidecarData = Files.createDirectories(work.resolve(engine + "-sidecar"));
            Path directData = Files.createDirectories(work.resolve(engine + "-direct"));
            List<String> sidecarArgs = engine.equals("postgres")
                    ? List.of("--engine", "postgres", "--jdbc-url", jdbcUrl) : List.of();
            Supplier<QueueEngine> direct = engine.equals("postgres")
                    ? () -> PostgresQueueEngine.open(jdbcUrl, null, BACKOFF)
                    : () -> SqliteQueueEngine.open(directData.resolve("patternkit.db"), Clock.systemUTC(), BACKOFF);
            boolean withPeers = peers && engine.equals("sqlite"); // the peers against the embedded default
            try (BenchSidecar sidecar = BenchSidecar.start(jar, sidecarJvm, sidecarData, sidecarArgs);
                    WorkQueueClient client = WorkQueueClient.create(SidecarConfig.builder().baseUrl(sidecar.baseUrl()).build());
                    QueueEngine queueEngine = direct.get();
                    SqsSides sqs = withPeers ? SqsSides.start(elasticMqLib, work.resolve("elasticmq"), sqsClient) : SqsSides.none()) {
                Side sdk = new SdkSide(client, true);
                Side inProcess = new DirectSide(queueEngine);
                List<Side> peerSides = new ArrayList<>(sqs.sides());
                if (engine.equals("sqlite")) {
                    peerSides.add(new SdkSide(client, false));
                }
                List<Side> all = new ArrayList<>(List.of(sdk, inProcess));
                all.addAll(peerSides);
                String tag = Long.toString(System.currentTimeMillis(), 36);
                say("%s: sidecar pid %d at %s%s; warming up", engine, sidecar.pid(), sidecar.baseUrl(), sqs);
                for (String shape : SHAPES) {
                    for (int b = 0; b < batches.size(); b++) {
                        for (Side side : all) {
                            run(side, shape, "warm-" + tag + "-" + shape + "-" + b, batches.get(b), items.get(b));
                        }
                    }
                }
                for (int round = 0; round < rounds; round++) {
                    for (String shape : SHAPES) {
                        for (int b = 0; b < batches.size(); b++) {
                            int batch = batches.get(b);
                            int n = items.get(b);
                            String queue = "r" + tag + "-" + round + "-" + shape + "-" + batch;
                            Cell cell = cells.computeIfAbsent(engine + "/" + shape + "/" + batch,
                                    k -> new Cell(engine, shape, batch, n));
                            Map<Side, Result> results = new LinkedHashMap<>();
                            for (int k = 0; k < all.size(); k++) { // the order rotates every round
                                Side side = all.get((k + round) % all.size());
                                results.put(side, run(side, shape, queue, batch, n));
                            }
                            Result s = results.get(sdk);
                            Result d = results.get(inProcess);
                            cell.add(s, d);
                            for (Side peer : peerSides) {
                                cell.addPeer(peer.toString(), s, results.get(peer));
                            }
                            say("%s %-9s batch %2d round %d: sdk %8.0f items/s, direct %8.0f items/s, ratio %.2f%s",
                                    engine, shape, batch, round, s.rate(), d.rate(), s.rate() / d.rate(),
                                    peerSides.stream().map(p -> String.format(", %s %.0f", p, results.get(p).rate()))
                                            .reduce("", String::concat));
                        }
                    }
                }
                memory.put(engine, ProcStatus.of(sidecar.pid()));
                for (int backlog : backlogs) {
                    scaling.add(claimCost(engine, queueEngine, "direct-scale-" + tag + "-" + backlog, backlog));
                }
            }
        }
        CorpusJob.deleteRecursively(work);
        String sidecarJvmText = (System.getenv(SidecarProcess.ENV_AOT_CACHE) != null
                ? "the main job's JVM (`" + SidecarProcess.ENV_JAVA + "` with its AOT cache, C1 and the serial collector)" : "the default `java`")
                + (sidecarJvm.isEmpty() ? ", the JVM's default heap sizing" : ", `" + String.join(" ", sidecarJvm) + "`");
        String markdown = markdown(cells, rounds, engines) + memoryMarkdown(memory, sidecarJvmText) + scalingMarkdown(scaling);
        Files.writeString(out.resolve("throughput.md"), markdown, StandardCharsets.UTF_8);
        Files.writeString(out.resolve("targets-throughput.md"), targets(cells) + memoryTargets(memory, sidecarJvmText), StandardCharsets.UTF_8);
        System.out.println(markdown);
    }

    /**
     * Runs one measurement and checks that every item was claimed once and acked. (Counted by the
     * side, not read back from stats: on a shared PostgreSQL database another sidecar's purge of
     * acked items, which is not limited to its own queues, may delete them.)
     */
    private static Result run(Side side, String shape, String name, int batch, int n) {
        String queue = side.prefix() + name;
        side.resetCount();
        Result r = shape.equals("backlog") ? backlog(side, queue, batch, n) : pipelined(side, queue, batch, n);
        if (side.ackedFirstDeliveries() != n) {
            throw new IllegalStateException(side + " acked " + side.ackedFirstDeliveries() + " first deliveries of " + n
                    + " items on queue " + queue);
        }
        return r;
    }

    private static Result backlog(Side side, String queue, int batch, int n) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i += batch) {
            side.enqueue(queue, i, Math.min(batch, n - i));
        }
        long enqueued = System.nanoTime();
        int done = 0;
        while (done < n) {
            done += side.claimAndAck(queue, Math.min(batch, n - done));
        }
        side.finish(queue);
        long end = System.nanoTime();
        return new Result(n, end - start, enqueued - start, end - enqueued);
    }

    private static Result pipelined(Side side, String queue, int batch, int n) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i += batch) {
            int count = Math.min(batch, n - i);
            side.enqueue(queue, i, count);
            int got = 0;
            while (got < count) {
                got += side.claimAndAck(queue, count - got);
            }
        }
        side.finish(queue);
        long end = System.nanoTime();
        return new Result(n, end - start, 0, 0);
    }

    /**
     * The in-process cost of one claim of one item and its ack, with {@code backlog} to
     * {@code backlog + 350} ready items behind it: p50 and p99 over 300 claims.
     */
    private static String[] claimCost(String engineName, QueueEngine engine, String queue, int backlog) {
        // the unrecorded and recorded claims leave backlog items
        ClaimCost.fill(engine, queue, backlog + ClaimCost.UNRECORDED + ClaimCost.RECORDED, QueueThroughput::payload,
                300_000);
        ClaimCost.Samples samples = ClaimCost.measure(engine, queue, VISIBILITY.toMillis());
        String[] row = {engineName, Stats.count(backlog), Stats.micros(samples.claimP50()),
            Stats.micros(samples.claimP99()), Stats.micros(samples.ackP50())};
        say("claim cost %s", String.join(" | ", row));
        return row;
    }

    private static String scalingMarkdown(List<String[]> rows) {
        StringBuilder md = new StringBuilder();
        md.append("**Claim cost against the backlog** (engine in-process, one thread: `claim(1)`, then `ackAll` of its")
                .append(" receipt; 300 claims after 50 unrecorded ones, the backlog shrinking from N + 350 to N ready items)\n\n");
        md.append("| engine | N | claim(1) p50 µs | p99 µs | ack p50 µs |\n");
        md.append("|---|---:|---:|---:|---:|\n");
        for (String[] r : rows) {
            md.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        return md.toString();
    }

    private static String markdown(Map<String, Cell> cells, int rounds, List<String> engines) {
        StringBuilder md = new StringBuilder();
        md.append("Engines measured: ").append(String.join(", ", engines)).append("; ").append(rounds)
                .append(" rounds after one unrecorded warm-up round of the same size; median items/s (min to max in brackets); the ratio is the median of the")
                .append(" per-round ratios SDK/direct, each from one interleaved pair.\n\n");
        for (String shape : SHAPES) {
            md.append("**").append(shape.equals("backlog") ? "Backlog shape (enqueue all N, then claim and ack)"
                    : "Pipelined shape (enqueue one batch, claim it, ack it, repeat)").append("**\n\n");
            md.append("| engine | batch | N | SDK + sidecar items/s | direct in-process items/s | SDK/direct | target | met |\n");
            md.append("|---|---:|---:|---:|---:|---:|---|---|\n");
            for (Cell c : cells.values()) {
                if (!c.shape.equals(shape)) {
                    continue;
                }
                double sdk = Stats.median(c.sdkRates);
                double ratio = Stats.median(c.ratios);
                String target = "";
                String met = "";
                if (c.batch == 50) {
                    target = "SDK/direct >= 0.80";
                    met = ratio >= 0.8 ? "yes" : "**no**";
                } else if (c.batch == 1 && c.engine.equals("sqlite")) {
                    target = "SDK >= 1,000 items/s and >= 0.60 direct";
                    met = sdk >= 1000 && ratio >= 0.6 ? "yes" : "**no**";
                }
                md.append("| ").append(c.engine).append(" | ").append(c.batch).append(" | ").append(Stats.count(c.items))
                        .append(" | ").append(range(c.sdkRates)).append(" | ").append(range(c.directRates))
                        .append(" | ").append(Stats.ratio(ratio)).append(" | ").append(target).append(" | ").append(met)
                        .append(" |\n");
            }
            md.append('\n');
            md.append(peerMarkdown(cells, shape));
            if (shape.equals("backlog")) {
                md.append("Backlog shape split into its two phases (median items/s):\n\n");
                md.append("| engine | batch | SDK enqueue | direct enqueue | SDK claim+ack | direct claim+ack |\n");
                md.append("|---|---:|---:|---:|---:|---:|\n");
                for (Cell c : cells.values()) {
                    if (c.shape.equals(shape)) {
                        md.append("| ").append(c.engine).append(" | ").append(c.batch).append(" | ")
                                .append(Stats.count(Stats.median(c.sdkEnqueue))).append(" | ")
                                .append(Stats.count(Stats.median(c.directEnqueue))).append(" | ")
                                .append(Stats.count(Stats.median(c.sdkDrain))).append(" | ")
                                .append(Stats.count(Stats.median(c.directDrain))).append(" |\n");
                    }
                }
                md.append('\n');
            }
        }
        return md.toString();
    }

    /** The peers' table of one shape: the SDK + sidecar on SQLite against ElasticMQ, in the same rounds. */
    private static String peerMarkdown(Map<String, Cell> cells, String shape) {
        List<Cell> withPeers = cells.values().stream().filter(c -> c.shape.equals(shape) && !c.peerRates.isEmpty()).toList();
        if (withPeers.isEmpty()) {
            return "";
        }
        List<String> peers = List.copyOf(withPeers.get(0).peerRates.keySet());
        StringBuilder md = new StringBuilder("Against ElasticMQ (SQS-compatible, its own process, the AWS SDK's SQS client;"
                + " SQS caps a batch at 10, so batch 50 is five calls of 10), and against the SDK acking in a call of its"
                + " own before each claim (`sdk-ack-then-claim`; the SDK column carries each batch's acks on the next"
                + " claim), in the same rounds (median items/s; the ratio is the median of the per-round ratios"
                + " SDK/peer):\n\n| batch | SDK + sidecar (SQLite) |");
        peers.forEach(p -> md.append(' ').append(p).append(" |"));
        peers.forEach(p -> md.append(" SDK/").append(p).append(" |"));
        md.append(" target | met |\n|---:|---:|");
        peers.forEach(p -> md.append("---:|---:|"));
        md.append("---|---|\n");
        for (Cell c : withPeers) {
            md.append("| ").append(c.batch).append(" | ").append(range(c.sdkRates)).append(" |");
            peers.forEach(p -> md.append(' ').append(range(c.peerRates.get(p))).append(" |"));
            peers.forEach(p -> md.append(' ').append(Stats.ratio(Stats.median(c.peerRatios.get(p)))).append(" |"));
            List<Double> memory = c.peerRatios.get(ELASTICMQ_MEMORY);
            md.append(memory == null ? " n/a | n/a" : " SDK/" + ELASTICMQ_MEMORY + " >= 1.50 | "
                    + (Stats.median(memory) >= 1.5 ? "yes" : "**no**")).append(" |\n");
        }
        return md.append('\n').toString();
    }

    /** Summary rows: target, measured, met. */
    private static String targets(Map<String, Cell> cells) {
        StringBuilder md = new StringBuilder();
        for (Cell c : cells.values()) {
            String engine = engineName(c.engine);
            double ratio = Stats.median(c.ratios);
            double rate = Stats.median(c.sdkRates);
            if (c.batch == 50) {
                md.append("| Throughput, ").append(engine).append(", batch 50, ").append(c.shape)
                        .append(" shape: SDK + sidecar at least 0.8x the direct rate | ").append(Stats.ratio(ratio))
                        .append("x the direct rate (").append(Stats.count(rate)).append(" vs ")
                        .append(Stats.count(Stats.median(c.directRates))).append(" items/s) | ")
                        .append(ratio >= 0.8 ? "yes" : "**no**").append(" |\n");
            } else if (c.batch == 1 && c.engine.equals("sqlite")) {
                md.append("| Throughput, SQLite, batch 1, ").append(c.shape)
                        .append(" shape: at least 1,000 items/s through SDK + sidecar and 0.6x direct | ")
                        .append(Stats.count(rate)).append(" items/s, ").append(Stats.ratio(ratio)).append("x direct | ")
                        .append(rate >= 1000 && ratio >= 0.6 ? "yes" : "**no**").append(" |\n");
            }
            if (c.peerRatios.containsKey(ELASTICMQ_MEMORY)) {
                double vs = Stats.median(c.peerRatios.get(ELASTICMQ_MEMORY));
                md.append("| Throughput, SQLite, batch ").append(c.batch).append(", ").append(c.shape)
                        .append(" shape: at least 1.5x ").append(ELASTICMQ_MEMORY).append(" | ").append(Stats.ratio(vs))
                        .append("x (").append(Stats.count(rate)).append(" vs ")
                        .append(Stats.count(Stats.median(c.peerRates.get(ELASTICMQ_MEMORY)))).append(" items/s) | ")
                        .append(vs >= 1.5 ? "yes" : "**no**").append(" |\n");
            }
        }
        return md.toString();
    }

    /** The sidecar's resident memory under this benchmark (issue 13, target 3: at most 128 MB), in MiB. */
    private static String memoryMarkdown(Map<String, ProcStatus> memory, String sidecarJvm) {
        StringBuilder md = new StringBuilder("**Sidecar memory under this benchmark** (the sidecar on " + sidecarJvm
                + "; `/proc/PID/status` of each engine's sidecar after its last round; the peak is `VmHWM`, the most it held at any "
                + "moment since it started)\n\n| engine | peak RSS MiB | RSS at the end MiB |\n|---|---:|---:|\n");
        memory.forEach((engine, status) -> md.append("| ").append(engine).append(" | ").append(mb(status.field("VmHWM:")))
                .append(" | ").append(mb(status.field("VmRSS:"))).append(" |\n"));
        return md.append('\n').toString();
    }

    private static String memoryTargets(Map<String, ProcStatus> memory, String sidecarJvm) {
        StringBuilder md = new StringBuilder();
        memory.forEach((engine, status) -> {
            long peakKib = status.field("VmHWM:");
            md.append("| Sidecar memory under the throughput benchmark, ").append(engineName(engine)).append(" (on ").append(sidecarJvm)
                    .append("): peak RSS at most 128 MiB | ").append(mb(peakKib)).append(" MiB | ")
                    .append(peakKib > 0 && peakKib <= 128 * 1024 ? "yes" : "**no**").append(" |\n");
        });
        return md.toString();
    }

    private static String engineName(String engine) {
        return engine.equals("sqlite") ? "SQLite" : "PostgreSQL";
    }

    private static String mb(long kib) {
        return String.format(Locale.ROOT, "%.1f", kib / 1024.0);
    }

    private static String range(List<Double> rates) {
        return Stats.count(Stats.median(rates)) + " (" + Stats.count(Stats.min(rates)) + " to "
                + Stats.count(Stats.max(rates)) + ")";
    }

    private static void say(String format, Object... args) {
        System.err.println(String.format(format, args));
    }

    /** One measurement: items, total time, and for the backlog shape its two phases. */
    private record Result(int items, long nanos, long enqueueNanos, long drainNanos) {
        double rate() {
            return items * 1e9 / nanos;
        }
    }

    /** The measurements of one engine, shape and batch size. */
    private static final class Cell {
        final String engine;
        final String shape;
        final int batch;
        final int items;
        final List<Double> sdkRates = new ArrayList<>();
        final List<Double> directRates = new ArrayList<>();
        final List<Double> ratios = new ArrayList<>();
        final List<Double> sdkEnqueue = new ArrayList<>();
        final List<Double> directEnqueue = new ArrayList<>();
        final List<Double> sdkDrain = new ArrayList<>();
        final List<Double> directDrain = new ArrayList<>();

        Cell(String engine, String shape, int batch, int items) {
            this.engine = engine;
            this.shape = shape;
            this.batch = batch;
            this.items = items;
        }

        final Map<String, List<Double>> peerRates = new LinkedHashMap<>();
        final Map<String, List<Double>> peerRatios = new LinkedHashMap<>();

        void addPeer(String peer, Result sdk, Result result) {
            peerRates.computeIfAbsent(peer, k -> new ArrayList<>()).add(result.rate());
            peerRatios.computeIfAbsent(peer, k -> new ArrayList<>()).add(sdk.rate() / result.rate());
        }

        void add(Result sdk, Result direct) {
            sdkRates.add(sdk.rate());
            directRates.add(direct.rate());
            ratios.add(sdk.rate() / direct.rate());
            if (sdk.enqueueNanos() > 0) {
                sdkEnqueue.add(sdk.items() * 1e9 / sdk.enqueueNanos());
                directEnqueue.add(direct.items() * 1e9 / direct.enqueueNanos());
                sdkDrain.add(sdk.items() * 1e9 / sdk.drainNanos());
                directDrain.add(direct.items() * 1e9 / direct.drainNanos());
            }
        }
    }

    /** One way of driving a queue, and its count of acked first deliveries. */
    private abstract static class Side {
        private final String name;
        private long acked;

        Side(String name) {
            this.name = name;
        }

        /** Enqueues items {@code from .. from+count-1} in one call (a single-item call when count is 1). */
        abstract void enqueue(String queue, int from, int count);

        /**
         * Claims up to {@code max} items and acks them (one call, or a single ack for one item; a side that acks on
         * its next claim holds them until then), returns how many it claimed.
         */
        abstract int claimAndAck(String queue, int max);

        /** Acks what {@link #claimAndAck} still holds. */
        void finish(String queue) {
        }

        /** Counts an acked item that was a first delivery (attempt 1). */
        final void ackedFirstDelivery() {
            acked++;
        }

        /** Starts counting acked first deliveries from zero. */
        void resetCount() {
            acked = 0;
        }

        /** @return items acked since {@link #resetCount()} that were first deliveries */
        final long ackedFirstDeliveries() {
            return acked;
        }

        /** @return what is prefixed to this side's queue names (the two sides share one database on PostgreSQL) */
        final String prefix() {
            return name + "-";
        }

        @Override
        public final String toString() {
            return name;
        }
    }

    private static String payload(int i) {
        return "{\"n\":" + i + "}";
    }

    /**
     * Through the SDK and the sidecar process: by default each claim carries the acks of the items the previous one
     * claimed ({@link WorkQueue#ackAndClaim}, one call per batch); {@code sdk-ack-then-claim} acks in a call of its
     * own before the next claim, as every client did before it.
     */
    private static final class SdkSide extends Side {
        private final WorkQueueClient client;
        private final boolean ackOnClaim;
        private final Map<String, WorkQueue> queues = new LinkedHashMap<>();
        private final List<WorkItem> held = new ArrayList<>();

        SdkSide(WorkQueueClient client, boolean ackOnClaim) {
            super(ackOnClaim ? "sdk" : "sdk-ack-then-claim");
            this.client = client;
            this.ackOnClaim = ackOnClaim;
        }

        private WorkQueue queue(String name) {
            return queues.computeIfAbsent(name, client::queue);
        }

        @Override
        void enqueue(String queue, int from, int count) {
            if (count == 1) {
                queue(queue).enqueue(Enqueue.json(payload(from)));
                return;
            }
            List<Enqueue> batch = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                batch.add(Enqueue.json(payload(from + i)));
            }
            queue(queue).enqueueAll(batch);
        }

        @Override
        int claimAndAck(String queue, int max) {
            WorkQueue q = queue(queue);
            if (ackOnClaim) {
                AckedAndClaimed answer = q.ackAndClaim(receipts(held), max, VISIBILITY, Duration.ZERO);
                settled(answer.acks());
                held.clear();
                held.addAll(answer.items());
                return answer.items().size();
            }
            List<WorkItem> items = q.claim(max, VISIBILITY, Duration.ZERO);
            if (items.size() == 1 && max == 1) {
                q.ack(items.get(0)); // throws when stale
            } else if (!items.isEmpty()) {
                for (BatchOutcome o : q.ackAll(receipts(items))) {
                    if (!o.ok()) {
                        throw new IllegalStateException("ack failed: " + o);
                    }
                }
            }
            countFirstDeliveries(items);
            return items.size();
        }

        @Override
        void finish(String queue) {
            if (!held.isEmpty()) {
                settled(queue(queue).ackAll(receipts(held)));
                held.clear();
            }
        }

        /** Counts the held items once their acks came back, all of them ok. */
        private void settled(List<BatchOutcome> acks) {
            for (BatchOutcome o : acks) {
                if (!o.ok()) {
                    throw new IllegalStateException("ack failed: " + o);
                }
            }
            countFirstDeliveries(held);
        }

        private void countFirstDeliveries(List<WorkItem> items) {
            for (WorkItem item : items) {
                if (item.attempt() == 1) {
                    ackedFirstDelivery();
                }
            }
        }

        private static List<String> receipts(List<WorkItem> items) {
            List<String> receipts = new ArrayList<>(items.size());
            for (WorkItem item : items) {
                receipts.add(item.receipt());
            }
            return receipts;
        }

        @Override
        void resetCount() {
            super.resetCount();
            queues.clear();
        }
    }

    /**
     * The peers: ElasticMQ in memory and with its H2 storage, each a process of its own, each driven by the AWS SDK's
     * SQS client (its default Apache HTTP client unless {@code --sqs-http urlconnection}, keep-alive connections reused, as a user's app would drive it).
     */
    private static final class SqsSides implements AutoCloseable {
        private final List<ElasticMqProcess> servers;
        private final List<SqsSide> sides;

        private SqsSides(List<ElasticMqProcess> servers, List<SqsSide> sides) {
            this.servers = servers;
            this.sides = sides;
        }

        static SqsSides none() {
            return new SqsSides(List.of(), List.of());
        }

        static SqsSides start(Path lib, Path work, String http) {
            List<ElasticMqProcess> servers = new ArrayList<>();
            List<SqsSide> sides = new ArrayList<>();
            for (boolean h2 : new boolean[] {false, true}) {
                ElasticMqProcess server = ElasticMqProcess.start(lib, work.resolve(h2 ? "h2" : "memory"), h2);
                servers.add(server);
                sides.add(new SqsSide("elasticmq-" + server.storage(), SqsClient.builder().endpointOverride(server.url())
                        .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("bench", "bench")))
                        .httpClient(httpClient(http)).build()));
            }
            return new SqsSides(servers, sides);
        }

        /**
         * The SQS client's HTTP client: {@code apache}, the AWS SDK's default synchronous client (deprecated in 2.59 in
         * favour of its Apache 5 successor, whose artifact does not resolve here), or {@code urlconnection}.
         */
        @SuppressWarnings("deprecation")
        private static SdkHttpClient httpClient(String http) {
            return switch (http) {
                case "apache" -> software.amazon.awssdk.http.apache.ApacheHttpClient.create();
                case "urlconnection" -> UrlConnectionHttpClient.create();
                default -> throw new IllegalArgumentException("--sqs-http is apache or urlconnection, not " + http);
            };
        }

        List<Side> sides() {
            return List.copyOf(sides);
        }

        @Override
        public void close() {
            sides.forEach(SqsSide::close);
            servers.forEach(ElasticMqProcess::close);
        }

        @Override
        public String toString() {
            return servers.stream().map(e -> "; ElasticMQ " + e.storage() + " pid " + e.pid() + " at " + e.url())
                    .reduce("", String::concat);
        }
    }

    /**
     * Through SQS's API: {@code SendMessage} at batch 1, else {@code SendMessageBatch} of at most 10 (SQS's cap, so a
     * batch of 50 is five calls); {@code ReceiveMessage} of at most 10 with no wait and the same visibility timeout;
     * {@code DeleteMessage} for one, else {@code DeleteMessageBatch}. First deliveries are counted by
     * {@code ApproximateReceiveCount}.
     */
    private static final class SqsSide extends Side {
        private static final int SQS_MAX_BATCH = 10;
        private final SqsClient sqs;
        private final Map<String, String> urls = new LinkedHashMap<>();

        SqsSide(String name, SqsClient sqs) {
            super(name);
            this.sqs = sqs;
        }

        private String url(String queue) {
            return urls.computeIfAbsent(queue, q -> sqs.createQueue(r -> r.queueName(q)).queueUrl());
        }

        @Override
        void enqueue(String queue, int from, int count) {
            String url = url(queue);
            if (count == 1) {
                sqs.sendMessage(r -> r.queueUrl(url).messageBody(payload(from)));
                return;
            }
            for (int start = 0; start < count; start += SQS_MAX_BATCH) {
                List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                for (int i = start; i < Math.min(count, start + SQS_MAX_BATCH); i++) {
                    entries.add(SendMessageBatchRequestEntry.builder().id("m" + i).messageBody(payload(from + i)).build());
                }
                if (!sqs.sendMessageBatch(r -> r.queueUrl(url).entries(entries)).failed().isEmpty()) {
                    throw new IllegalStateException(this + ": a send in a batch failed");
                }
            }
        }

        @Override
        int claimAndAck(String queue, int max) {
            String url = url(queue);
            List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(Math.min(max, SQS_MAX_BATCH))
                    .waitTimeSeconds(0).visibilityTimeout((int) VISIBILITY.toSeconds())
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
            if (messages.size() == 1 && max == 1) {
                sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(messages.get(0).receiptHandle()));
            } else if (!messages.isEmpty()) {
                List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
                for (int i = 0; i < messages.size(); i++) {
                    entries.add(DeleteMessageBatchRequestEntry.builder().id("d" + i)
                            .receiptHandle(messages.get(i).receiptHandle()).build());
                }
                if (!sqs.deleteMessageBatch(r -> r.queueUrl(url).entries(entries)).failed().isEmpty()) {
                    throw new IllegalStateException(this + ": a delete in a batch failed");
                }
            }
            for (Message m : messages) {
                if ("1".equals(m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))) {
                    ackedFirstDelivery();
                }
            }
            return messages.size();
        }


        void close() {
            sqs.close();
        }
    }

    /** The same engine class, in-process, through the SPI. */
    private static final class DirectSide extends Side {
        private final QueueEngine engine;

        DirectSide(QueueEngine engine) {
            super("direct");
            this.engine = engine;
        }

        @Override
        void enqueue(String queue, int from, int count) {
            List<NewItem> batch = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                batch.add(new NewItem(payload(from + i), null, null, 0, 0, 5, 300_000));
            }
            engine.enqueue(queue, batch);
        }

        @Override
        int claimAndAck(String queue, int max) {
            List<ClaimedItem> items = engine.claim(queue, max, VISIBILITY.toMillis());
            if (items.isEmpty()) {
                return 0;
            }
            List<Receipt> receipts = new ArrayList<>(items.size());
            for (ClaimedItem item : items) {
                receipts.add(item.receipt());
            }
            List<AckOutcome> oks = engine.ackAll(queue, receipts);
            for (int i = 0; i < items.size(); i++) {
                if (oks.get(i) != AckOutcome.ACKED) {
                    throw new IllegalStateException("ack failed for item " + items.get(i).id());
                }
                if (items.get(i).attempt() == 1) {
                    ackedFirstDelivery();
                }
            }
            return items.size();
        }

    }
}
