package io.patternkit.lifecycle;

/**
 * The steps of a drain, in the order they run. The order is fixed and follows the single-container
 * management pattern of Burns and Oppenheimer (HotCloud 2016) as Kubernetes' container lifecycle asks
 * of a pod that is being terminated: first stop taking new work, then finish or give back the work in
 * hand, then hand over state and roles, then let go of the connections.
 *
 * <p>Each phase gets a share of the time that is left when it begins, in proportion to its
 * {@link #weight()} among the phases still to run that have steps; phases without steps take no time.
 * A phase that overruns its share is cut off at the end of it, so it cannot rob later phases of theirs.
 */
public enum DrainPhase {
    /** Readiness turns false, so load balancers and the orchestrator stop sending new work. */
    NOT_READY(1),
    /** Work-queue consumers stop claiming; long-polls in progress are cancelled. */
    STOP_CLAIMING(1),
    /**
     * Running handlers may finish (and be acked) within the phase's share; unfinished items are given back
     * to the queue at once, so that none waits out its visibility timeout.
     */
    FINISH_IN_FLIGHT(10),
    /** Applications store the state their successor restores (CRaC's {@code beforeCheckpoint}). */
    CHECKPOINT(3),
    /** Leaderships are resigned, so that a successor is elected at once instead of after the lease. */
    RESIGN_LEADERSHIP(2),
    /** Scatter/gather leaves deregister from their pools, so the root stops sending them shards. */
    LEAVE_POOLS(2),
    /** Clients of the sidecar close their connections; the sidecar takes this as the end of its app's drain. */
    CLOSE_CLIENTS(1);

    private final int weight;

    DrainPhase(int weight) {
        this.weight = weight;
    }

    /** @return the phase's relative share of the drain deadline, a positive number */
    public int weight() {
        return weight;
    }
}
