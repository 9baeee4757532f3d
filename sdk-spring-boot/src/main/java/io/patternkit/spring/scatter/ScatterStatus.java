package io.patternkit.spring.scatter;

import io.patternkit.core.SidecarReadiness;
import io.patternkit.scatter.ScatterGather;
import io.patternkit.spring.StatusContributor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Scatter/gather's part of the application's Patternkit status: the root sidecar, and the leaves this application serves. */
public final class ScatterStatus implements StatusContributor {
    private final ScatterGather scatter;
    private final ScatterLeafContainer leaves;

    /**
     * @param scatter the application's scatter/gather: a {@link io.patternkit.scatter.ScatterClient} has a sidecar to
     *     describe, a fake has none
     * @param leaves the leaf container
     */
    public ScatterStatus(ScatterGather scatter, ScatterLeafContainer leaves) {
        this.scatter = Objects.requireNonNull(scatter, "scatter");
        this.leaves = Objects.requireNonNull(leaves, "leaves");
    }

    @Override
    public String name() {
        return "scatter";
    }

    @Override
    public Optional<SidecarReadiness> sidecarReadiness() {
        return StatusContributor.readinessOf(scatter);
    }

    @Override
    public Map<String, Object> status(boolean probeSidecar) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("sidecar", StatusContributor.sidecar(scatter, probeSidecar));
        status.put("leaves", leaves.leaves());
        return status;
    }
}
