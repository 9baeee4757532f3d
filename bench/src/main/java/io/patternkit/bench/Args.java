package io.patternkit.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} command-line options of the benchmark mains, with defaults. */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    Args(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got: " + String.join(" ", args));
            }
            values.put(args[i].substring(2), args[++i]);
        }
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback) {
        return values.containsKey(name) ? Integer.parseInt(values.get(name)) : fallback;
    }

    Path path(String name, String fallback) {
        return Path.of(string(name, fallback));
    }

    List<Integer> integers(String name, String fallback) {
        List<Integer> out = new ArrayList<>();
        for (String part : string(name, fallback).split(",")) {
            out.add(Integer.parseInt(part.trim()));
        }
        return out;
    }
}
