package io.patternkit.spring.workqueue;

import io.patternkit.spring.AnnotatedMethods;

/**
 * Finds the {@link WorkQueueListener} methods of the context's beans as they are initialised, for the
 * {@link WorkQueueListenerContainer} to consume once every singleton exists.
 */
public final class WorkQueueListenerAnnotationProcessor extends AnnotatedMethods<WorkQueueListener> {
    /** Creates the processor; the auto-configuration registers it. */
    public WorkQueueListenerAnnotationProcessor() {
        super(WorkQueueListener.class);
    }
}
