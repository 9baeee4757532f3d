package io.patternkit.spring.scatter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patternkit.protocol.Wire;
import io.patternkit.scatter.LeafContext;
import io.patternkit.scatter.ScatterClient;
import io.patternkit.scatter.ScatterGather;
import io.patternkit.spring.autoconfigure.PatternkitLifecycleAutoConfiguration;
import io.patternkit.spring.autoconfigure.ScatterAutoConfiguration;
import io.patternkit.testing.InMemoryScatter;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class ScatterAutoConfigurationTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PatternkitLifecycleAutoConfiguration.class, ScatterAutoConfiguration.class))
            .withPropertyValues("patternkit.sidecar.url=http://127.0.0.1:7312");
    private final ApplicationContextRunner serving = runner.withPropertyValues("patternkit.scatter.leaf.register=false",
            "patternkit.scatter.server.host=127.0.0.1", "patternkit.scatter.server.port=0");

    /** The request the leaves get. */
    record Query(String text) {
    }

    static class Index {
        @ScatterLeafHandler(pool = "search", shard = "${index.shard}")
        Map<String, Object> search(LeafContext context, Query query) {
            return Map.of("hits", query.text().toUpperCase(), "shard", context.shard());
        }

        @ScatterLeafHandler(pool = "broken")
        String broken(Query query) throws IOException {
            throw new IOException("the index file is gone");
        }
    }

    static class SamePoolTwice {
        @ScatterLeafHandler(pool = "search", shard = "s1")
        String a(Query query) {
            return "a";
        }

        @ScatterLeafHandler(pool = "search", shard = "s1")
        String b(Query query) {
            return "b";
        }
    }

    static class BadPool {
        @ScatterLeafHandler(pool = "no spaces", shard = "s1")
        String a(Query query) {
            return "a";
        }
    }

    static class TwoRequests {
        @ScatterLeafHandler(pool = "search")
        String twice(Query a, Query b) {
            return "";
        }
    }

    private static HttpResponse<String> call(String url, String pool, String shard, String requestJson) throws Exception {
        String body = "{\"pool\":\"" + pool + "\",\"shard\":\"" + shard + "\",\"scatterId\":\"t1\",\"request\":" + requestJson + "}";
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header(Wire.HEADER_DEADLINE_MS, "5000").header(Wire.HEADER_SCATTER_ID, "t1").header(Wire.HEADER_ATTEMPT, "1")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aClientAppearsWithTheModuleAndBacksOffToTheApplicationsOwn() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(ScatterClient.class).hasSingleBean(ScatterStatus.class);
            assertThat(context.getBean(ScatterClient.class).config().baseUrl()).isEqualTo(URI.create("http://127.0.0.1:7312"));
            assertThat(context.getBean(ScatterLeafContainer.class).leaves()).isEmpty();
        });
        runner.withPropertyValues("patternkit.scatter.url=http://127.0.0.1:9312").run(context ->
                assertThat(context.getBean(ScatterClient.class).config().baseUrl()).isEqualTo(URI.create("http://127.0.0.1:9312")));
        runner.withBean(ScatterGather.class, InMemoryScatter::new).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(ScatterClient.class).hasSingleBean(ScatterGather.class));
        runner.withClassLoader(new FilteredClassLoader(ScatterClient.class)).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(ScatterLeafContainer.class));
    }

    @Test
    void annotatedMethodsAreServedAsLeavesUntilTheContextCloses() throws Exception {
        String[] url = new String[2];
        serving.withBean(Index.class).withPropertyValues("index.shard=s1", "patternkit.scatter.leaf.shard=s9").run(context -> {
            var leaves = context.getBean(ScatterLeafContainer.class).leaves();
            assertThat(leaves).extracting(l -> l.get("pool") + "/" + l.get("shard")).containsExactly("search/s1", "broken/s9");
            url[0] = (String) leaves.get(0).get("url");
            url[1] = (String) leaves.get(1).get("url");
            HttpResponse<String> answered = call(url[0], "search", "s1", "{\"text\":\"tail at scale\"}");
            assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
            assertThat(answered.body()).contains("\"hits\":\"TAIL AT SCALE\"").contains("\"shard\":\"s1\"");
            HttpResponse<String> failed = call(url[1], "broken", "s9", "{\"text\":\"x\"}");
            assertThat(failed.statusCode()).isEqualTo(500);
            assertThat(failed.body()).contains("leaf-failed").contains("IOException").doesNotContain("the index file is gone");
            assertThat(context.getBean(ScatterStatus.class).status(false)).containsKey("leaves");
        });
        assertThatThrownBy(() -> call(url[0], "search", "s1", "{\"text\":\"x\"}")).isInstanceOf(ConnectException.class); // the context closed the leaves' own server
    }

    @Test
    void withoutTheLifecycleTheLeavesLeaveOnAStopAndServeAgainOnAStart() throws Exception {
        serving.withBean(Index.class).withPropertyValues("index.shard=s1", "patternkit.scatter.leaf.shard=s9",
                "patternkit.lifecycle.enabled=false").run(context -> {
            ScatterLeafContainer container = context.getBean(ScatterLeafContainer.class);
            String before = (String) container.leaves().get(0).get("url");
            context.stop();
            assertThat(container.leaves()).isEmpty();
            assertThatThrownBy(() -> call(before, "search", "s1", "{\"text\":\"x\"}")).isInstanceOf(ConnectException.class);
            context.start();
            String after = (String) container.leaves().get(0).get("url");
            HttpResponse<String> answered = call(after, "search", "s1", "{\"text\":\"again\"}");
            assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
            assertThat(answered.body()).contains("\"hits\":\"AGAIN\"");
        });
    }

    @Test
    void aWrongMethodOrSettingFailsTheStartNamingIt() {
        serving.withBean(Index.class).run(context -> assertThat(context).hasFailed().getFailure()
                .hasStackTraceContaining("Index.search").hasStackTraceContaining("index.shard"));
        serving.withBean(Index.class).withPropertyValues("index.shard=s1").run(context -> assertThat(context).hasFailed()
                .getFailure().hasStackTraceContaining("Index.broken").hasStackTraceContaining("patternkit.scatter.leaf.shard"));
        serving.withBean(TwoRequests.class).withPropertyValues("patternkit.scatter.leaf.shard=s1").run(context ->
                assertThat(context).hasFailed().getFailure().hasStackTraceContaining("more than one request parameter"));
        serving.withBean(SamePoolTwice.class).run(context -> assertThat(context).hasFailed().getFailure()
                .hasStackTraceContaining("pool search is served by").hasStackTraceContaining("SamePoolTwice"));
        serving.withBean(BadPool.class).run(context -> assertThat(context).hasFailed().getFailure()
                .hasStackTraceContaining("BadPool.a: pool 'no spaces'"));
        serving.withPropertyValues("patternkit.scatter.leaf.ttl=500ms").run(context -> assertThat(context).hasFailed()
                .getFailure().hasStackTraceContaining("Property patternkit.scatter.leaf.ttl with value '500ms' is invalid: must be 1s to 300s"));
        serving.withBean(Index.class).withBean(ScatterGather.class, InMemoryScatter::new)
                .withPropertyValues("index.shard=s1", "patternkit.scatter.leaf.shard=s9").run(context -> assertThat(context)
                        .hasFailed().getFailure().hasStackTraceContaining("needs a ScatterClient bean"));
    }
}
