package io.patternkit.samples.spring;

import static io.patternkit.samples.SampleSupport.say;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patternkit.core.SidecarConfig;
import io.patternkit.protocol.Wire;
import io.patternkit.samples.SampleSupport;
import io.patternkit.samples.indexing.Corpus;
import io.patternkit.samples.search.SearchShard;
import io.patternkit.samples.search.TermStats;
import io.patternkit.testing.AppProcess;
import io.patternkit.testing.SidecarProcess;
import io.patternkit.workqueue.QueueStats;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs the Spring Boot sample on real input: two replicas of {@link IndexerApplication} beside one
 * {@code patternkit-sidecar run} process (work queue, leader election and scatter/gather, SQLite). The elected
 * replica's refresh enqueues the corpus; both index it through their {@code @WorkQueueListener}; a third of the way
 * through, the leader is stopped with SIGTERM, as Kubernetes stops a pod. Spring's graceful shutdown runs Patternkit's drain: the running
 * files finish, the held ones are given back at once, leadership is resigned, and the other replica is elected and
 * refreshes (every file a duplicate by its dedup key) and indexes the rest.
 *
 * <p>Checks, and exits 1 when one fails: every file indexed exactly once across the two ledgers or dead-lettered;
 * one statistics file per indexed file; the stopped replica's drain clean with nothing stranded and exit status 143;
 * a successor elected with a higher fencing token whose refresh added nothing; the queue settled long before the
 * 60 s visibility timeout that a stranded item would have waited out. Then the search service: the stopped replica
 * starts again, and a query on the other's {@code GET /search} is scattered over both replicas' shards (each a
 * {@code @ScatterLeafHandler} served on its replica's own Spring MVC server, registered with the sidecar's scatter
 * pattern); the merged term statistics must equal those of one index over every indexed file.
 *
 * <p>Options: {@code --limit N} files of the JDK's {@code lib/src.zip} (default 3000, 0 = all),
 * {@code --corpus ZIP_OR_DIR}, {@code --work-dir DIR} (default {@code target/spring-sample}), {@code --sidecar-jar JAR}
 * (default {@code sidecar/target/patternkit-sidecar.jar}), as the other samples take them.
 */
public final class SpringIndexDemo {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUEUE = "spring-corpus";
    private static final Duration VISIBILITY = Duration.ofSeconds(60);
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private SpringIndexDemo() {
    }

    /**
     * @param args the options above
     * @throws Exception when the run cannot be set up; a failed check exits with status 1
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int limit = Integer.parseInt(options.getOrDefault("--limit", "3000"));
        Path work = SampleSupport.emptied(Path.of(options.getOrDefault("--work-dir", "target/spring-sample")));
        Path source = Corpus.sourceOrJdk(options.containsKey("--corpus") ? Path.of(options.get("--corpus")) : null);
        Corpus corpus = Corpus.prepare(source, work.resolve("corpus"), limit);
        Path manifest = work.resolve("manifest.txt");
        Files.write(manifest, corpus.files().stream().map(f -> corpus.root().relativize(f).toString()).toList());
        say("corpus: %d files of %s", corpus.files().size(), source);
        List<String> failures = new ArrayList<>();
        SidecarProcess.Builder sidecarBuilder = SidecarProcess.run("workqueue", "leader", "scatter").dataDir(work.resolve("data"))
                .jvmArgs("-XX:+UseSerialGC", "-Xmx256m").appDrainTimeout(Duration.ofSeconds(25));
        if (options.containsKey("--sidecar-jar")) {
            sidecarBuilder.jar(Path.of(options.get("--sidecar-jar")));
        }
        try (SidecarProcess sidecar = sidecarBuilder.start();
                WorkQueueClient client = WorkQueueClient.create(SidecarConfig.builder().baseUrl(sidecar.baseUrl())
                        .build())) {
            say("sidecar (workqueue, leader, scatter) at %s, pid %d", sidecar.baseUrl(), sidecar.pid());
            new Run(work, corpus, manifest, sidecar, client.queue(QUEUE), failures).run();
        }
        if (!failures.isEmpty()) {
            failures.forEach(f -> say("FAILED: %s", f));
            System.exit(1);
        }
        say("Spring Boot sample OK");
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    /** One run of the demo. */
    private record Run(Path work, Corpus corpus, Path manifest, SidecarProcess sidecar, WorkQueue queue,
            List<String> failures) {

        void run() throws Exception {
            AppProcess.Events events = new AppProcess.Events();
            Map<String, AppProcess> replicas = new java.util.LinkedHashMap<>();
            try {
                for (String name : List.of("a", "b")) {
                    replicas.put(name, start(name, events));
                }
                events.await("both replicas ready", e -> e.is("READY"), 2, PATIENCE);
                AppProcess.Event elected = events.await("a leader", e -> e.is("LEADER"), 1, PATIENCE).get(0);
                events.await("the leader's refresh", e -> e.is("REFRESHED"), 1, PATIENCE);
                int files = corpus.files().size();
                say("replica %s elected (token %d) and enqueued the corpus; both replicas indexing", elected.app(),
                        elected.number("token"));
                awaitQueue("a third of the corpus indexed", s -> s.acked() + s.dead() >= files / 3);

                AppProcess leader = replicas.get(elected.app());
                Instant stopped = Instant.now();
                int exit = leader.terminate(Duration.ofSeconds(60));
                AppProcess.Event drained = events.await("the leader's drain", e -> e.is("DRAINED")
                        && e.app().equals(leader.name()), 1, Duration.ofSeconds(5)).get(0);
                say("replica %s stopped with SIGTERM: drained in %d ms (%d completed, %d released, %d stranded),"
                        + " exit %d", leader.name(), drained.number("tookMs"), drained.number("completed"),
                        drained.number("released"), drained.number("stranded"), exit);
                check(exit == 143, "the stopped replica exits with 143 after its drain, got " + exit);
                check(drained.field("clean").orElse("").equals("true"), "the drain was not clean: " + drained.text());
                check(drained.number("stranded") == 0, "items stranded by the drain: " + drained.text());

                AppProcess.Event successor = events.await("a successor", e -> e.is("LEADER")
                        && !e.app().equals(leader.name()), 1, PATIENCE).get(0);
                AppProcess.Event refreshed = events.await("the successor's refresh", e -> e.is("REFRESHED")
                        && e.app().equals(successor.app()), 1, PATIENCE).get(0);
                say("replica %s elected %d ms after the SIGTERM (token %d); its refresh enqueued %d, %d duplicates",
                        successor.app(), Duration.between(stopped, successor.at()).toMillis(),
                        successor.number("token"), refreshed.number("enqueued"), refreshed.number("duplicates"));
                check(successor.number("token") > elected.number("token"), "the successor's token is not higher");
                check(refreshed.number("enqueued") == 0, "the successor's refresh enqueued files again");

                QueueStats settled = awaitQueue("the whole corpus settled",
                        s -> s.acked() + s.dead() >= files && s.inFlight() == 0 && s.ready() == 0);
                Duration rest = Duration.between(stopped, Instant.now());
                say("corpus settled %d ms after the SIGTERM: %d indexed, %d dead-lettered", rest.toMillis(),
                        settled.acked(), settled.dead());
                check(rest.compareTo(VISIBILITY) < 0, "settling took " + rest + ", as long as the visibility timeout");
                checkLedgers(files, settled.dead());
                search(replicas, events, leader.name());
            } finally {
                replicas.values().forEach(r -> r.terminate(Duration.ofSeconds(30)));
            }
        }

        private AppProcess start(String name, AppProcess.Events events) throws IOException {
            Path logs = Files.createDirectories(work.resolve("logs"));
            Path output = Files.createDirectories(work.resolve("output"));
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+UseSerialGC", "-jar", System.getProperty("java.class.path"),
                    "--sample.name=" + name, "--sample.queue=" + QUEUE,
                    "--sample.input-root=" + corpus.root(), "--sample.output-root=" + output,
                    "--sample.manifest=" + manifest, "--sample.ledger=" + work.resolve("ledger-" + name + ".txt"),
                    "--patternkit.leader.election=spring-corpus-refresh", "--patternkit.leader.candidate-id=" + name,
                    "--patternkit.workqueue.listener.visibility-timeout=" + VISIBILITY.toSeconds() + "s",
                    "--spring.lifecycle.timeout-per-shutdown-phase=20s", "--server.address=127.0.0.1",
                    "--server.port=0");
            Path log = logs.resolve("replica-" + name + ".log");
            if (Files.exists(log)) {
                log = logs.resolve("replica-" + name + "-restarted.log");
            }
            AppProcess replica = AppProcess.start(name, command, Map.of(Wire.ENV_SIDECAR_URL,
                    sidecar.baseUrl().toString()), log, events);
            say("replica %s started (pid %d, log %s)", name, replica.pid(), log);
            return replica;
        }

        /**
         * The search service: the stopped replica starts again (its shard is its ledger on disk), then one query on the
         * other replica's {@code /search} is scattered over both shards, each served on its replica's own web server,
         * and must equal the statistics of one index over every indexed file.
         */
        private void search(Map<String, AppProcess> replicas, AppProcess.Events events, String stopped) throws Exception {
            replicas.put(stopped, start(stopped, events));
            events.await("replica " + stopped + " ready again", e -> e.is("READY") && e.app().equals(stopped), 2,
                    PATIENCE);
            String other = replicas.keySet().stream().filter(n -> !n.equals(stopped)).findFirst().orElseThrow();
            long port = events.matching(e -> e.is("READY") && e.app().equals(other)).get(0).number("port");
            String text = "concurrent hash map";
            List<String> terms = SearchShard.terms(text);
            List<Path> indexed = new ArrayList<>();
            for (String ledger : List.of("ledger-a.txt", "ledger-b.txt")) {
                Files.readAllLines(work.resolve(ledger)).forEach(f -> indexed.add(corpus.root().resolve(f)));
            }
            TermStats expected;
            try (SearchShard one = SearchShard.build(corpus.root(), indexed)) {
                expected = one.stats(terms);
            }
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + port + "/search?q=" + text.replace(' ', '+'));
            JsonNode answer = null;
            Instant until = Instant.now().plus(PATIENCE);
            while (answer == null || answer.path("shards").size() < 2) { // until the restarted shard has registered
                if (Instant.now().isAfter(until)) {
                    throw new IllegalStateException("not within " + PATIENCE + ": both shards in a search, last " + answer);
                }
                if (answer != null) {
                    Thread.sleep(200);
                }
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
                        HttpResponse.BodyHandlers.ofString());
                check(response.statusCode() == 200, "GET " + uri + " answered " + response.statusCode());
                answer = JSON.readTree(response.body());
            }
            TermStats merged = JSON.treeToValue(answer.path("stats"), TermStats.class);
            say("search '%s' on replica %s's /search: shards %s answered from their own web servers; merged %d"
                    + " documents, document frequencies %s; one index over the %d indexed files: %d, %s", text, other,
                    answer.path("shards"), merged.docCount(), docFreqs(merged), indexed.size(), expected.docCount(),
                    docFreqs(expected));
            check(answer.path("complete").asBoolean(), "the search was not complete: " + answer);
            check(merged.equals(expected), "the merged statistics differ from one index's: " + merged + " vs " + expected);
        }

        private static Map<String, Long> docFreqs(TermStats stats) {
            Map<String, Long> freqs = new java.util.TreeMap<>();
            stats.terms().forEach((term, t) -> freqs.put(term, t.docFreq()));
            return freqs;
        }

        private QueueStats awaitQueue(String what, java.util.function.Predicate<QueueStats> done)
                throws InterruptedException {
            Instant until = Instant.now().plus(PATIENCE);
            while (true) {
                QueueStats stats = queue.stats();
                if (done.test(stats)) {
                    return stats;
                }
                if (Instant.now().isAfter(until)) {
                    throw new IllegalStateException("not within " + PATIENCE + ": " + what + " (" + stats + ")");
                }
                Thread.sleep(100);
            }
        }

        private void checkLedgers(int files, long dead) throws IOException {
            List<String> a = Files.readAllLines(work.resolve("ledger-a.txt"));
            List<String> b = Files.readAllLines(work.resolve("ledger-b.txt"));
            Set<String> both = new HashSet<>(a);
            both.retainAll(new HashSet<>(b));
            long outputs;
            try (Stream<Path> walk = Files.walk(work.resolve("output"))) {
                outputs = walk.filter(Files::isRegularFile).count();
            }
            Set<String> all = Stream.concat(a.stream(), b.stream()).collect(Collectors.toSet());
            say("ledgers: replica a indexed %d, replica b %d, %d by both; %d statistics files", a.size(), b.size(),
                    both.size(), outputs);
            check(both.isEmpty(), "indexed by both replicas: " + both.stream().limit(5).toList());
            check(a.size() + b.size() == all.size(), "a replica indexed a file twice");
            check(all.size() + dead == files, "indexed " + all.size() + " + dead " + dead + " != " + files);
            check(outputs == all.size(), outputs + " statistics files for " + all.size() + " indexed files");
        }

        private void check(boolean ok, String failure) {
            if (!ok) {
                failures.add(failure);
            }
        }
    }
}
