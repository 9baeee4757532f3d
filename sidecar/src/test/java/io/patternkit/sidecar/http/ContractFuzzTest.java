package io.patternkit.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.patternkit.protocol.contract.ContractArbitraries;
import io.patternkit.protocol.contract.ContractFuzzKit;
import io.patternkit.sidecar.adapter.AdapterConfig;
import io.patternkit.sidecar.adapter.AdapterModule;
import io.patternkit.sidecar.ambassador.AmbassadorConfig;
import io.patternkit.sidecar.ambassador.AmbassadorModule;
import io.patternkit.sidecar.ambassador.AmbassadorSettings;
import io.patternkit.sidecar.ambassador.UpstreamSpec;
import io.patternkit.sidecar.checkpoint.CheckpointModule;
import io.patternkit.sidecar.common.JsonFields;
import io.patternkit.sidecar.common.Ticker;
import io.patternkit.sidecar.engine.sqlite.SqliteEngines;
import io.patternkit.sidecar.host.SidecarHost;
import io.patternkit.sidecar.leader.LeaderModule;
import io.patternkit.sidecar.leader.LeaderSettings;
import io.patternkit.sidecar.leader.LeaderTiming;
import io.patternkit.sidecar.scale.ScaleModule;
import io.patternkit.sidecar.scale.ScaleSettings;
import io.patternkit.sidecar.scatter.LeafTls;
import io.patternkit.sidecar.scatter.ScatterEngine;
import io.patternkit.sidecar.scatter.ScatterModule;
import io.patternkit.sidecar.scatter.ScatterSettings;
import io.patternkit.sidecar.workqueue.WorkQueueModule;
import io.patternkit.sidecar.workqueue.WorkQueueSettings;
import io.swagger.v3.oas.models.PathItem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The contract fuzzing kit ({@link ContractFuzzKit}) against the sidecar: one in-process sidecar with every
 * pattern that serves its own operations (work queue, leader election, checkpoints, scatter/gather, health and
 * metrics) on SQLite, and the management routes of the ambassador (one upstream) and the adapter (one log
 * source); what the ambassador proxies is the app's own protocol, with its own tests. About 1,300 requests in 8 s. Also: what is enqueued is claimed back byte for byte,
 * whatever the JSON's spacing, escapes, number forms or characters. Header bytes a Java client cannot send
 * are in {@code SidecarHostTest}.
 */
class ContractFuzzTest extends ContractFuzzKit {
    private static Path dir;
    private static SidecarHost sidecar;
    private static HttpHarness http;

    @BeforeContainer
    static void start() throws IOException {
        dir = Files.createTempDirectory("contract-fuzz-");
        WorkQueueSettings queue = new WorkQueueSettings(1024, Duration.ofSeconds(1), Duration.ofMinutes(5),
                Duration.ofMinutes(5), 5, Optional.empty());
        ScatterSettings scatter = new ScatterSettings(4096, Duration.ofSeconds(1), List.of(), List.of(),
                Duration.ofSeconds(5), 16, Duration.ofSeconds(2), new ScatterEngine.Settings(Duration.ofSeconds(30), 6, 20, 10),
                LeafTls.DEFAULT);
        sidecar = SidecarHost.start(HttpHarness.host(), SqliteEngines.onMachineClock(dir), List.of(
                new WorkQueueModule(queue), new LeaderModule(new LeaderSettings(LeaderTiming.DEFAULT, "fuzz", Optional.empty())),
                new CheckpointModule(), new ScatterModule(scatter), new ScaleModule(new ScaleSettings(Optional.empty(), 1,
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())),
                new AmbassadorModule(new AmbassadorSettings(new AmbassadorConfig(List.of(UpstreamSpec.parse("orders=0:http://127.0.0.1:9"))), Optional.empty(), List.of(), Duration.ofSeconds(1), Duration.ofSeconds(1),
                        Optional.empty())),
                new AdapterModule(AdapterConfig.load(Files.writeString(dir.resolve("adapter.json"), "{\"logs\": {\"sources\": [{\"name\":"
                        + " \"app\", \"file\": \"" + Files.writeString(dir.resolve("app.log"), "level=info msg=hello\n")
                        + "\", \"format\": \"logfmt\", \"fromStart\": true}]}}")), Map.<String, String>of()::get)), Ticker.system());
        http = new HttpHarness(sidecar.port());
    }

    @AfterContainer
    static void stop() throws IOException {
        sidecar.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Override
    protected int port() {
        return sidecar.port();
    }

    @Override
    protected String token() {
        return HttpHarness.TOKEN;
    }

    @Override
    protected int bodyCap() {
        return 64 * 1024; // HttpHarness.host()
    }

    @Override
    protected Set<String> openRoutes() {
        return Set.of("/healthz/live", "/healthz/ready", "/metrics", "/adapter/healthz/{probe}");
    }

    /** "Replicate yourself" is off here (no --scale-max): a valid request to it is answered 501, as documented. */
    @Override
    protected Map<String, Set<Integer>> documentedServerErrors() {
        return Map.of("/v1/scale", Set.of(501));
    }

    /** The sidecar's own paths (the ambassador's and the adapter's management routes among them), not an app's. */
    @Override
    protected boolean serves(String template, PathItem item) {
        return item.getServers() == null || item.getServers().isEmpty();
    }

    @Property(tries = 300)
    void whatIsEnqueuedIsClaimedBackByteForByte(@ForAll("jsonTexts") String payload) {
        String queue = "rt-" + UUID.randomUUID();
        HttpHarness.Reply enqueued = http.call("POST", "/v1/queues/" + queue + "/items", "{\"payload\": " + payload + " }");
        assertThat(enqueued.status()).as("%s -> %s", payload, enqueued.body()).isEqualTo(201);
        HttpHarness.Reply claimed = http.call("POST", "/v1/queues/" + queue + "/claim", "{\"max\":1}");
        assertThat(claimed.status()).isEqualTo(200);
        assertThat(JsonFields.rawValues(new tools.jackson.core.json.JsonFactory(), claimed.body().getBytes(StandardCharsets.UTF_8), "payload"))
                .as("stored and claimed as sent").containsEntry("items[0].payload", payload);
    }

    /** JSON texts with odd spacing, escapes, number forms and characters outside ASCII and the BMP. */
    @Provide
    Arbitrary<String> jsonTexts() {
        Arbitrary<String> string = ContractArbitraries.text(0, 8).map(s -> {
            StringBuilder b = new StringBuilder("\"");
            s.codePoints().forEach(cp -> {
                if (cp == '"' || cp == '\\') {
                    b.append('\\').appendCodePoint(cp);
                } else if (cp < 0x20) {
                    b.append(String.format("\\u%04x", cp));
                } else if (cp == 'é') {
                    b.append("\\u00E9"); // an escape the server must keep as written
                } else {
                    b.appendCodePoint(cp);
                }
            });
            return b.append('"').toString();
        });
        Arbitrary<String> number = Arbitraries.of("0", "-0", "1E+2", "1e-7", "0.10", "-12.5e3", "123456789012345678901234567890",
                "3.141592653589793238462643383279");
        Arbitrary<String> scalar = Arbitraries.oneOf(string, number, Arbitraries.of("true", "false", "null"));
        Arbitrary<String> space = Arbitraries.of("", " ", "\n", "\t ", "  \r\n");
        Arbitrary<String> array = Combinators.combine(scalar.list().ofMaxSize(3), space)
                .as((items, sp) -> "[" + sp + String.join("," + sp, items) + sp + "]");
        Arbitrary<String> object = Combinators.combine(Combinators.combine(string, Arbitraries.oneOf(scalar, array))
                        .as((k, v) -> k + ":" + v).list().ofMaxSize(3), space)
                .as((members, sp) -> "{" + sp + String.join("," + sp, members) + sp + "}");
        return Arbitraries.oneOf(scalar, array, object);
    }
}
