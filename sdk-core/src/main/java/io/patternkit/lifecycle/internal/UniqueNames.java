package io.patternkit.lifecycle.internal;

import java.util.Set;

/**
 * Names of health checks and info contributions: a name already taken gets the first free suffix of
 * {@code " (2)"}, {@code " (3)"}, ..., so that two handles of the same kind (two consumers of one queue) both
 * show, and registering never fails on a name. Not part of the API.
 */
final class UniqueNames {
    private UniqueNames() {
    }

    /**
     * @param name the wanted name
     * @param taken the names in use; read only
     * @return {@code name} when free, else {@code name (n)} with the smallest free {@code n} from 2
     */
    static String next(String name, Set<String> taken) {
        if (!taken.contains(name)) {
            return name;
        }
        for (int n = 2; ; n++) {
            String candidate = name + " (" + n + ")";
            if (!taken.contains(candidate)) {
                return candidate;
            }
        }
    }
}
