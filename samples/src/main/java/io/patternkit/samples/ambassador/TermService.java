package io.patternkit.samples.ambassador;

import io.patternkit.management.ManagementResponse;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.patternkit.management.ManagementServer;
import io.patternkit.management.MetricsEndpoint;
import io.patternkit.protocol.ProblemType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One replica of one shard of the small term service behind the ambassador: it holds only its
 * shard's terms ({@link TermIndex} file) and answers {@code GET /terms?term=T} with the term's files,
 * 404 for a term it does not hold, naming itself in the {@code Replica} and {@code Shard} headers.
 * For the demo it can play a straggler: {@code slow MS EVERY} on stdin makes every EVERY-th lookup
 * wait that long first (giving up as soon as the caller closes the connection: a hedge won),
 * {@code fast} ends it. With {@code --statsd} it reports each lookup as a statsd counter line, as an
 * app that knows nothing of Prometheus does; the adapter turns them into Prometheus series. With
 * {@code --access-log} it writes a combined-format access log rolled over by rename; a lookup
 * without a term is logged on stdout with its stack trace; the adapter normalises both. Its own
 * counts are at {@code /patternkit/metrics} (Prometheus text) and {@code /stats} (JSON), which the
 * adapter reads and relabels.
 * Prints {@code EVENT READY ...}; {@code quit} or the end of stdin stops it.
 */
@Command(name = "term-service", mixinStandardHelpOptions = true, description = "Serves one shard of the term index.")
public final class TermService implements Callable<Integer> {
    @Option(names = "--index", required = true, description = "The shard's term file.")
    Path index;

    @Option(names = "--shard", required = true, description = "The shard's name.")
    String shard;

    @Option(names = "--replica", required = true, description = "This replica's name.")
    String replica;

    @Option(names = "--port", required = true, description = "The loopback port to serve on.")
    int port;

    @Option(names = "--statsd", paramLabel = "HOST:PORT",
            description = "Send a statsd counter line per lookup there (termservice.lookups, tagged replica, shard, found).")
    String statsd;

    @Option(names = "--access-log", paramLabel = "FILE",
            description = "Write a combined-format access log line per request there, rolled over by rename.")
    Path accessLog;

    @Option(names = "--rotate-every", defaultValue = "500", description = "Access log lines per file (default ${DEFAULT-VALUE}).")
    int rotateEvery;

    private volatile long slowMs;
    private volatile int slowEvery = 1;
    private final AtomicLong calls = new AtomicLong();

    /**
     * Runs the service until {@code quit} or the end of stdin.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new TermService()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        TermIndex terms = TermIndex.load(index);
        StatsdLines metrics = StatsdLines.to(statsd);
        AccessLog access = AccessLog.to(accessLog, rotateEvery);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicLong lookups = new AtomicLong();
        AtomicLong found = new AtomicLong();
        try (metrics; access; ManagementServer server = ManagementServer.builder().host("127.0.0.1").port(port).build().start()) {
            // Two ways apps export their own numbers, which the adapter reads and relabels: Prometheus text, and a JSON status page.
            MetricsEndpoint.mount(server, registry);
            server.mount("/stats", request -> ManagementResponse.jsonOf(200, Map.of("lookups", Map.of("total", lookups.get(),
                    "found", found.get()), "terms", terms.entries().size())));
            server.mount("/terms", request -> {
                long slow = slowMs;
                if (slow > 0 && calls.incrementAndGet() % slowEvery == 0) {
                    try {
                        request.whenClosed().toCompletableFuture().get(slow, TimeUnit.MILLISECONDS);
                        System.out.printf("EVENT CALLED_OFF replica=%s%n", replica);
                        return ManagementResponse.problem(ProblemType.DEADLINE_EXCEEDED, "called off"); // nobody reads it
                    } catch (TimeoutException e) {
                        // waited the whole straggle
                    }
                }
                if (request.query("term").isEmpty()) { // logged with its stack trace, as a service's pattern layout does
                    System.out.println(Instant.now() + " WARN [lookup] a lookup without a term was refused");
                    new IllegalArgumentException("the query has no term parameter").printStackTrace(System.out);
                    System.out.flush();
                    log(access, "/terms", 400);
                    return ManagementResponse.problem(ProblemType.INVALID_REQUEST, "give the term to look up: /terms?term=T");
                }
                String term = request.query("term").orElseThrow();
                TermIndex.Entry entry = terms.entries().get(term);
                registry.counter("termservice.requests", "found", Boolean.toString(entry != null)).increment();
                lookups.incrementAndGet();
                if (entry != null) {
                    found.incrementAndGet();
                }
                metrics.send("termservice.lookups:1|c|#replica:" + replica + ",shard:" + shard + ",found:" + (entry != null));
                ManagementResponse response;
                if (entry == null) {
                    response = ManagementResponse.problem(ProblemType.NOT_FOUND, "shard " + shard + " holds no term '" + term + "'");
                } else {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("term", term);
                    body.put("count", entry.count());
                    body.put("files", entry.files());
                    response = ManagementResponse.jsonOf(200, body);
                }
                log(access, "/terms?term=" + URLEncoder.encode(term, StandardCharsets.UTF_8), entry == null ? 404 : 200);
                return response.withHeader("Replica", replica).withHeader("Shard", shard);
            });
            System.out.printf("EVENT READY replica=%s shard=%s terms=%d url=%s%n", replica, shard, terms.entries().size(), server.baseUrl());
            System.out.flush();
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = stdin.readLine()) != null && !line.equals("quit")) {
                if (line.startsWith("slow ")) {
                    String[] words = line.trim().split("\\s+");
                    slowEvery = words.length > 2 ? Integer.parseInt(words[2]) : 1;
                    slowMs = Long.parseLong(words[1]);
                } else if (line.equals("fast")) {
                    slowMs = 0;
                }
                System.out.printf("EVENT MODE replica=%s slowMs=%d%n", replica, slowMs);
                System.out.flush();
            }
        }
        return 0;
    }

    private static void log(AccessLog access, String target, int status) {
        if (access != null) {
            access.write(target, status);
        }
    }
}
