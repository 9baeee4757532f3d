package io.patternkit.sidecar.common;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an owner opened, to be closed together in the reverse order, each failure logged and none
 * stopping the rest. Not thread-safe.
 */
public final class Closeables {
    private static final Logger LOG = LoggerFactory.getLogger(Closeables.class);

    private final List<AutoCloseable> opened = new ArrayList<>();

    /**
     * Remembers a resource.
     *
     * @param resource the resource, never null
     * @param <E> its type
     * @return {@code resource}
     */
    public <E extends AutoCloseable> E add(E resource) {
        opened.add(resource);
        return resource;
    }

    /** Closes every remembered resource, newest first, and forgets them. Never throws. */
    public void closeAll() {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", opened.get(i).getClass().getSimpleName(), e.getMessage());
            }
        }
        opened.clear();
    }
}
