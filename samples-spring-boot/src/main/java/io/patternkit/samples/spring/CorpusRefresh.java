package io.patternkit.samples.spring;

import io.patternkit.leader.LeadershipContext;
import io.patternkit.spring.leader.LeadershipGrantedEvent;
import io.patternkit.spring.workqueue.WorkQueueTemplate;
import io.patternkit.workqueue.Enqueue;
import io.patternkit.workqueue.WorkQueue;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.springframework.context.event.EventListener;

/**
 * The refresh that only the leader runs: on {@link LeadershipGrantedEvent}, enqueue every file of the corpus with
 * its relative path as the dedup key, so that a successor's refresh within the dedup window adds nothing twice. The
 * work runs on its own thread; the event thread only hands it over. It ends with the term: a batch is sent only while
 * the term that granted the refresh is still valid.
 */
public class CorpusRefresh {
    private static final int BATCH = 100;
    private final SampleProperties properties;
    private final WorkQueueTemplate template;
    private final ExecutorService executor;

    CorpusRefresh(SampleProperties properties, WorkQueueTemplate template, ExecutorService executor) {
        this.properties = properties;
        this.template = template;
        this.executor = executor;
    }

    @EventListener
    void onGranted(LeadershipGrantedEvent granted) {
        Events.print("LEADER token=" + granted.fencingToken());
        executor.execute(() -> refresh(granted.context()));
    }

    private void refresh(LeadershipContext term) {
        long token = term.fencingToken();
        try {
            List<String> files = Files.readAllLines(properties.manifest());
            WorkQueue queue = template.queue(properties.queue());
            long added = 0;
            for (int from = 0; from < files.size(); from += BATCH) {
                if (!term.isValid()) {
                    Events.print("REFRESH_STOPPED token=" + token + " enqueued=" + added + ": no longer leading");
                    return;
                }
                List<Enqueue> batch = files.subList(from, Math.min(files.size(), from + BATCH)).stream()
                        .map(f -> Enqueue.file(properties.inputRoot().resolve(f)).dedupKey(f)).toList();
                added += queue.enqueueAll(batch).stream().filter(r -> !r.duplicate()).count();
            }
            Events.print("REFRESHED token=" + token + " enqueued=" + added + " duplicates=" + (files.size() - added));
        } catch (IOException | RuntimeException e) {
            Events.print("REFRESH_FAILED token=" + token + " " + e);
        }
    }
}
