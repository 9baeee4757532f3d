package io.patternkit.spring.lifecycle;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method that takes the state a predecessor saved with {@link PatternkitCheckpoint} under the same name,
 * in the manner of CRaC's {@code afterRestore}. The method takes one parameter, the state's type, read from the
 * checkpoint's JSON with Jackson; it is not called when nothing has been saved yet.
 *
 * <p>When the application campaigns for leadership, the starter restores when this instance is elected, with its new
 * fencing token ({@link io.patternkit.lifecycle.CheckpointStore#restore}: from then on the old term's saves are
 * refused), before the {@link io.patternkit.spring.leader.LeaderOnly} beans start and before the application's own
 * listeners hear the grant; otherwise it reads the checkpoint when the context starts, before the work-queue listeners
 * and leaves start. A restore that fails (the sidecar unreachable after the client's retries) is logged, and the grant
 * is not passed on to the leader-only beans, so that no leader works from a state it could not read.
 *
 * <pre>{@code
 * @PatternkitRestore(name = "report-progress")
 * void resume(Progress progress) { lastBatch = progress.lastBatch(); }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PatternkitRestore {
    /** @return the checkpoint's name, as its {@link PatternkitCheckpoint} method gives it */
    String name();
}
