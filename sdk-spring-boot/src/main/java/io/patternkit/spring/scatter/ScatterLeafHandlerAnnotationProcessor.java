package io.patternkit.spring.scatter;

import io.patternkit.spring.AnnotatedMethods;

/**
 * Finds the {@link ScatterLeafHandler} methods of the context's beans as they are initialised, for the
 * {@link ScatterLeafContainer} to serve once every singleton exists.
 */
public final class ScatterLeafHandlerAnnotationProcessor extends AnnotatedMethods<ScatterLeafHandler> {
    /** Creates the processor; the auto-configuration registers it. */
    public ScatterLeafHandlerAnnotationProcessor() {
        super(ScatterLeafHandler.class);
    }
}
