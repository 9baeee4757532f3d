package io.patternkit.samples.spring;

import io.patternkit.lifecycle.DrainReport;
import io.patternkit.lifecycle.LifecycleListener;
import io.patternkit.lifecycle.TerminationNotice;
import io.patternkit.samples.indexing.TermStatsStage;
import io.patternkit.spring.workqueue.WorkQueueListenerContainer;
import io.patternkit.workqueue.DrainResult;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/**
 * The corpus indexing service: {@link CorpusIndexer} turns each source file of the queue into its term statistics,
 * and {@link CorpusRefresh} enqueues the corpus whenever this replica is elected leader; {@link SearchController}
 * answers {@code GET /search?q=} over every replica's {@link ShardSearch} by scatter/gather, the shards served on this
 * web server. Everything Patternkit comes
 * from the starter and {@code sample.*} / {@code patternkit.*} properties. It prints {@code EVENT} lines that the demo
 * reads: {@code READY} (with the web server's port), {@code LEADER}, {@code REFRESHED}, {@code NOTICE}, {@code DRAINED}.
 */
@SpringBootApplication
@EnableConfigurationProperties(SampleProperties.class)
public class IndexerApplication {
    /** Spring creates it. */
    public IndexerApplication() {
    }

    @Bean
    TermStatsStage termStatsStage(SampleProperties properties) {
        return new TermStatsStage(properties.maxFileBytes());
    }

    @Bean
    CorpusIndexer corpusIndexer(SampleProperties properties, TermStatsStage stage) {
        return new CorpusIndexer(properties, stage);
    }

    @Bean
    ShardSearch shardSearch(SampleProperties properties) {
        return new ShardSearch(properties);
    }

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService refreshExecutor() {
        return Executors.newSingleThreadExecutor(r -> new Thread(r, "corpus-refresh"));
    }

    @Bean
    CorpusRefresh corpusRefresh(SampleProperties properties,
            io.patternkit.spring.workqueue.WorkQueueTemplate template, ExecutorService refreshExecutor) {
        return new CorpusRefresh(properties, template, refreshExecutor);
    }

    /** Tells the demo what the drain did: the lifecycle's report and the listener's consumer outcome. */
    @Bean
    LifecycleListener drainReporter(ObjectProvider<WorkQueueListenerContainer> listeners) {
        return new LifecycleListener() {
            @Override
            public void onTerminationNotice(TerminationNotice notice) {
                Events.print("NOTICE budgetMs=" + notice.budget().toMillis());
            }

            @Override
            public void onDrained(DrainReport report) {
                DrainResult consumer = listeners.getObject().consumer("corpusIndexer.index")
                        .flatMap(c -> c.drainResult()).orElse(new DrainResult(0, 0, 0));
                Events.print("DRAINED tookMs=" + report.took().toMillis() + " clean=" + report.clean()
                        + " completed=" + consumer.completed() + " released=" + consumer.released()
                        + " stranded=" + consumer.stranded());
            }
        };
    }

    @EventListener(ApplicationReadyEvent.class)
    void ready(ApplicationReadyEvent event) {
        Events.print("READY port=" + event.getApplicationContext().getEnvironment().getProperty("local.server.port"));
    }
}
