package io.patternkit.it;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test opened (sidecars, apps, clients), closed in reverse order when it ends: a test keeps one as a
 * field, registers what it opens with {@link #track}, and closes it in {@code @AfterEach}.
 */
@SuppressWarnings("try") // close() throws what the tracked resources' close() throws, interruption included
final class Resources implements AutoCloseable {
    private final List<AutoCloseable> opened = new ArrayList<>();

    /**
     * @param resource something the test opened
     * @param <T> its type
     * @return the same resource
     */
    <T extends AutoCloseable> T track(T resource) {
        opened.add(resource);
        return resource;
    }

    /** Closes everything tracked, the last opened first, and forgets it. */
    @Override
    public void close() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
    }
}
