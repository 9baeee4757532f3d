package io.patternkit.spring.lifecycle;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method that returns the state to hand over to this application's successor: the single-container
 * management pattern's checkpoint (Burns and Oppenheimer, HotCloud 2016), in the manner of CRaC's
 * {@code beforeCheckpoint}. The method takes no parameters and returns any value Jackson writes as JSON; the starter
 * calls it in the drain's {@link io.patternkit.lifecycle.DrainPhase#CHECKPOINT} phase (after the consumers finished,
 * before leadership is resigned) and saves what it returns with the sidecar's checkpoints
 * ({@link io.patternkit.lifecycle.CheckpointStore}) under {@link #name()}. A null return saves nothing.
 *
 * <p>When the application campaigns for leadership ({@code patternkit.leader.election}), only the leader saves, fenced
 * by its token, so that a deposed leader's late save is refused once its successor has restored; otherwise the save
 * is unfenced (a single instance handing its state to its next incarnation). The matching
 * {@link PatternkitRestore} method receives the state.
 *
 * <pre>{@code
 * @PatternkitCheckpoint(name = "report-progress")
 * Progress progress() { return new Progress(lastBatch); }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PatternkitCheckpoint {
    /**
     * @return the checkpoint's name, 1 to 128 letters, digits, {@code .}, {@code _} or {@code -}; {@code ${...}}
     *     placeholders are resolved
     */
    String name();
}
