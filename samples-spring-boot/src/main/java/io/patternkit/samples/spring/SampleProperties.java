package io.patternkit.samples.spring;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The service's own settings, under {@code sample}.
 *
 * @param name this replica's name, in event lines and its ledger
 * @param queue the work queue of source files
 * @param inputRoot the corpus directory every queued file lies under
 * @param outputRoot where each file's statistics go, at the same relative path plus {@code .json}
 * @param manifest the corpus's files, one relative path per line: what a refresh enqueues
 * @param ledger where this replica records each file it indexed (one relative path per line)
 * @param maxFileBytes sources larger than this are dead-lettered, as the plain sample does
 * @param searchPool the scatter pool of the replicas' search shards
 */
@ConfigurationProperties("sample")
public record SampleProperties(String name, @DefaultValue("spring-corpus") String queue, Path inputRoot,
        Path outputRoot, Path manifest, Path ledger, @DefaultValue("524288") long maxFileBytes,
        @DefaultValue("spring-search") String searchPool) {
}
