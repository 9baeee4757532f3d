package io.patternkit.sidecar.workqueue;

/**
 * What a nack asks for.
 *
 * @param delayMs retry after this many milliseconds, or null for exponential backoff
 * @param deadLetter send straight to the dead-letter queue
 * @param reason why the handler failed, or null; kept with the item
 */
public record NackCommand(Long delayMs, boolean deadLetter, String reason) {
}
