package io.patternkit.samples.spring;

import java.time.Instant;

/** Prints the event lines the demo reads ({@code EVENT <KIND> at=<instant> key=value ...}). */
final class Events {
    private Events() {
    }

    static void print(String kindAndFields) {
        String[] parts = kindAndFields.split(" ", 2);
        System.out.println("EVENT " + parts[0] + " at=" + Instant.now() + (parts.length > 1 ? " " + parts[1] : ""));
        System.out.flush();
    }
}
