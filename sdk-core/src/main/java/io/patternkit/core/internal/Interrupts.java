package io.patternkit.core.internal;

/**
 * For the calls a close must make even on an interrupted thread (a {@code close()} in a {@code finally} after an
 * {@link InterruptedException}, a drain step cancelled): OkHttp refuses I/O on an interrupted thread, so the resign or
 * deregistration that lets others take over at once would fail, and they would wait out a lease or a registration.
 * For the Patternkit SDK modules only.
 */
public final class Interrupts {
    private Interrupts() {
    }

    /**
     * Runs the call with the thread's interrupt flag cleared, and sets the flag again afterwards if it was set.
     *
     * @param call the call; what it throws is thrown on, the flag restored first
     */
    public static void deferredDuring(Runnable call) {
        boolean interrupted = Thread.interrupted();
        try {
            call.run();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
