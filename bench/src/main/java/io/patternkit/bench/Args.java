package io.patternkit.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} command-line options of the benchmark mains, with defaults (also used by {@code io.patternkit.bench.leader}). */
public final class Args {
    private final Map<String, String> values = new HashMap<>();

    /**
     * Parses {@code --name value} pairs.
     *
     * @param args the command line
     * @throws IllegalArgumentException when an option has no value or a word is not an option
     */
    public Args(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got: " + String.join(" ", args));
            }
            values.put(args[i].substring(2), args[++i]);
        }
    }

    /** The option's value, or {@code fallback} when absent. */
    public String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** The option as an int, or {@code fallback} when absent; {@link NumberFormatException} when not a number. */
    public int integer(String name, int fallback) {
        return values.containsKey(name) ? Integer.parseInt(values.get(name)) : fallback;
    }

    /** The option as a path, or {@code fallback} (a path) when absent. */
    public Path path(String name, String fallback) {
        return Path.of(string(name, fallback));
    }

    /** The option as a comma-separated list of ints, or {@code fallback} parsed the same way when absent. */
    public List<Integer> integers(String name, String fallback) {
        List<Integer> out = new ArrayList<>();
        for (String part : string(name, fallback).split(",")) {
            out.add(Integer.parseInt(part.trim()));
        }
        return out;
    }

    /**
     * The {@code --engines} option, a comma-separated list (default {@code sqlite,postgres}), without {@code postgres}
     * when {@code PATTERNKIT_TEST_JDBC_URL} is unset or blank, as no PostgreSQL is there to measure.
     */
    public List<String> engines() {
        List<String> engines = new ArrayList<>(List.of(string("engines", "sqlite,postgres").split(",")));
        String jdbcUrl = System.getenv("PATTERNKIT_TEST_JDBC_URL");
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            engines.remove("postgres");
        }
        return engines;
    }
}
