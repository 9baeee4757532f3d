package io.patternkit.testing;

import io.patternkit.lifecycle.CheckpointStore;

class InMemoryCheckpointStoreCompatibilityTest extends CheckpointStoreCompatibilityKit {
    private final InMemoryCheckpointStore store = new InMemoryCheckpointStore(new ManualClock());

    @Override
    protected CheckpointStore store() {
        return store;
    }
}
