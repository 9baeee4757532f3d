package io.patternkit.sidecar.checkpoint;

/**
 * A checkpoint as the engine holds it.
 *
 * @param name its name
 * @param version 0 until the first save, then one more per save
 * @param fence the newest fencing token it has accepted, 0 for none
 * @param stateJson the state as it was saved (JSON text, byte for byte), or null before the first save
 * @param updatedAtMs when it was last written, epoch milliseconds on the engine's clock
 */
public record StoredCheckpoint(String name, long version, long fence, String stateJson, long updatedAtMs) {
}
