package io.patternkit.core.internal;

/**
 * Where the SDK runs the application's code (listeners, callbacks, endpoints) and goes on after it throws: which
 * {@link Error}s it goes on after and which it throws on. An assertion, a class that would not load or a stack overflow
 * (the stack has unwound by the time it is caught) is the application's failure; the JVM's own errors (out of memory,
 * an internal error) are thrown on. For the Patternkit SDK modules only.
 */
public final class JvmErrors {
    private JvmErrors() {
    }

    /**
     * @param failure what the application's code threw; not null
     * @throws VirtualMachineError {@code failure} itself, when it is one of the JVM's own errors other than a
     *     {@link StackOverflowError}
     */
    public static void rethrowIfFatal(Throwable failure) {
        if (failure instanceof VirtualMachineError fatal && !(failure instanceof StackOverflowError)) {
            throw fatal;
        }
    }
}
