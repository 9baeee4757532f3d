package io.patternkit.spring.lifecycle;

import java.util.OptionalLong;

/**
 * Decides whether this instance may save a {@link PatternkitCheckpoint} now and with which fencing token: the
 * leadership's, when the application campaigns (the leader-election auto-configuration provides one). Without a fence
 * every save is unfenced and the states are read back when the context starts; with one, restoring is the fence's
 * owner's to start ({@link CheckpointHooks#restore(long)}, when elected).
 */
@FunctionalInterface
public interface CheckpointFence {
    /** @return the fencing token a save carries now; empty when this instance may not save (it is not the leader) */
    OptionalLong currentToken();
}
