package io.patternkit.sidecar.host;

/**
 * A pattern the sidecar can serve: the work queue, leader election, scatter/gather, and those to
 * come. Each lives in a package of its own, configured by its own command-line options, and meets
 * the host only here; the host knows patterns by this interface alone.
 */
public interface PatternModule {

    /**
     * @return the pattern's name as {@code run --patterns} spells it, such as {@code workqueue}
     */
    String name();

    /**
     * Starts the pattern on the host's shared resources: builds its service, opens its engine
     * through {@link HostContext#engine(Class, String)} and registers its metrics. Called once, before the
     * server listens; may block.
     *
     * @param context the host's Vert.x, metrics registry, JSON mapper, token and engines
     * @return the running pattern
     * @throws io.patternkit.sidecar.common.EngineException when its engine cannot be opened
     * @throws IllegalArgumentException when the configured engine does not serve this pattern
     */
    RunningPattern start(HostContext context);
}
