package io.patternkit.spring;

/**
 * The error of a Patternkit bean asked to start again after its application context stopped. Patternkit treats a
 * context stop as the end of the process, as Spring Boot's shutdown hook makes it on SIGTERM: consumers release their
 * items and stop for good, leadership is resigned and its handle closed, the lifecycle's one drain has run. A
 * {@code stop()} followed by {@code start()} of the same context (a CRaC checkpoint of a running application does
 * that) would otherwise leave an application that looks started and does no work, or fail with an error about a
 * consumer or handle of the SDK that says nothing of the cause.
 */
public final class NoRestart {
    private NoRestart() {
    }

    /**
     * @param what the bean or the pattern's part that refuses, as a user knows it
     * @return the exception to throw from {@code start()}, saying what to do instead
     */
    public static IllegalStateException refused(String what) {
        return new IllegalStateException(what + " cannot start again after the application context stopped: Patternkit"
                + " drains for good when the context stops (items released, leadership resigned), as on SIGTERM. Close"
                + " the context and create a new one; for a CRaC checkpoint, take it before the context starts"
                + " (-Dspring.context.checkpoint=onRefresh), not of a running application");
    }
}
