package io.patternkit.samples.ambassador;

import static io.patternkit.samples.SampleSupport.poll;
import static io.patternkit.samples.SampleSupport.say;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.patternkit.samples.SampleSupport;
import io.patternkit.samples.indexing.Corpus;
import io.patternkit.testing.AppProcess;
import io.patternkit.testing.SidecarProcess;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The ambassador sample on real data: a term service (term to the corpus files that contain it)
 * cut into three shards of two replicas each ({@link TermService} processes), which the demo, like
 * any app, calls with its own plain HTTP client on one loopback port of an ambassador sidecar
 * ({@code patternkit-sidecar run --patterns ambassador}); the ambassador routes each lookup to the
 * shard that owns its term. Each shard's processes hold only the terms the ambassador assigns it, so a
 * lookup routed anywhere else would find nothing.
 *
 * <p>It shows, and checks: (a) every term answered by its owning shard with the right files, both
 * replicas of every shard used; (s) with one replica of a shard made a straggler (every tenth of its
 * lookups slower than {@code --slow}), every lookup of that shard answered sooner than that, the slow
 * ones by a hedged request to the other replica; (b) after {@code kill -9} of a replica, every lookup
 * of its shard still answered (retried on the sibling) and the dead replica ejected, and the same
 * sidecar's adapter, which checks every replica over HTTP, reporting that replica (and only it) not
 * ready; (m, at the end) the term services' statsd lines, a catalog database's rows and one
 * replica's JMX beans seen as Prometheus series at the sidecar's {@code /metrics}, through the adapter;
 * (l, last) the services' access logs, rolled over by rename, read whole by the adapter, and a stack
 * trace read as one record; (c) a canary version given
 * 10 % of the traffic by a config reload takes 10 % of the lookups within four standard deviations;
 * (d) a fourth shard added by a reload takes about a quarter of the terms, every moved term moving
 * to it. Writes {@code summary.json}; exits 0 only when every check passed.
 */
@Command(name = "ambassador-demo", mixinStandardHelpOptions = true,
        description = "A sharded term service behind an ambassador sidecar: routing, a killed replica, a canary, a fourth shard.")
public final class AmbassadorDemo implements Callable<Integer> {
    @Option(names = "--corpus", description = "A zip or directory of sources (default: the installed JDK's lib/src.zip).")
    Path corpus;

    @Option(names = "--limit", defaultValue = "3000", description = "Files to index, 0 for all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--keys", defaultValue = "3000", description = "Terms looked up in each part (default: ${DEFAULT-VALUE}).")
    int keyCount;

    @Option(names = "--slow", defaultValue = "PT2S", description = "The straggler's delay (default: ${DEFAULT-VALUE}).")
    Duration slow;

    @Option(names = "--work-dir", defaultValue = "target/ambassador-demo", description = "Emptied first (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--postgres", paramLabel = "JDBC_URL",
            description = "A PostgreSQL for the adapter to front too: a SELECT 1 readiness check and pg_stat_database gauges.")
    String postgres;

    @Option(names = "--sidecar-jar", description = "The sidecar's executable jar (default: sidecar/target/patternkit-sidecar.jar, searched upwards).")
    Path sidecarJar;

    private static final String UPSTREAM = "terms";
    private static final double CANARY_PERCENT = 10;
    private static final String JMX_REPLICA = "s0-b";
    private static final List<String> JVM = List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k");
    /** The lowest port {@link #freePort()} hands out, and the start of Linux's default ephemeral range. */
    private static final int PORTS_LOW = 20000;
    private static final int EPHEMERAL_LOW = 32768;
    /** The ports {@link #freePort()} handed out in this run. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private final AppProcess.Events events = new AppProcess.Events();
    private final Map<String, AppProcess> services = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json = new ObjectMapper();
    private Path work;
    private int upstreamPort;
    private int statsdPort;
    private int jmxPort;
    private Path catalog;
    private int answered;
    private TermIndex index;

    /** One part's checks. */
    record Part(String name, boolean ok, Map<String, Object> figures) {
    }

    /**
     * Runs the demo; exits 0 when every check passed, 1 otherwise.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new AmbassadorDemo()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        work = SampleSupport.emptied(workDir);
        Files.createDirectories(work.resolve("logs"));
        Path source = Corpus.sourceOrJdk(corpus);
        Corpus input = Corpus.prepare(source, work.resolve("input"), limit);
        index = TermIndex.build(input.root(), input.files());
        List<String> keys = index.sample(keyCount);
        say("corpus %s: %d files, %d terms; %d of them looked up per part", source, input.files().size(), index.entries().size(), keys.size());
        for (String replica : List.of("s0-a", "s0-b", "s1-a", "s1-b", "s2-a", "s2-b", "s3-a", "s3-b", "c0-a")) {
            ports.put(replica, freePort());
        }
        upstreamPort = freePort();
        statsdPort = freeUdpPort();
        jmxPort = freePort();
        catalog = work.resolve("catalog.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + catalog); Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE shards (shard TEXT PRIMARY KEY, terms INTEGER)");
        }
        Path config = work.resolve("ambassador.json");
        writeConfig(config, List.of("s0", "s1", "s2"), false);
        Path adapterConfig = work.resolve("adapter.json");
        writeAdapterConfig(adapterConfig);
        SidecarProcess.Builder builder = SidecarProcess.run("ambassador", "adapter").jvmArgs("-Xmx96m", "-XX:+UseSerialGC")
                .args("--ambassador-config", config.toString(), "--ambassador-reload-interval", "200ms",
                        "--adapter-config", adapterConfig.toString());
        if (sidecarJar != null) {
            builder.jar(sidecarJar);
        }
        try (SidecarProcess sidecar = builder.start()) {
            say("ambassador sidecar %s (pid %d, log %s); the app calls http://127.0.0.1:%d/terms?term=T", sidecar.baseUrl(), sidecar.pid(),
                    sidecar.logFile(), upstreamPort);
            try {
                return run(sidecar, config, keys, t0);
            } finally {
                services.values().forEach(s -> s.quit(Duration.ofSeconds(5)));
            }
        }
    }

    private int run(SidecarProcess sidecar, Path config, List<String> keys, long t0) throws Exception {
        Map<String, String> owner = new HashMap<>();
        Map<String, List<String>> byShard = new TreeMap<>();
        for (String key : keys) {
            String shard = management(sidecar, "/v1/ambassador/upstreams/" + UPSTREAM + "/owner?key=" + encode(key)).path("stable").asText();
            owner.put(key, shard);
            byShard.computeIfAbsent(shard, s -> new ArrayList<>()).add(key);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + catalog);
             PreparedStatement insert = c.prepareStatement("INSERT INTO shards VALUES (?, ?)")) {
            for (Map.Entry<String, List<String>> shard : byShard.entrySet()) {
                insert.setString(1, shard.getKey());
                insert.setInt(2, shard.getValue().size());
                insert.executeUpdate();
            }
        }
        for (String replica : ports.keySet()) {
            String shard = replica.substring(0, replica.indexOf('-'));
            // s3 (the shard added in part d) and the canary c0 are loaded with every term, as a shard warmed before it takes traffic.
            startService(replica, shard, byShard.getOrDefault(shard, keys));
        }
        events.await("every term service to load its terms", e -> e.is("READY"), ports.size(), Duration.ofMinutes(2));
        poll("the adapter to see every replica of s0 to s2 ready", Duration.ofSeconds(30), () -> adapterReady(sidecar).statusCode() == 200);
        say("%d term-service processes ready (%s); terms per shard %s", ports.size(), String.join(", ", ports.keySet()),
                byShard.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().size()).toList());

        List<Part> parts = new ArrayList<>();
        parts.add(partA(keys, owner, byShard));
        parts.add(partStraggler(byShard.get("s2")));
        parts.add(partB(sidecar, byShard.get("s1")));
        parts.add(partC(sidecar, config, keys));
        parts.add(partD(sidecar, config, keys, owner));
        parts.add(partMetrics(sidecar, byShard));
        parts.add(partLogs(sidecar));
        String retries = scrape(sidecar, "patternkit_ambassador_retries_total");
        String hedges = scrape(sidecar, "patternkit_ambassador_hedges");
        boolean ok = parts.stream().allMatch(Part::ok);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("terms", index.entries().size());
        summary.put("keys", keys.size());
        summary.put("parts", parts);
        summary.put("retries", retries);
        summary.put("hedges", hedges);
        summary.put("totalMs", (System.nanoTime() - t0) / 1_000_000);
        summary.put("ok", ok);
        json.enable(SerializationFeature.INDENT_OUTPUT).writeValue(work.resolve("summary.json").toFile(), summary);
        say("retries by the ambassador: %s", retries.isEmpty() ? "none" : retries);
        say("hedges by the ambassador: %s", hedges.isEmpty() ? "none" : hedges);
        say("%s in %d ms (summary %s)", ok ? "ALL CHECKS PASSED" : "A CHECK FAILED", summary.get("totalMs"), work.resolve("summary.json"));
        return ok ? 0 : 1;
    }

    /** (a) Every term answered by its owning shard, with the right files; both replicas of each shard used. */
    private Part partA(List<String> keys, Map<String, String> owner, Map<String, List<String>> byShard) throws Exception {
        long start = System.nanoTime();
        Map<String, Set<String>> replicas = new TreeMap<>();
        int wrong = 0;
        for (String key : keys) {
            Lookup answer = lookup(key);
            if (!answer.correct || !answer.shard.equals(owner.get(key))) {
                wrong++;
            }
            replicas.computeIfAbsent(answer.shard, s -> new TreeSet<>()).add(answer.replica);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        boolean bothUsed = replicas.keySet().equals(Set.of("s0", "s1", "s2")) && replicas.values().stream().allMatch(r -> r.size() == 2);
        Map<String, Object> shares = new TreeMap<>();
        byShard.forEach((shard, ks) -> shares.put(shard, Math.round(percent(ks.size(), keys.size()) * 10) / 10.0));
        say("(a) %d lookups in %d ms (%.2f ms each): %d wrong; shares in %% %s; replicas used %s", keys.size(), ms, ms / (double) keys.size(),
                wrong, shares, replicas);
        return new Part("a: routed by key", wrong == 0 && bothUsed, Map.of("lookups", keys.size(), "wrong", wrong, "ms", ms,
                "shares", shares, "replicasUsed", replicas));
    }

    /** (s) A straggling replica: its slow lookups are rescued by hedges to the other replica. */
    private Part partStraggler(List<String> shardKeys) throws Exception {
        AppProcess straggler = services.get("s2-a");
        straggler.send("slow " + slow.toMillis() + " 10");
        events.await("s2-a to straggle", e -> e.is("MODE") && e.app().equals("s2-a"), 1, Duration.ofSeconds(10));
        int wrong = 0;
        long slowest = 0;
        List<Long> latencies = new ArrayList<>();
        for (String key : shardKeys) {
            long start = System.nanoTime();
            Lookup answer = lookup(key);
            long ms = (System.nanoTime() - start) / 1_000_000;
            latencies.add(ms);
            slowest = Math.max(slowest, ms);
            wrong += answer.correct ? 0 : 1;
        }
        straggler.send("fast");
        int calledOff = events.matching(e -> e.is("CALLED_OFF") && e.app().equals("s2-a")).size();
        latencies.sort(null);
        long p99 = latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1);
        say("(s) s2-a straggles (every 10th lookup waits %d ms): %d lookups of s2's terms, %d wrong, p99 %d ms, slowest %d ms;"
                + " %d slow lookups called off by a hedge", slow.toMillis(), shardKeys.size(), wrong, p99, slowest, calledOff);
        return new Part("s: a straggler hedged", wrong == 0 && slowest < slow.toMillis() && calledOff > 0,
                Map.of("lookups", shardKeys.size(), "wrong", wrong, "p99Ms", p99, "slowestMs", slowest, "slowMs", slow.toMillis(),
                        "calledOffByHedge", calledOff));
    }

    /** (b) kill -9 of one replica: its shard keeps answering from the sibling, and the dead one is ejected. */
    private Part partB(SidecarProcess sidecar, List<String> shardKeys) throws Exception {
        services.get("s1-a").kill();
        say("(b) kill -9 of replica s1-a");
        int failed = 0;
        int fromSibling = 0;
        for (String key : shardKeys) {
            Lookup answer = lookup(key);
            failed += answer.correct ? 0 : 1;
            fromSibling += answer.replica.equals("s1-b") ? 1 : 0;
        }
        String state = endpointState(sidecar, "s1", ports.get("s1-a"));
        say("    %d lookups of s1's terms: %d failed, %d answered by s1-b; s1-a's circuit is %s", shardKeys.size(), failed, fromSibling, state);
        poll("the adapter to report s1-a not ready", Duration.ofSeconds(30), () -> adapterReady(sidecar).statusCode() == 503);
        JsonNode problem = json.readTree(adapterReady(sidecar).body());
        List<String> named = new ArrayList<>();
        problem.path("errors").forEach(e -> named.add(e.path("field").asText()));
        say("    the adapter's readiness: 503 %s naming %s (%s)", problem.path("type").asText(), named, problem.path("detail").asText());
        return new Part("b: a killed replica", failed == 0 && fromSibling == shardKeys.size() && state.equals("open")
                && named.equals(List.of("s1-a")), Map.of("lookups", shardKeys.size(), "failed", failed, "answeredBySibling", fromSibling,
                "killedReplicaState", state, "adapterNamed", named));
    }

    /** (c) A canary given 10 % by a reload takes 10 % of the lookups, within four standard deviations. */
    private Part partC(SidecarProcess sidecar, Path config, List<String> keys) throws Exception {
        writeConfig(config, List.of("s0", "s1", "s2"), true);
        poll("the ambassador to reload with the canary", Duration.ofSeconds(20),
                () -> management(sidecar, "/v1/ambassador/upstreams/" + UPSTREAM).path("versions").size() == 2);
        int toCanary = 0;
        int wrong = 0;
        for (String key : keys) {
            Lookup answer = lookup(key);
            wrong += answer.correct ? 0 : 1;
            toCanary += answer.version.equals("canary") ? 1 : 0;
        }
        double expected = keys.size() * CANARY_PERCENT / 100;
        double sigma = Math.sqrt(keys.size() * CANARY_PERCENT / 100 * (1 - CANARY_PERCENT / 100));
        boolean within = Math.abs(toCanary - expected) <= 4 * sigma;
        say("(c) canary at %.0f%% after a reload: %d of %d lookups (%.2f%%; expected %.0f +- %.0f at 4 sigma), %d wrong",
                CANARY_PERCENT, toCanary, keys.size(), percent(toCanary, keys.size()), expected, 4 * sigma, wrong);
        return new Part("c: canary share", within && wrong == 0, Map.of("lookups", keys.size(), "toCanary", toCanary,
                "percent", percent(toCanary, keys.size()), "fourSigma", 4 * sigma, "wrong", wrong));
    }

    /** (d) A fourth shard added by a reload takes about a quarter of the terms, every moved term moving to it. */
    private Part partD(SidecarProcess sidecar, Path config, List<String> keys, Map<String, String> owner) throws Exception {
        writeConfig(config, List.of("s0", "s1", "s2", "s3"), false);
        poll("the ambassador to reload with four shards", Duration.ofSeconds(20), () -> {
            JsonNode versions = management(sidecar, "/v1/ambassador/upstreams/" + UPSTREAM).path("versions");
            return versions.size() == 1 && versions.path(0).path("shards").size() == 4;
        });
        int moved = 0;
        int movedElsewhere = 0;
        int wrong = 0;
        for (String key : keys) {
            Lookup answer = lookup(key);
            wrong += answer.correct ? 0 : 1;
            if (!answer.shard.equals(owner.get(key))) {
                moved++;
                movedElsewhere += answer.shard.equals("s3") ? 0 : 1;
            }
        }
        double share = percent(moved, keys.size());
        say("(d) a fourth shard after a reload: %d of %d terms moved (%.1f%%, ideal 25%%), %d of them to a shard other than s3, %d wrong",
                moved, keys.size(), share, movedElsewhere, wrong);
        return new Part("d: a fourth shard", share >= 18 && share <= 32 && movedElsewhere == 0 && wrong == 0,
                Map.of("lookups", keys.size(), "moved", moved, "percentMoved", share, "movedElsewhere", movedElsewhere, "wrong", wrong));
    }

    /**
     * (m) The adapter's metrics: the term services' statsd lines and the catalog database's rows, as
     * Prometheus series at the sidecar's {@code /metrics}.
     */
    private Part partMetrics(SidecarProcess sidecar, Map<String, List<String>> byShard) throws Exception {
        Map<String, Object> catalogSeen = new TreeMap<>();
        double[] counted = {0};
        double[] hedges = {0};
        String[] jmxSeen = {""};
        String[] scraped = {""};
        String[] postgresSeen = {""};
        poll("the adapter's series to settle", Duration.ofSeconds(20), () -> {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(sidecar.baseUrl() + "/metrics")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            counted[0] = metrics.lines().filter(l -> l.startsWith("termservice_lookups_total{") && l.contains("found=\"true\""))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            jmxSeen[0] = String.join("; ", metrics.lines().filter(l -> l.startsWith("termservice_threads{")
                    || l.startsWith("termservice_heap_used_bytes{")).toList());
            scraped[0] = String.join("; ", metrics.lines().filter(l -> l.startsWith("termservice_requests_total{")
                    || l.startsWith("termstats_")).toList());
            postgresSeen[0] = String.join("; ", metrics.lines().filter(l -> l.startsWith("pg_database_")).toList());
            hedges[0] = metrics.lines().filter(l -> l.startsWith("patternkit_ambassador_hedges_total{"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            catalogSeen.clear();
            metrics.lines().filter(l -> l.startsWith("catalog_terms{")).forEach(l ->
                    catalogSeen.put(l.substring(l.indexOf("shard=\"") + 7, l.indexOf('"', l.indexOf("shard=\"") + 7)),
                            (int) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))));
            return counted[0] >= answered && jmxSeen[0].contains("termservice_threads") && scraped[0].contains("termstats_terms")
                    && (postgres == null || postgresSeen[0].contains("pg_database_commits{"));
        });
        Map<String, Object> expectedCatalog = new TreeMap<>();
        byShard.forEach((shard, ks) -> expectedCatalog.put(shard, ks.size()));
        long statsd = Math.round(counted[0]);
        long extra = statsd - answered;
        // A hedge's loser may finish its lookup too, so the services may count up to one more per hedge; never fewer.
        boolean accounted = extra >= 0 && extra <= Math.round(hedges[0]);
        say("(m) the adapter's metrics: statsd counted %d found lookups for the %d the demo was answered (%d more, of %d hedges);"
                + " SQL gauges catalog_terms %s; JMX of %s: %s; s0-a's own endpoints relabelled: %s", statsd, answered, extra,
                Math.round(hedges[0]), catalogSeen, JMX_REPLICA, jmxSeen[0], scraped[0]);
        boolean jmx = jmxSeen[0].contains("termservice_threads{") && jmxSeen[0].contains("termservice_heap_used_bytes{");
        // s0-a holds s0's terms: its JSON page's count, relabelled, must say so; its Prometheus counter must have counted lookups.
        boolean relabelled = scraped[0].contains("termstats_terms{replica=\"s0-a\"} " + (double) byShard.get("s0").size())
                && scraped[0].contains("termservice_requests_total{found=\"true\",replica=\"s0-a\"}")
                && scraped[0].contains("termstats_lookups_total{replica=\"s0-a\"}");
        String postgresCheck = "not asked (no --postgres)";
        if (postgres != null) {
            postgresCheck = "unknown";
            for (JsonNode check : management(sidecar, "/v1/adapter/checks").path("checks")) {
                if (check.path("name").asText().equals("postgres")) {
                    postgresCheck = check.path("status").asText();
                }
            }
            say("    the adapter in front of PostgreSQL: check postgres (SELECT 1) %s; %s", postgresCheck, postgresSeen[0]);
        }
        boolean postgresOk = postgres == null || postgresCheck.equals("passing") && postgresSeen[0].contains("pg_database_backends{");
        return new Part("m: adapted metrics", accounted && catalogSeen.equals(expectedCatalog) && jmx && relabelled && postgresOk,
                Map.of("answered", answered, "countedByStatsd", statsd, "hedges", Math.round(hedges[0]), "catalog", catalogSeen,
                        "jmx", jmxSeen[0], "scraped", scraped[0], "postgresCheck", postgresCheck, "postgres", postgresSeen[0]));
    }

    /**
     * (l) The adapter's logs: a stack trace from one replica's stdout as one WARN record; then, with
     * every term service stopped, each replica's access log, rolled over by rename every 500 lines,
     * read whole: the adapter's parsed records per replica equal the lines in its files on disk, with
     * one rename seen per rolled file and no line unparsed or malformed.
     */
    private Part partLogs(SidecarProcess sidecar) throws Exception {
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get("s0-a") + "/terms"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode[] trace = {null};
        poll("the stack trace of s0-a as one record", Duration.ofSeconds(20), () -> {
            for (JsonNode r : management(sidecar, "/v1/adapter/logs?source=app-s0-a&level=warn").path("records")) {
                if (r.path("message").asText().contains("IllegalArgumentException")) {
                    trace[0] = r;
                }
            }
            return trace[0] != null;
        });
        String message = trace[0].path("message").asText();
        boolean oneRecord = refused.statusCode() == 400 && message.contains("\n\tat ") && trace[0].path("level").asText().equals("WARN");
        say("(l) a lookup without a term: %d; s0-a's stack trace read as one %s record of %d lines", refused.statusCode(),
                trace[0].path("level").asText(), message.split("\n").length);

        services.values().forEach(s -> s.quit(Duration.ofSeconds(5))); // every access line is written; the adapter reads on
        Map<String, Long> onDisk = new TreeMap<>();
        Map<String, Long> rolled = new TreeMap<>();
        try (var files = Files.list(work.resolve("logs"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("access-")).toList()) {
                String name = f.getFileName().toString();
                String replica = name.substring("access-".length(), name.indexOf(".log"));
                try (var lines = Files.lines(f)) {
                    onDisk.merge(replica, lines.count(), Long::sum);
                }
                rolled.merge(replica, name.endsWith(".log") ? 0L : 1L, Long::sum);
            }
        }
        Map<String, Long> read = new TreeMap<>();
        Map<String, Long> renames = new TreeMap<>();
        double[] bad = {0};
        poll("the adapter to read every access line", Duration.ofSeconds(30), () -> {
            String metrics = scrape(sidecar, "patternkit_adapter_log_");
            read.clear();
            renames.clear();
            bad[0] = 0;
            for (String line : metrics.split("; ")) {
                String source = between(line, "source=\"", "\"");
                double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                if (line.startsWith("patternkit_adapter_log_records_total") && source.startsWith("access-")) {
                    if (line.contains("outcome=\"parsed\"")) {
                        read.put(source.substring("access-".length()), (long) value);
                    } else {
                        bad[0] += value;
                    }
                } else if (line.startsWith("patternkit_adapter_log_rotations_total") && line.contains("kind=\"renamed\"")
                        && source.startsWith("access-")) {
                    renames.put(source.substring("access-".length()), (long) value);
                }
            }
            return read.equals(onDisk);
        });
        long lines = onDisk.values().stream().mapToLong(Long::longValue).sum();
        say("    every term service stopped: %d access lines on disk in %d files, %d read by the adapter as records, %d unparsed or"
                + " malformed; renames seen %s of %s rolled files", lines, onDisk.size() + rolled.values().stream().mapToLong(Long::longValue)
                .sum(), read.values().stream().mapToLong(Long::longValue).sum(), Math.round(bad[0]), renames, rolled);
        return new Part("l: adapted logs", oneRecord && read.equals(onDisk) && renames.equals(rolled) && bad[0] == 0,
                Map.of("accessLines", lines, "read", read, "renamesSeen", renames, "rolledFiles", rolled,
                        "stackTraceLines", message.split("\n").length));
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        return from < 0 ? "" : text.substring(from + start.length(), text.indexOf(end, from + start.length()));
    }

    /** One lookup through the ambassador, as the app's own HTTP client makes it. */
    private record Lookup(boolean correct, String shard, String replica, String version) {
    }

    private Lookup lookup(String key) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + upstreamPort + "/terms?term=" + encode(key))).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        boolean correct = false;
        if (response.statusCode() == 200) {
            answered++;
            JsonNode body = json.readTree(response.body());
            TermIndex.Entry expected = index.entries().get(key);
            correct = body.path("count").asInt() == expected.count()
                    && json.convertValue(body.path("files"), List.class).equals(expected.files());
        }
        return new Lookup(correct, response.headers().firstValue("Shard").orElse("none"),
                response.headers().firstValue("Replica").orElse("none"),
                response.headers().firstValue("Patternkit-Version").orElse("none"));
    }

    private void startService(String replica, String shard, List<String> terms) throws IOException {
        Path file = work.resolve(replica + ".tsv");
        index.save(file, terms);
        List<String> jvm = new ArrayList<>(JVM);
        if (replica.equals(JMX_REPLICA)) { // the JVM that speaks only JMX: its metrics reach /metrics through the adapter
            jvm.addAll(List.of("-Dcom.sun.management.jmxremote.port=" + jmxPort, "-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort,
                    "-Dcom.sun.management.jmxremote.host=127.0.0.1", "-Djava.rmi.server.hostname=127.0.0.1",
                    "-Dcom.sun.management.jmxremote.authenticate=false", "-Dcom.sun.management.jmxremote.ssl=false"));
        }
        List<String> command = AppProcess.javaMain(jvm, TermService.class, List.of("--index", file.toString(),
                "--shard", shard, "--replica", replica, "--port", Integer.toString(ports.get(replica)),
                "--statsd", "127.0.0.1:" + statsdPort, "--access-log", work.resolve("logs").resolve("access-" + replica + ".log").toString()));
        services.put(replica, AppProcess.start(replica, command, Map.of(), work.resolve("logs").resolve(replica + ".log"), events));
    }

    /** Writes the ambassador's config atomically (the sidecar re-reads it when it changes). */
    private void writeConfig(Path file, List<String> shards, boolean canary) throws IOException {
        Map<String, Object> upstream = new LinkedHashMap<>();
        upstream.put("name", UPSTREAM);
        upstream.put("port", upstreamPort);
        upstream.put("shardKey", "query:term");
        upstream.put("shards", shards.stream().map(this::shard).toList());
        if (canary) {
            upstream.put("canary", Map.of("percent", CANARY_PERCENT, "shards", List.of(shard("c0"))));
        }
        upstream.put("tryTimeout", "5s");
        upstream.put("timeout", "10s");
        // Hedge after the p99 of recent lookups (at least 20 ms, at most 200 ms), within 15 % extra load.
        upstream.put("hedging", Map.of("percentile", 99, "minDelay", "20ms", "maxDelay", "200ms", "maxExtraLoadPercent", 15));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        json.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), Map.of("upstreams", List.of(upstream)));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The adapter's config: a readiness check per replica of the first three shards (GET /terms of a
     * term no shard holds: 404), the term services' statsd lines, the catalog database as gauges, and
     * the services' logs.
     */
    private void writeAdapterConfig(Path file) throws IOException {
        List<Map<String, Object>> checks = new ArrayList<>();
        for (String replica : List.of("s0-a", "s0-b", "s1-a", "s1-b", "s2-a", "s2-b")) {
            checks.add(Map.of("name", replica, "probe", "ready", "interval", "500ms", "timeout", "400ms", "failureThreshold", 2,
                    "http", Map.of("url", "http://127.0.0.1:" + ports.get(replica) + "/terms?term=zz-probe", "expectStatus", List.of(404))));
        }
        Map<String, Object> sql = Map.of("name", "catalog", "jdbc", Map.of("url", "jdbc:sqlite:" + catalog),
                "query", "SELECT shard, terms FROM shards", "labels", List.of("shard"), "values", List.of("terms"), "interval", "1s",
                "timeout", "1s");
        // The JMX exporter's own config format, inline: one replica's live threads and heap.
        Map<String, Object> jmx = Map.of("config", Map.of(
                "jmxUrl", "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi",
                "includeObjectNames", List.of("java.lang:type=Threading", "java.lang:type=Memory"),
                "rules", List.of(
                        Map.of("pattern", "java.lang<type=Threading><>ThreadCount", "name", "termservice_threads", "type", "GAUGE",
                                "labels", Map.of("replica", JMX_REPLICA)),
                        Map.of("pattern", "java.lang<type=Memory><HeapMemoryUsage>used", "name", "termservice_heap_used_bytes",
                                "type", "GAUGE", "labels", Map.of("replica", JMX_REPLICA)))));
        // Every replica's access log (combined, rolled over by rename) and s0-a's stdout (text, with a stack trace).
        List<Map<String, Object>> sources = new ArrayList<>();
        for (String replica : ports.keySet()) {
            sources.add(Map.of("name", "access-" + replica, "file", work.resolve("logs").resolve("access-" + replica + ".log").toString(),
                    "format", "combined"));
        }
        sources.add(Map.of("name", "app-s0-a", "file", work.resolve("logs").resolve("s0-a.log").toString(), "format", "text"));
        // s0-a's own numbers: its Prometheus endpoint (only its request counter kept) and its JSON status page, relabelled.
        String s0a = "http://127.0.0.1:" + ports.get("s0-a");
        List<Map<String, Object>> scrapes = List.of(
                Map.of("name", "termservice", "url", s0a + "/patternkit/metrics", "keep", "termservice_requests_total", "prefix", "",
                        "labels", Map.of("replica", "s0-a")),
                Map.of("name", "termstats", "url", s0a + "/stats", "format", "json", "labels", Map.of("replica", "s0-a"), "values", List.of(
                        Map.of("pointer", "/lookups/total", "name", "lookups", "type", "counter"),
                        Map.of("pointer", "/terms", "name", "terms"))));
        List<Map<String, Object>> sqlMetrics = new ArrayList<>(List.of(sql));
        if (postgres != null) { // the book's example: an off-the-shelf database given health and metrics by its adapter
            checks.add(Map.of("name", "postgres", "probe", "ready", "interval", "500ms", "timeout", "400ms",
                    "jdbc", Map.of("url", postgres, "query", "SELECT 1")));
            sqlMetrics.add(Map.of("name", "pg_database", "jdbc", Map.of("url", postgres), "interval", "1s", "timeout", "1s",
                    "query", "SELECT datname, numbackends AS backends, xact_commit AS commits FROM pg_stat_database"
                            + " WHERE datname = current_database()", "labels", List.of("datname"), "values", List.of("backends", "commits")));
        }
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), Map.of("checks", checks, "sqlMetrics", sqlMetrics,
                "statsd", Map.of("port", statsdPort), "jmx", jmx, "scrapes", scrapes,
                "logs", Map.of("sources", sources, "stdout", false)));
    }

    private HttpResponse<String> adapterReady(SidecarProcess sidecar) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(sidecar.baseUrl() + "/adapter/healthz/ready")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, Object> shard(String name) {
        return Map.of("name", name, "endpoints", ports.keySet().stream().filter(r -> r.startsWith(name + "-"))
                .map(r -> "http://127.0.0.1:" + ports.get(r)).toList());
    }

    private String endpointState(SidecarProcess sidecar, String shard, int port) throws Exception {
        for (JsonNode s : management(sidecar, "/v1/ambassador/upstreams/" + UPSTREAM).path("versions").path(0).path("shards")) {
            for (JsonNode endpoint : s.path("endpoints")) {
                if (s.path("name").asText().equals(shard) && endpoint.path("url").asText().endsWith(":" + port)) {
                    return endpoint.path("state").asText();
                }
            }
        }
        return "unknown";
    }

    private JsonNode management(SidecarProcess sidecar, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(sidecar.baseUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + ": " + response.statusCode() + " " + response.body());
        }
        return json.readTree(response.body());
    }

    private String scrape(SidecarProcess sidecar, String metric) throws IOException, InterruptedException {
        String body = http.send(HttpRequest.newBuilder(URI.create(sidecar.baseUrl() + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return String.join("; ", body.lines().filter(l -> l.startsWith(metric)).toList());
    }

    private static String encode(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    private static double percent(int part, int whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * A loopback port free now, below the kernel's ephemeral range (Linux: {@code ip_local_port_range}, 32768 and up by
     * default), and not handed out before in this run. The services learn their ports before they start, since the
     * ambassador's config names them; a port from the ephemeral range could meanwhile become the local end of any
     * outgoing connection on the machine (the demo's own calls to the sidecar among them), and a term service then
     * failed to bind it.
     */
    private static int freePort() throws IOException {
        int span = EPHEMERAL_LOW - PORTS_LOW;
        int start = ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int port = PORTS_LOW + (start + i) % span;
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                HANDED_OUT.add(port);
                return socket.getLocalPort();
            } catch (IOException taken) {
                // in use: try the next one
            }
        }
        throw new IOException("no free loopback port between " + PORTS_LOW + " and " + (EPHEMERAL_LOW - 1));
    }
}
