package io.patternkit.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patternkit.scatter.GatherResult;
import io.patternkit.scatter.LeafContext;
import io.patternkit.scatter.Merger;
import io.patternkit.scatter.ScatterClient;
import io.patternkit.scatter.ScatterGather;
import io.patternkit.spring.scatter.ScatterLeafHandler;
import io.patternkit.testing.Sidecar;
import io.patternkit.testing.SidecarProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Three Spring Boot applications with the starter, each serving one shard of a pool through a
 * {@link ScatterLeafHandler} method, registered with one real scatter sidecar process: a Spring MVC application and a
 * WebFlux one serve their leaf on their own web server (Tomcat, Reactor Netty), one without a web server on a
 * Patternkit management server. One context's {@link ScatterGather} bean scatters over them through that sidecar.
 * Closing one application takes its shard out of the pool (it leaves, it is not left to lapse).
 */
class SpringScatterSidecarIT {
    @Sidecar(patterns = "scatter")
    static SidecarProcess sidecar;
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    @AfterEach
    void closeTheApplications() {
        contexts.forEach(ConfigurableApplicationContext::close);
    }

    /** A count request. */
    public record Count(String word) {
    }

    /** One shard's count. */
    public record Counted(String shard, long count) {
    }

    /** One shard's words. */
    public static class Shard {
        @ScatterLeafHandler(pool = "words")
        Counted count(Count request, LeafContext context) {
            String text = switch (context.shard()) {
                case "s1" -> "to be or not to be";
                case "s2" -> "be quick";
                default -> "let it be be be";
            };
            return new Counted(context.shard(), List.of(text.split(" ")).stream().filter(request.word()::equals).count());
        }
    }

    /** The application. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    public static class App {
        @Bean
        Shard shard() {
            return new Shard();
        }
    }

    private ConfigurableApplicationContext start(String shard, WebApplicationType web) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class).web(web)
                .bannerMode(Banner.Mode.OFF).properties("patternkit.sidecar.url=" + sidecar.baseUrl(),
                        "patternkit.scatter.leaf.shard=" + shard, "patternkit.scatter.server.host=127.0.0.1",
                        "patternkit.scatter.server.port=0", "patternkit.scatter.leaf.ttl=30s",
                        "server.address=127.0.0.1", "server.port=0")
                .run();
        contexts.add(context);
        return context;
    }

    private static String leafUrl(ScatterClient scatter, String shard) {
        return scatter.leaves("words").shard(shard).orElseThrow().replicas().get(0).url().toString();
    }

    private static Map<String, Long> scatter(ScatterGather scatter) {
        GatherResult<Map<String, Long>> result = scatter.scatter("words", new Count("be"), Counted.class,
                Merger.<Counted, Map<String, Long>>of(TreeMap::new, (merged, part) -> {
                    merged.put(part.shard(), part.count());
                    return merged;
                }));
        return result.value();
    }

    @Test
    void leafMethodsOnMvcWebFluxAndAManagementServerAnswerAScatterThroughTheSidecarAndAClosedOneLeaves() {
        ConfigurableApplicationContext mvc = start("s1", WebApplicationType.SERVLET);
        ConfigurableApplicationContext webflux = start("s2", WebApplicationType.REACTIVE);
        start("s3", WebApplicationType.NONE);
        ScatterClient scatter = mvc.getBean(ScatterClient.class); // the context's ScatterGather
        await().atMost(Duration.ofSeconds(10)).until(() -> scatter.leaves("words").shards().size() == 3);
        assertThat(leafUrl(scatter, "s1")).isEqualTo("http://127.0.0.1:" + mvc.getEnvironment().getProperty("local.server.port")
                + "/patternkit/leaf/words");
        assertThat(leafUrl(scatter, "s2")).isEqualTo("http://127.0.0.1:"
                + webflux.getEnvironment().getProperty("local.server.port") + "/patternkit/leaf/words");
        assertThat(scatter(scatter)).isEqualTo(Map.of("s1", 2L, "s2", 1L, "s3", 3L));

        webflux.close(); // leaves the pool as the context stops
        await().atMost(Duration.ofSeconds(10)).until(() -> scatter.leaves("words").shards().size() == 2);
        assertThat(scatter(scatter)).isEqualTo(Map.of("s1", 2L, "s3", 3L));
    }
}
